"""Fraud work: escalation to the fraud team, and fraud-ring links seen only by that team."""

import pytest
from sqlalchemy import select

from crm.customers import identity
from crm.models import AuditEvent, CustomerLink, Investigation


@pytest.fixture
def three(session, default_client):
    """Three customers with cases: (customer, case) each."""
    made = []
    for n in range(3):
        customer, case, _ = identity.find_or_create(session, default_client.id,
                                                    f"+1415555020{n}",
                                                    display_name=f"Person {n}")
        made.append((customer, case))
    session.commit()
    return made


def test_an_agent_escalates_and_the_fraud_team_sees_it_once(client, session, three, as_user):
    _, agent_h = as_user("claims")
    _, fraud_h = as_user("fraud")
    case = three[0][1]
    url = f"/api/v1/cases/{case.id}/escalations"
    resp = client.post(url, headers=agent_h, json={"summary": "Third claim for the same TV"})
    assert resp.status_code == 201, resp.get_json()
    assert resp.get_json() == {"case_id": case.id, "status": "under review",
                               "investigation": None}  # the claims handler may not see it
    again = client.post(url, headers=agent_h, json={"summary": "And again"})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_open")
    assert client.post(f"/api/v1/cases/{three[1][1].id}/escalations", headers=agent_h,
                       json={"summary": "  "}).status_code == 422
    waiting = client.get("/api/v1/investigations/escalated", headers=fraud_h).get_json()
    assert [i["case_id"] for i in waiting["items"]] == [case.id]
    assert client.get("/api/v1/investigations/escalated", headers=agent_h).status_code == 403
    header = client.get(f"/api/v1/cases/{case.id}", headers=agent_h).get_json()
    assert [w["status"] for w in header["open_work"] if w["kind"] == "investigation"] == [
        "under review"]
    assert session.scalar(select(AuditEvent.action).where(
        AuditEvent.action == "investigation.escalated")) is not None


def test_links_make_a_ring_that_only_fraud_supervisors_and_reviewers_see(client, session,
                                                                         three, as_user):
    _, fraud_h = as_user("fraud")
    _, agent_h = as_user("agent")
    _, reviewer_h = as_user("reviewer")
    (a, _), (b, case_b), (c, _) = three
    link = f"/api/v1/customers/{a.id}/links"
    assert client.post(link, headers=fraud_h, json={
        "other": case_b.reference.lower(), "reason": "same bank account"}).status_code == 201
    assert client.post(f"/api/v1/customers/{c.id}/links", headers=fraud_h, json={
        "other": str(b.id), "reason": "same repair shop invoices"}).status_code == 201

    ring = client.get(f"/api/v1/customers/{a.id}", headers=reviewer_h).get_json()["linked"]
    assert [(x["id"], x["relation"]) for x in ring] == [
        (b.id, "fraud ring: same bank account"),
        (c.id, "fraud ring: same repair shop invoices, linked to Person 1")]
    assert client.get(f"/api/v1/customers/{a.id}", headers=agent_h).get_json()["linked"] == []

    # Agents cannot link; a pair is linked once; nobody is linked to themselves.
    assert client.post(link, headers=agent_h, json={"other": str(c.id),
                                                    "reason": "x"}).status_code == 403
    twice = client.post(f"/api/v1/customers/{b.id}/links", headers=fraud_h,
                        json={"other": str(a.id), "reason": "again"})
    assert (twice.status_code, twice.get_json()["error"]["code"]) == (409, "already_linked")
    for other, reason in ((str(a.id), "me"), ("CL-NOSUCH", "x"), (str(c.id), " "),
                          ("99999999999999999999", "x")):
        assert client.post(link, headers=fraud_h,
                           json={"other": other, "reason": reason}).status_code in (404, 422)
    assert len(session.scalars(select(CustomerLink)).all()) == 2

    assert client.delete(f"/api/v1/customers/{b.id}/links/{c.id}",
                         headers=fraud_h).status_code == 204
    ring = client.get(f"/api/v1/customers/{a.id}", headers=fraud_h).get_json()["linked"]
    assert [x["id"] for x in ring] == [b.id]
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("customer.%link%")).order_by(AuditEvent.id)).all()
    assert actions == ["customer.linked", "customer.linked", "customer.unlinked"]


def test_customers_of_other_clients_are_never_linked(client, session, three, as_user,
                                                     other_client):
    stranger, _, _ = identity.find_or_create(session, other_client.id, "+14155550299")
    session.commit()
    _, fraud_h = as_user("fraud")
    resp = client.post(f"/api/v1/customers/{three[0][0].id}/links", headers=fraud_h,
                       json={"other": str(stranger.id), "reason": "shared device"})
    assert resp.status_code == 404  # not theirs to see, so not even said to exist
    assert session.scalars(select(Investigation)).all() == []
