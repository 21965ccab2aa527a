"""API tokens on screen: a name and a scope, the value shown once, last use, revocation."""

from __future__ import annotations

import re

from sqlalchemy import select

from console.core.extensions import socketio
from crm.models import ApiToken, AuditEvent
from tests.console.auth.conftest import post_form


def create(client, label: str, scope: str) -> str:
    resp = post_form(client, "/account/tokens", {"label": label, "scope": scope})
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return re.search(r'id="raw-token">(cl_[\w-]+)<', resp.get_data(as_text=True)).group(1)


def bearer(raw: str) -> dict:
    return {"Authorization": f"Bearer {raw}"}


def test_a_read_only_token_reads_and_cannot_write(client, agent, login, case):
    login(agent)
    raw = create(client, "reporting script", "read")
    api = client.application.test_client()  # no cookie: the token alone
    assert api.get(f"/api/v1/cases/{case.id}", headers=bearer(raw)).status_code == 200
    resp = api.post(f"/api/v1/cases/{case.id}/notes", json={"body": "hello"},
                    headers=bearer(raw))
    assert resp.status_code == 403 and resp.json["error"]["message"] == \
        "this API token is read-only"


def test_a_full_token_writes(client, agent, login, case):
    login(agent)
    raw = create(client, "integration", "full")
    api = client.application.test_client()
    resp = api.post(f"/api/v1/cases/{case.id}/notes", json={"body": "hello"},
                    headers=bearer(raw))
    assert resp.status_code == 201, resp.get_data(as_text=True)


def test_the_page_shows_each_token_once_and_its_last_use(client, agent, login, session):
    login(agent)
    raw = create(client, "nightly export", "read")
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "nightly export" in page and raw not in page and "never" in page
    client.application.test_client().get("/api/v1/customers?q=x", headers=bearer(raw))
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "never" not in page.split("nightly export")[1].split("</tr>")[0]
    stored = session.scalars(select(ApiToken)).one()
    assert stored.scope == "read" and raw not in stored.token_hash


def test_revoking_a_token_ends_its_sockets_at_once(app, client, agent, login, session, case):
    login(agent)
    raw = create(client, "wallboard", "read")
    sock = socketio.test_client(app, namespace="/agent", auth={"token": raw})
    assert sock.emit("case.watch", {"case_id": case.id}, namespace="/agent",
                     callback=True)["ok"]
    token = session.scalars(select(ApiToken)).one()
    resp = post_form(client, f"/account/tokens/{token.id}/revoke", {}, page="/account/tokens")
    assert resp.status_code == 302
    assert not sock.is_connected("/agent")
    api = app.test_client()
    assert api.get("/api/v1/customers?q=x", headers=bearer(raw)).status_code == 401
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "“wallboard” is revoked" in page and "<td>wallboard</td>" not in page
    actions = session.scalars(select(AuditEvent.action)).all()
    assert "api_token.issued" in actions and "api_token.revoked" in actions


def test_a_read_only_token_socket_watches_but_changes_nothing(app, client, agent, login, case):
    login(agent)
    raw = create(client, "wallboard", "read")
    sock = socketio.test_client(app, namespace="/agent", auth={"token": raw})
    assert sock.emit("case.watch", {"case_id": case.id}, namespace="/agent",
                     callback=True)["ok"]
    ack = sock.emit("presence.set", {"status": "available"}, namespace="/agent", callback=True)
    assert ack["error"]["code"] == "forbidden"
    sock.disconnect(namespace="/agent")


def test_nobody_revokes_another_users_token(client, agent, login, make_user, session):
    other = make_user("agent")
    from crm.tenancy import users

    users.issue_token(session, other, "theirs")
    session.commit()
    theirs = session.scalars(select(ApiToken)).one()
    login(agent)
    resp = post_form(client, f"/account/tokens/{theirs.id}/revoke", {}, page="/account/tokens")
    assert resp.status_code == 404
    session.refresh(theirs)
    assert theirs.revoked_at is None


def test_a_token_needs_a_name_and_a_known_scope(client, agent, login):
    login(agent)
    assert post_form(client, "/account/tokens", {"label": "", "scope": "read"}
                     ).status_code == 400
    assert post_form(client, "/account/tokens", {"label": "x", "scope": "admin"}
                     ).status_code == 400
