"""The imports page: open to collections managers; others get a 403 page that says who may
import and whom to ask, and no Imports link in their console."""

from crm.models import User


def test_an_agent_is_told_who_may_import_and_whom_to_ask(client, login, make_user, session,
                                                         other_client):
    make_user("admin", email="ada.admin@example.com")
    make_user("client_admin", email="cleo.clientadmin@example.com")
    gone = make_user("admin", email="gone.admin@example.com")
    session.get(User, gone.id).active = False
    session.commit()
    make_user("admin", email="stranger.admin@example.com", clients=[other_client])
    collector = make_user("collections")
    login(collector)
    page = client.get("/imports")
    assert page.status_code == 403
    assert page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "Portfolio imports need a manager's access" in text
    assert "<strong>supervisor</strong> role, and for admins" in text
    assert f"You are signed in as {collector.name}" in text
    assert "<strong>collections</strong>" in text
    # The active admins of their own client, with an address to write to; nobody else's.
    assert "ada.admin@example.com" in text and "cleo.clientadmin@example.com" in text
    assert "gone.admin@example.com" not in text and "stranger.admin@example.com" not in text
    assert 'id="imports-link"' not in client.get("/").get_data(as_text=True)


def test_the_api_still_answers_json_to_an_agent(client, as_user):
    _, agent = as_user("collections")
    resp = client.get("/api/v1/imports", headers=agent)
    assert resp.status_code == 403 and resp.get_json()["error"]["code"] == "forbidden"


def test_a_collections_manager_sees_the_import_form_and_the_link(client, login, make_user):
    login(make_user("supervisor", "collections"))
    assert client.get("/imports").status_code == 200
    assert 'id="imports-link"' in client.get("/").get_data(as_text=True)
