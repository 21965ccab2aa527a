"""Changing customers and cases through the API: validated, tenant-checked, audited."""

import pytest
from sqlalchemy import select

from crm import identity
from crm.models import AuditEvent


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
    from crm import users

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
