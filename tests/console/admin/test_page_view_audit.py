"""Opening /admin audits one page view; its own list reads add no rows, any other list read
(no marker, a stale or foreign marker, a bearer token) is still audited."""

import re

import pytest
from sqlalchemy import select

from console.auth import page_views
from crm.models import AuditEvent
from tests.conftest import PASSWORD, csrf_token_from
from tests.console.auth.conftest import _one_g_per_request  # noqa: F401  (one g a request)

LISTS = ("/api/v1/admin/clients", "/api/v1/admin/addresses", "/api/v1/admin/users",
         "/api/v1/admin/queues", "/api/v1/admin/dispositions", "/api/v1/admin/canned-replies")


def _actions(session, actor):
    session.expire_all()
    return [e.action for e in session.scalars(select(AuditEvent).where(
        AuditEvent.actor_id == actor.id).order_by(AuditEvent.id))]


def _open_admin(client):
    page = client.get("/admin/").get_data(as_text=True)
    return re.search(r'data-page-view="([^"]+)"', page).group(1)


@pytest.fixture
def signed_in_admin(client, login, admin):
    login(admin)
    return admin


def test_one_page_load_is_one_audit_row(client, session, signed_in_admin):
    view = _open_admin(client)
    before = len(_actions(session, signed_in_admin))
    for path in LISTS:
        answer = client.get(path, headers={page_views.PAGE_VIEW_HEADER: view})
        assert answer.status_code == 200, answer.get_json()
    after = _actions(session, signed_in_admin)
    assert after[-1] == "admin.viewed" and len(after) == before
    viewed = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "admin.viewed")).one()
    assert viewed.after == {"view": view}


def test_a_list_read_without_the_marker_is_audited(client, session, signed_in_admin):
    _open_admin(client)
    client.get("/api/v1/admin/users")
    client.get("/api/v1/admin/queues", headers={page_views.PAGE_VIEW_HEADER: "made-up"})
    assert _actions(session, signed_in_admin)[-2:] == ["user.listed", "queue.listed"]


def test_a_bearer_call_is_audited_even_with_the_marker(client, session, signed_in_admin,
                                                       as_admin):
    view = _open_admin(client)
    client.get("/api/v1/admin/clients",
               headers={**as_admin, page_views.PAGE_VIEW_HEADER: view})
    assert _actions(session, signed_in_admin)[-1] == "client.listed"


def test_a_marker_without_a_page_view_in_this_session_is_audited(
        app, client, session, signed_in_admin, login, make_user):
    view = _open_admin(client)
    other = app.test_client()  # another browser of the same admin: no page view of its own
    page = other.get("/login").get_data(as_text=True)
    other.post("/login", data={"email": signed_in_admin.email, "password": PASSWORD,
                               "csrf_token": csrf_token_from(page)})
    other.get("/api/v1/admin/clients", headers={page_views.PAGE_VIEW_HEADER: view})
    assert _actions(session, signed_in_admin)[-1] == "client.listed"


def test_a_stale_page_view_covers_nothing(client, session, signed_in_admin, monkeypatch):
    view = _open_admin(client)
    monkeypatch.setattr(page_views, "WINDOW", -1.0)  # the view was long ago
    client.get("/api/v1/admin/users", headers={page_views.PAGE_VIEW_HEADER: view})
    assert _actions(session, signed_in_admin)[-1] == "user.listed"
