"""Regulation F through the API: a refused call is kept on the case, validation resumes a
disputed debt, named times refuse, a supervisor overrides with a reason, the phone's count."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from console.core.extensions import socketio
from crm.core import events
from crm.customers import identity
from crm.models import AuditEvent, DebtAccount
from tests.zones import number_where_it_is


@pytest.fixture
def headers(token):
    """The agent's bearer headers."""
    return {"Authorization": f"Bearer {token}"}


def _debtor(session, client, day=True, **debt):
    number, zone = number_where_it_is(day=day)
    customer, case, _ = identity.find_or_create(session, client.id, number,
                                                display_name="Dana Debtor")
    account = DebtAccount(client_id=client.id, case_id=case.id, account_number="ACC-1", **debt)
    session.add(account)
    session.commit()
    return case.id, customer.id, account.id, number, zone


def _call(client, case_id, headers):
    resp = client.post(f"/api/v1/cases/{case_id}/calls", json={}, headers=headers)
    return resp.status_code, (resp.get_json().get("error") or {}).get("code")


def test_a_disputed_debt_is_refused_kept_on_the_case_until_validation(
        client, session, default_client, headers, as_user):
    case_id, _, debt_id, number, _ = _debtor(session, default_client, disputed=True,
                                             status="disputed")
    assert _call(client, case_id, headers) == (409, "disputed")
    items = client.get(f"/api/v1/cases/{case_id}/blocked-attempts",
                       headers=headers).get_json()["items"]
    assert [(i["rule"], i["medium"], i["overridable"]) for i in items] == [
        ("disputed", "voice", True)]
    timeline = client.get(f"/api/v1/cases/{case_id}/timeline",
                          headers=headers).get_json()["items"]
    note = next(i for i in timeline if i["medium"] == "system")
    assert "blocked" in note["body"] and number not in str(note)
    allowance = client.get(f"/api/v1/cases/{case_id}/call-allowance", headers=headers)
    assert allowance.get_json() | {"reason": None, "numbers": None} == {
        "limited": True, "calls_per_week": 7, "calls_left": 7, "allowed": False,
        "reason": None, "numbers": None}
    # Each number says why; a dispute is one a supervisor may lift, so its button stays on.
    [only] = allowance.get_json()["numbers"]
    assert (only["allowed"], only["absolute"]) == (False, False)
    assert only["reason"].startswith("the customer disputes account ACC-1")
    assert client.post(f"/api/v1/debts/{debt_id}/validation", json={},
                       headers=headers).status_code == 403
    _, collector = as_user("collections")
    assert client.post(f"/api/v1/debts/{debt_id}/validation", json={"sent_on": "2026-13-01"},
                       headers=collector).status_code == 422
    done = client.post(f"/api/v1/debts/{debt_id}/validation", json={}, headers=collector)
    assert done.status_code == 200 and done.get_json()["status"] == "active"
    assert _call(client, case_id, headers) == (201, None)
    assert client.get(f"/api/v1/cases/{case_id}/call-allowance",
                      headers=headers).get_json()["allowed"] is True


def test_a_time_the_debtor_named_refuses_until_it_is_removed(client, session, default_client,
                                                            headers):
    case_id, customer_id, _, _, zone = _debtor(session, default_client)
    hour = datetime.now(ZoneInfo(zone)).hour
    made = client.post(f"/api/v1/customers/{customer_id}/contact-restrictions", headers=headers,
                       json={"starts": f"{hour:02d}:00", "ends": f"{(hour + 1) % 24:02d}:00",
                             "note": "I'm at the gym then"})
    assert made.status_code == 201, made.get_json()
    assert _call(client, case_id, headers) == (409, "named_inconvenient_time")
    listed = client.get(f"/api/v1/customers/{customer_id}/contact-restrictions",
                        headers=headers).get_json()["items"]
    assert [r["summary"] for r in listed] == [f"{hour:02d}:00-{(hour + 1) % 24:02d}:00"]
    assert client.delete(f"/api/v1/contact-restrictions/{made.get_json()['id']}",
                         headers=headers).status_code == 204
    assert _call(client, case_id, headers) == (201, None)
    assert session.scalar(select(AuditEvent.id).where(
        AuditEvent.action == "contact_restriction.removed")) is not None


@pytest.mark.parametrize("body", [{"starts": "25:00"}, {"days": ["funday"]}, {},
                                  {"days": "mon"}, {"contact_point_id": "x"}])
def test_bad_restrictions_get_a_400(client, session, default_client, headers, body):
    _, customer_id, _, _, _ = _debtor(session, default_client)
    resp = client.post(f"/api/v1/customers/{customer_id}/contact-restrictions", json=body,
                       headers=headers)
    assert resp.status_code in (400, 422), resp.get_json()


def test_a_spoken_dont_call_me_through_the_api(app, client, session, default_client, headers,
                                              token):
    case_id, customer_id, _, _, _ = _debtor(session, default_client)
    point = client.get(f"/api/v1/customers/{customer_id}",
                       headers=headers).get_json()["contact_points"][0]
    allowance = f"/api/v1/cases/{case_id}/call-allowance"
    assert client.get(allowance, headers=headers).get_json()["numbers"] == [
        {"contact_point_id": point["id"], "allowed": True, "reason": None, "absolute": False}]
    assert client.post(f"/api/v1/contact-points/{point['id']}/opt-outs", headers=headers,
                       json={"medium": "fax"}).status_code == 422
    watcher = socketio.test_client(app, namespace="/agent", auth={"token": token})
    watcher.emit(events.CASE_WATCH, {"case_id": case_id}, namespace="/agent", callback=True)
    watcher.get_received("/agent")
    resp = client.post(f"/api/v1/contact-points/{point['id']}/opt-outs", headers=headers,
                       json={"medium": "voice", "note": "don't ring me"})
    assert resp.status_code == 200 and "voice" in resp.get_json()["opt_outs"]
    # The open case (its Call buttons, composer and worklist row) hears of it at once.
    heard = {m["name"] for m in watcher.get_received("/agent")}
    assert {events.CASE_UPDATED, events.CUSTOMER_UPDATED} <= heard
    watcher.disconnect(namespace="/agent")
    assert _call(client, case_id, headers) == (409, "opted_out")
    assert client.get(allowance, headers=headers).get_json()["numbers"] == [
        {"contact_point_id": point["id"], "allowed": False, "reason": "opted out of calls",
         "absolute": True}]


def test_a_supervisor_overrides_a_night_refusal_once_with_a_reason(client, session,
                                                                  default_client, headers,
                                                                  as_user, agent):
    case_id, _, _, _, _ = _debtor(session, default_client, day=False)
    assert _call(client, case_id, headers) == (409, "inconvenient_time")
    blocked_id = client.get(f"/api/v1/cases/{case_id}/blocked-attempts",
                            headers=headers).get_json()["items"][0]["id"]
    url = f"/api/v1/blocked-attempts/{blocked_id}/override"
    assert client.post(url, json={"reason": "please"}, headers=headers).status_code == 403
    _, boss = as_user("supervisor")
    assert client.post(url, json={"reason": "  "}, headers=boss).status_code == 422
    assert client.post(url, json={}, headers=boss).status_code == 422
    done = client.post(url, json={"reason": "debtor asked us to call back tonight"},
                       headers=boss)
    assert done.status_code == 200 and done.get_json()["overridden_at"]
    assert _call(client, case_id, headers) == (201, None)
    assert _call(client, case_id, headers) == (409, "inconvenient_time")  # once only
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"guardrail.blocked", "guardrail.overridden", "guardrail.override_used"} <= actions
    assert client.post(url, json={"reason": "again"}, headers=boss).status_code == 409


def test_blocked_attempts_of_another_clients_case_are_hidden(client, session, default_client,
                                                            other_client, as_user, headers):
    case_id, _, _, _, _ = _debtor(session, default_client, disputed=True)
    assert _call(client, case_id, headers) == (409, "disputed")
    _, outsider = as_user("supervisor", clients=[other_client])
    assert client.get(f"/api/v1/cases/{case_id}/blocked-attempts",
                      headers=outsider).status_code == 404
    assert client.post("/api/v1/blocked-attempts/1/override", json={"reason": "x"},
                       headers=outsider).status_code == 404


def test_the_cases_watchers_see_a_blocked_attempt_and_its_override_live(
        app, client, session, default_client, headers, token, as_user):
    case_id, *_ = _debtor(session, default_client, disputed=True, status="disputed")
    watcher = socketio.test_client(app, namespace="/agent", auth={"token": token})
    watcher.emit(events.CASE_WATCH, {"case_id": case_id}, namespace="/agent", callback=True)
    watcher.get_received("/agent")
    assert _call(client, case_id, headers) == (409, "disputed")
    got = [m["args"][0] for m in watcher.get_received("/agent")
           if m["name"] == events.BLOCKED_ATTEMPT_CREATED]
    assert len(got) == 1 and got[0]["case_id"] == case_id and got[0]["at"]
    row = got[0]["blocked_attempt"]
    assert (row["id"], row["rule"], row["medium"], row["overridable"]) == (
        got[0]["id"], "disputed", "voice", True)
    listed = client.get(f"/api/v1/cases/{case_id}/blocked-attempts", headers=headers)
    assert listed.get_json()["items"] == [row]  # the one shape, API and socket
    _, supervisor = as_user("supervisor")
    assert client.post(f"/api/v1/blocked-attempts/{row['id']}/override", headers=supervisor,
                       json={"reason": "They asked us to call today"}).status_code == 200
    updated = [m["args"][0] for m in watcher.get_received("/agent")
               if m["name"] == events.BLOCKED_ATTEMPT_UPDATED]
    assert [u["blocked_attempt"]["override_reason"] for u in updated] == [
        "They asked us to call today"]
    watcher.disconnect(namespace="/agent")
