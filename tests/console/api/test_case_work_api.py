"""Customers and cases by hand: create, edit contact points, merge with a preview, move a
case's status with a reason; bad input is a 4xx, another client's records read as 404."""

import pytest
from sqlalchemy import select

from crm.cases import landing
from crm.customers import identity
from crm.models import AuditEvent, Case, Customer, Interaction, Task
from crm.tenancy import users


def _auth(raw):
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def auth(token):
    return _auth(token)


@pytest.fixture
def outsider(session, make_user, other_client):
    """A token of another client's agent."""
    user = make_user("agent", clients=[other_client])
    raw = users.issue_token(session, user)
    session.commit()
    return _auth(raw)


def _create(client, auth, **body):
    return client.post("/api/v1/customers", headers=auth, json={
        "display_name": "Thandi Nkosi", "phones": ["(415) 555-0199"],
        "emails": ["Thandi@Example.com"], "timezone": "Africa/Johannesburg",
        "language": "zu", **body})


def test_a_customer_made_by_hand_has_a_case_and_is_found(client, auth, session):
    resp = _create(client, auth)
    assert resp.status_code == 201, resp.get_json()
    out = resp.get_json()
    assert out["case_id"] and out["case_reference"].startswith("CL-")
    assert sorted(cp["value"] for cp in out["contact_points"]) == [
        "+14155550199", "thandi@example.com"]
    assert out["timezone"] == "Africa/Johannesburg" and out["language"] == "zu"
    found = client.get("/api/v1/customers?q=nkosi", headers=auth).get_json()["items"]
    assert [h["case_id"] for h in found] == [out["case_id"]]
    audit = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "customer.created")).one()
    assert audit.after["by_hand"] is True and audit.actor_id is not None


@pytest.mark.parametrize(("body", "words"), [
    ({"display_name": "   "}, "name"),
    ({"phones": ["not a number"]}, "phone"),
    ({"emails": ["nobody"]}, "email"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"phones": "+14155550100"}, "phones"),
    ({"phones": [12]}, "phones"),
    ({"language": "x" * 17}, "language"),
])
def test_bad_new_customers_are_422_and_leave_nothing(client, auth, session, body, words):
    resp = _create(client, auth, **body)
    assert resp.status_code == 422, resp.get_json()
    assert words in resp.get_json()["error"]["message"]
    assert session.scalars(select(Customer)).all() == []


def test_a_phone_that_is_someone_elses_is_409(client, auth, session, case):
    resp = _create(client, auth, phones=["+1 415 555 0100"])
    assert resp.status_code == 409 and str(case.customer_id) in resp.get_json()["error"][
        "message"]
    assert session.scalars(select(Customer)).all() == [session.get(Customer, case.customer_id)]


def test_another_clients_id_is_404_when_creating(client, auth, other_client):
    assert _create(client, auth, client_id=other_client.id).status_code == 404


def test_contact_points_are_added_consented_relabelled_and_removed(client, auth, case,
                                                                   session):
    added = client.post(f"/api/v1/customers/{case.customer_id}/contact-points", headers=auth,
                        json={"value": "work@example.com", "label": "work"})
    assert added.status_code == 201, added.get_json()
    point = added.get_json()
    again = client.post(f"/api/v1/customers/{case.customer_id}/contact-points", headers=auth,
                        json={"value": "WORK@example.com"})
    assert again.status_code == 409
    changed = client.patch(f"/api/v1/contact-points/{point['id']}", headers=auth,
                           json={"consents": {"email": True}, "label": "office"})
    assert changed.status_code == 200
    assert changed.get_json()["label"] == "office" and "email" in changed.get_json()["consents"]
    bad = client.patch(f"/api/v1/contact-points/{point['id']}", headers=auth,
                       json={"consents": {"pigeon": True}})
    assert bad.status_code == 422
    assert client.delete(f"/api/v1/contact-points/{point['id']}",
                         headers=auth).status_code == 204
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "contact_point")).all()
    assert "contact_point.changed" in actions and "contact_point.removed" in actions


def test_a_contact_point_with_an_opt_out_is_kept(client, auth, case, session):
    point = session.get(Customer, case.customer_id).contact_points[0]
    point.opt_outs = {"sms": "2026-01-01T00:00:00+00:00"}
    session.commit()
    resp = client.delete(f"/api/v1/contact-points/{point.id}", headers=auth)
    assert resp.status_code == 409 and "opt-out" in resp.get_json()["error"]["message"]


def _with_history(session, default_client, address, n):
    _, case, _ = identity.find_or_create(session, default_client.id, address)
    for i in range(n):
        landing.receive(session, landing.InboundMessage(
            medium="sms", provider_id=f"SM{address}{i}", sender=address,
            recipient="+15005550006", body=f"hello {i}"))
    session.add(Task(client_id=case.client_id, case_id=case.id, title="call back"))
    session.commit()
    return case


def test_merge_previews_what_moves_then_moves_it(client, auth, session, default_client):
    keep = _with_history(session, default_client, "+14155550101", 1)
    drop = _with_history(session, default_client, "+14155550102", 3)
    preview = client.get(f"/api/v1/customers/{keep.customer_id}/merge-preview?other_id="
                         f"{drop.customer_id}", headers=auth)
    assert preview.status_code == 200, preview.get_json()
    body = preview.get_json()
    assert body["moves"] == {"interactions": 3, "claims": 0, "debts": 0, "tasks": 1,
                             "contact_points": 1}
    assert body["duplicate_case_reference"] == drop.reference
    assert session.get(Customer, drop.customer_id).merged_into_id is None  # nothing moved yet
    merged = client.post(f"/api/v1/customers/{keep.customer_id}/merge", headers=auth,
                         json={"other_id": drop.customer_id})
    assert merged.status_code == 200, merged.get_json()
    assert merged.get_json()["case_id"] == keep.id
    assert len(merged.get_json()["contact_points"]) == 2
    session.expire_all()
    assert session.scalar(select(Case).where(Case.id == drop.id)) is None
    assert len(session.scalars(select(Interaction).where(
        Interaction.case_id == keep.id)).all()) == 4
    again = client.post(f"/api/v1/customers/{keep.customer_id}/merge", headers=auth,
                        json={"other_id": drop.customer_id})
    assert again.status_code == 422  # the duplicate now reads as the survivor itself


def test_merging_into_itself_or_a_stranger_is_refused(client, auth, outsider, case, session,
                                                      other_client):
    _, theirs, _ = identity.find_or_create(session, other_client.id, "+14155550177")
    session.commit()
    url = f"/api/v1/customers/{case.customer_id}"
    assert client.post(url + "/merge", headers=auth,
                       json={"other_id": case.customer_id}).status_code == 422
    assert client.post(url + "/merge", headers=auth,
                       json={"other_id": theirs.customer_id}).status_code == 404
    assert client.get(url + f"/merge-preview?other_id={theirs.customer_id}",
                      headers=auth).status_code == 404
    assert client.get(url + "/merge-preview?other_id=abc", headers=auth).status_code == 422
    assert client.post(url + "/merge", headers=outsider,
                       json={"other_id": theirs.customer_id}).status_code == 404
    assert client.patch(url, headers=outsider, json={"language": "fr"}).status_code == 404


def test_merging_a_sensitive_case_needs_the_fraud_team(client, auth, session, default_client,
                                                       make_user):
    keep = _with_history(session, default_client, "+14155550101", 0)
    drop = _with_history(session, default_client, "+14155550102", 0)
    drop.sensitive = True
    fraud = make_user("fraud")
    raw = users.issue_token(session, fraud)
    session.commit()
    body = {"other_id": drop.customer_id}
    url = f"/api/v1/customers/{keep.customer_id}/merge"
    assert client.post(url, headers=auth, json=body).status_code == 403
    assert client.post(url, headers=_auth(raw), json=body).status_code == 200


def test_closing_a_case_needs_a_reason_which_is_kept_and_shown(client, auth, case, session):
    url = f"/api/v1/cases/{case.id}"
    bare = client.patch(url, headers=auth, json={"status": "closed"})
    assert bare.status_code == 422 and "reason" in bare.get_json()["error"]["message"]
    stray = client.patch(url, headers=auth, json={"reason": "why not"})
    assert stray.status_code == 422
    resp = client.patch(url, headers=auth, json={
        "status": "closed", "reason": "Paid in full", "labels": ["VIP", "vip", " Spanish "],
        "follow_up_on": "2027-01-15", "priority": "high"})
    assert resp.status_code == 200, resp.get_json()
    out = resp.get_json()
    assert out["status"] == "closed" and out["status_reason"] == "Paid in full"
    assert out["labels"] == ["VIP", "Spanish"] and out["follow_up_on"] == "2027-01-15"
    row = session.scalars(select(Interaction).where(Interaction.case_id == case.id,
                                                    Interaction.medium == "system")).one()
    assert row.body == "Status open → closed: Paid in full"
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.updated")).one()
    assert audit.after["status_reason"] == "Paid in full" and audit.before["status"] == "open"
    assert client.get(url, headers=auth).get_json()["labels"] == ["VIP", "Spanish"]


@pytest.mark.parametrize("body", [
    {"status": "resolved"}, {"status": "archived", "reason": "x"},
    {"follow_up_on": "next week"}, {"follow_up_on": "2027-02-30"}, {"labels": "vip"},
    {"labels": [""]}, {"labels": ["x" * 41]}, {"labels": None}, {"labels": [1]},
    {"status": "pending", "reason": "x" * 501},
])
def test_bad_case_changes_are_422_and_change_nothing(client, auth, case, session, body):
    resp = client.patch(f"/api/v1/cases/{case.id}", headers=auth, json=body)
    assert resp.status_code == 422, resp.get_json()
    session.expire_all()
    assert session.get(Case, case.id).status == "open"
    assert session.scalars(select(AuditEvent).where(
        AuditEvent.action == "case.updated")).all() == []


def test_a_customer_who_writes_on_a_resolved_case_reopens_it(client, auth, case, session):
    client.patch(f"/api/v1/cases/{case.id}", headers=auth,
                 json={"status": "resolved", "reason": "answered"})
    landing.receive(session, landing.InboundMessage(
        medium="sms", provider_id="SMback", sender="+14155550100", recipient="+15005550006",
        body="actually, one more thing"))
    session.commit()
    out = client.get(f"/api/v1/cases/{case.id}", headers=auth).get_json()
    assert out["status"] == "open" and "got in touch" in out["status_reason"]
    bodies = [i["body"] for i in client.get(f"/api/v1/cases/{case.id}/timeline",
                                            headers=auth).get_json()["items"]]
    assert bodies[0].startswith("Case reopened") and bodies[1] == "actually, one more thing"


def test_a_merge_of_two_cases_someone_opened_keeps_one_recent_view(client, auth, session,
                                                                   default_client):
    keep = _with_history(session, default_client, "+14155550101", 0)
    drop = _with_history(session, default_client, "+14155550102", 0)
    for case in (keep, drop):  # the agent opened both: each is on their recent cases
        assert client.get(f"/api/v1/cases/{case.id}", headers=auth).status_code == 200
    merged = client.post(f"/api/v1/customers/{keep.customer_id}/merge", headers=auth,
                         json={"other_id": drop.customer_id})
    assert merged.status_code == 200, merged.get_json()
    recent = client.get("/api/v1/worklist", headers=auth).get_json()["recent"]
    assert [c["id"] for c in recent] == [keep.id]
