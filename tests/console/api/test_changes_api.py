"""Changing customers and cases through the API: validated, tenant-checked, audited."""

import pytest
from sqlalchemy import select

from crm.customers import identity
from crm.models import AuditEvent
from crm.tenancy import users


@pytest.fixture
def case(session, default_client):
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    session.commit()
    return case


def _auth(token):
    return {"Authorization": f"Bearer {token}"}


def test_renaming_a_customer_is_audited_and_searchable(client, token, case, session):
    resp = client.patch(f"/api/v1/customers/{case.customer_id}", headers=_auth(token),
                        json={"display_name": "José Fernández", "timezone": "Africa/Johannesburg"})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["display_name"] == "José Fernández"
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "customer.updated")).one()
    assert event.before == {"display_name": "+14155550100", "timezone": None}
    assert event.after["timezone"] == "Africa/Johannesburg"


def test_bad_values_are_422_and_change_nothing(client, token, case, session):
    resp = client.patch(f"/api/v1/customers/{case.customer_id}", headers=_auth(token),
                        json={"timezone": "Mars/Olympus"})
    assert resp.status_code == 422 and "unknown timezone" in resp.get_json()["error"]["message"]
    resp = client.patch(f"/api/v1/cases/{case.id}", headers=_auth(token),
                        json={"status": "exploded"})
    assert resp.status_code == 422
    assert session.scalars(select(AuditEvent).where(
        AuditEvent.action.in_(["customer.updated", "case.updated"]))).all() == []


def test_malformed_json_is_a_clear_4xx(client, token, case):
    resp = client.patch(f"/api/v1/cases/{case.id}", headers=_auth(token), data="{nope",
                        content_type="application/json")
    assert resp.status_code in (400, 422) and "error" in resp.get_json()


def test_another_clients_case_is_404(client, session, make_user, other_client, case):
    outsider = make_user("agent", clients=[other_client])
    raw = users.issue_token(session, outsider)
    session.commit()
    resp = client.patch(f"/api/v1/cases/{case.id}", headers=_auth(raw),
                        json={"priority": "high"})
    assert resp.status_code == 404


def test_cookie_writes_need_the_csrf_header(client, agent, login, case):
    csrf = login(agent)
    assert client.patch(f"/api/v1/cases/{case.id}", json={"priority": "high"}).status_code == 400
    ok = client.patch(f"/api/v1/cases/{case.id}", json={"priority": "high"},
                      headers={"X-CSRFToken": csrf})
    assert ok.status_code == 200 and ok.get_json()["priority"] == "high"


def _token_of(session, user):
    raw = users.issue_token(session, user, "test")
    session.commit()
    return raw


def _case_changes(session):
    return session.scalars(select(AuditEvent).where(AuditEvent.action == "case.updated")).all()


def _stored(session, case):
    session.expire_all()
    return session.get(type(case), case.id)


@pytest.fixture
def supervisor_token(session, make_user):
    return _token_of(session, make_user("supervisor"))


@pytest.fixture
def flagged_case(session, case):
    case.flags = ["do_not_call"]
    session.commit()
    return case


def test_an_owner_must_be_an_active_user_of_the_cases_client(
        client, session, supervisor_token, case, make_user, other_client):
    outsider = make_user("agent", clients=[other_client])
    disabled = make_user("agent")
    disabled.active = False
    session.commit()
    for owner_id in (99999, -1, 0, 2**70, outsider.id, disabled.id):
        resp = client.patch(f"/api/v1/cases/{case.id}", headers=_auth(supervisor_token),
                            json={"owner_id": owner_id})
        assert resp.status_code == 422, (owner_id, resp.get_json())
        assert resp.get_json()["error"]["message"].startswith("owner_id: no such")
    assert _stored(session, case).owner_id is None
    assert _case_changes(session) == []


def test_a_supervisor_assigns_and_unassigns_with_an_audit_trail(
        client, session, supervisor_token, case, make_user):
    colleague = make_user("agent")
    resp = client.patch(f"/api/v1/cases/{case.id}", headers=_auth(supervisor_token),
                        json={"owner_id": colleague.id})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["owner_id"] == colleague.id
    resp = client.patch(f"/api/v1/cases/{case.id}", headers=_auth(supervisor_token),
                        json={"owner_id": None})
    assert resp.status_code == 200 and resp.get_json()["owner_id"] is None
    assert [(e.before, e.after) for e in _case_changes(session)] == [
        ({"owner_id": None}, {"owner_id": colleague.id}),
        ({"owner_id": colleague.id}, {"owner_id": None})]


def test_null_summary_or_flags_are_422_not_a_crash(client, session, supervisor_token, case):
    for field in ("summary", "flags"):
        resp = client.patch(f"/api/v1/cases/{case.id}", headers=_auth(supervisor_token),
                            json={field: None})
        assert resp.status_code == 422, resp.get_json()
        assert f"{field} cannot be null" in resp.get_json()["error"]["message"]
    assert _case_changes(session) == []


def test_an_agent_cannot_change_flags(client, session, token, flagged_case):
    resp = client.patch(f"/api/v1/cases/{flagged_case.id}", headers=_auth(token),
                        json={"flags": []})
    assert resp.status_code == 403
    assert "only a supervisor may change flags" in resp.get_json()["error"]["message"]
    assert _stored(session, flagged_case).flags == ["do_not_call"]
    assert _case_changes(session) == []
    # Sending the flags back unchanged (a client echoing the case) is not a change.
    resp = client.patch(f"/api/v1/cases/{flagged_case.id}", headers=_auth(token),
                        json={"flags": ["do_not_call"], "priority": "high"})
    assert resp.status_code == 200, resp.get_json()


@pytest.mark.parametrize("role", ["supervisor", "admin"])
def test_a_supervisor_changes_flags_deduplicated_and_audited(
        client, session, make_user, flagged_case, role):
    raw = _token_of(session, make_user(role))
    resp = client.patch(f"/api/v1/cases/{flagged_case.id}", headers=_auth(raw),
                        json={"flags": ["vulnerable", "do_not_call", "vulnerable"]})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["flags"] == ["vulnerable", "do_not_call"]
    [event] = _case_changes(session)
    assert event.before == {"flags": ["do_not_call"]}
    assert event.after == {"flags": ["vulnerable", "do_not_call"]}


@pytest.mark.parametrize("bad", ["<img src=x onerror=alert(1)>", "", "Do_Not_Call", "a b",
                                 "x" * 41])
def test_flags_must_be_short_tokens(client, session, supervisor_token, flagged_case, bad):
    resp = client.patch(f"/api/v1/cases/{flagged_case.id}", headers=_auth(supervisor_token),
                        json={"flags": ["vulnerable", bad]})
    assert resp.status_code == 422, resp.get_json()
    message = resp.get_json()["error"]["message"]
    assert message.startswith("flags[1] must be") and "<img" not in message
    assert _stored(session, flagged_case).flags == ["do_not_call"]
    assert _case_changes(session) == []


def test_an_agent_takes_an_unowned_case_and_releases_only_their_own(
        client, session, agent, token, case, make_user):
    colleague = make_user("agent")
    colleague_token = _token_of(session, colleague)
    url = f"/api/v1/cases/{case.id}"
    resp = client.patch(url, headers=_auth(token), json={"owner_id": agent.id})
    assert resp.status_code == 200 and resp.get_json()["owner_id"] == agent.id
    for body in ({"owner_id": colleague.id}, {"owner_id": None}):
        resp = client.patch(url, headers=_auth(colleague_token), json=body)
        assert resp.status_code == 403, body
        assert "only a supervisor may change owner_id" in resp.get_json()["error"]["message"]
    assert _stored(session, case).owner_id == agent.id
    resp = client.patch(url, headers=_auth(token), json={"owner_id": colleague.id})
    assert resp.status_code == 403
    resp = client.patch(url, headers=_auth(token), json={"owner_id": None})
    assert resp.status_code == 200 and resp.get_json()["owner_id"] is None
    assert len(_case_changes(session)) == 2


def test_agents_still_change_status_priority_and_summary(client, session, token, case):
    resp = client.patch(f"/api/v1/cases/{case.id}", headers=_auth(token),
                        json={"status": "pending", "priority": "urgent", "summary": "Rang back"})
    assert resp.status_code == 200, resp.get_json()
    stored = _stored(session, case)
    assert (stored.status, stored.priority, stored.summary) == ("pending", "urgent", "Rang back")
