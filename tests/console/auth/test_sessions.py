"""Sign-ins kept on the server: listed per user, and ended from anywhere at once."""

from __future__ import annotations

import re

from sqlalchemy import select

from console.core.extensions import socketio
from crm.models import AuditEvent, SignIn
from tests.console.auth.conftest import password_sign_in, post_form

LAPTOP = {"User-Agent": "Laptop Firefox", "REMOTE_ADDR": "203.0.113.7"}
PHONE = {"User-Agent": "Phone Safari", "REMOTE_ADDR": "198.51.100.20"}


def browser(app, where: dict, user):
    """A test client signed in as the user from a place (address, user agent)."""
    client = app.test_client()
    client.environ_base.update({"HTTP_USER_AGENT": where["User-Agent"],
                                "REMOTE_ADDR": where["REMOTE_ADDR"]})
    assert password_sign_in(client, user.email).status_code == 302
    return client


def rows(page: str) -> dict[str, str]:
    """Session id -> the row's text on the sessions page."""
    return {m.group(1): m.group(2) for m in re.finditer(
        r'<tr data-session="(\d+)">(.*?)</tr>', page, re.S)}


def test_the_sessions_page_lists_every_sign_in(app, agent):
    laptop, _phone = browser(app, LAPTOP, agent), browser(app, PHONE, agent)
    page = laptop.get("/account/sessions").get_data(as_text=True)
    listed = rows(page)
    assert len(listed) == 2
    text = " ".join(listed.values())
    assert "Laptop Firefox" in text and "Phone Safari" in text
    assert "203.0.113.7" in text and "198.51.100.20" in text
    assert sum("this browser" in r for r in listed.values()) == 1


def test_ending_another_sign_in_signs_that_browser_out_at_once(app, agent, session):
    laptop, phone = browser(app, LAPTOP, agent), browser(app, PHONE, agent)
    tab = socketio.test_client(app, namespace="/agent", flask_test_client=phone)
    assert tab.is_connected("/agent")
    phone_row = session.scalars(select(SignIn).where(SignIn.user_agent == "Phone Safari")).one()

    resp = post_form(laptop, f"/account/sessions/{phone_row.id}/revoke", {},
                     page="/account/sessions")
    assert resp.status_code == 302
    assert not tab.is_connected("/agent")  # its open tab is closed, not just its next page
    assert phone.get("/").status_code == 302
    assert phone.get("/api/v1/customers?q=x").status_code == 401
    assert laptop.get("/").status_code == 200
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "sign_in.revoked")
                            ).one()
    assert audit.actor_id == agent.id


def test_ending_this_sign_in_signs_out(app, agent, session):
    laptop = browser(app, LAPTOP, agent)
    here = session.scalars(select(SignIn)).one()
    resp = post_form(laptop, f"/account/sessions/{here.id}/revoke", {}, page="/account/sessions")
    assert resp.headers["Location"] == "/login"
    assert laptop.get("/").status_code == 302


def test_a_copy_of_a_signed_out_cookie_opens_nothing(app, agent):
    laptop = browser(app, LAPTOP, agent)
    stolen = laptop.get_cookie("session").value
    post_form(laptop, "/logout", {}, page="/account/sessions")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/").status_code == 302


def test_nobody_ends_another_users_sign_in_from_their_own_page(app, agent, make_user,
                                                                session):
    other = make_user("agent")
    browser(app, PHONE, other)
    theirs = session.scalars(select(SignIn).where(SignIn.user_id == other.id)).one()
    laptop = browser(app, LAPTOP, agent)
    resp = post_form(laptop, f"/account/sessions/{theirs.id}/revoke", {},
                     page="/account/sessions")
    assert resp.status_code == 404
    session.refresh(theirs)
    assert theirs.ended_at is None


def test_an_admin_lists_and_ends_a_users_sign_ins(app, agent, make_user, session,
                                                  other_client):
    admin = make_user("admin")
    phone = browser(app, PHONE, agent)
    desk = browser(app, LAPTOP, admin)
    page = desk.get(f"/admin/users/{agent.id}/sessions")
    assert page.status_code == 200 and "Phone Safari" in page.get_data(as_text=True)
    [row_id] = rows(page.get_data(as_text=True))
    resp = post_form(desk, f"/admin/users/{agent.id}/sessions/{row_id}/revoke", {},
                     page=f"/admin/users/{agent.id}/sessions")
    assert resp.status_code == 302 and phone.get("/").status_code == 302
    actions = set(session.scalars(select(AuditEvent.action)))
    assert {"sign_ins.viewed", "sign_in.revoked"} <= actions

    # Not an admin: refused; an admin of another client: no such user.
    assert phone.get(f"/admin/users/{admin.id}/sessions").status_code in (302, 403)
    other_admin = make_user("admin", clients=[other_client])
    elsewhere = browser(app, PHONE, other_admin)
    assert elsewhere.get(f"/admin/users/{agent.id}/sessions").status_code == 404
    agent_again = browser(app, PHONE, agent)
    assert agent_again.get(f"/admin/users/{admin.id}/sessions").status_code == 403
