"""The business hours and audit trail pages: admins and client admins only."""

import pytest

from crm.models import RoutingQueue


@pytest.mark.parametrize("path", ["/admin/hours", "/admin/audit"])
def test_admin_pages_need_a_sign_in_and_refuse_staff(client, login, make_user, path):
    assert client.get(path).status_code == 302  # to the sign-in page
    login(make_user("supervisor"))
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/admin/hours", "/admin/audit"])
@pytest.mark.parametrize("role", ["admin", "client_admin"])
def test_admin_pages_open_to_admins_and_client_admins(client, login, make_user, path, role,
                                                      other_client):
    login(make_user(role, clients=[other_client]))
    page = client.get(path)
    assert page.status_code == 200 and b'role="alert"' in page.data


def test_the_hours_page_offers_only_the_client_admins_clients_and_queues(
        client, login, make_user, session, default_client, other_client):
    session.add_all([RoutingQueue(client_id=default_client.id, name="theirs"),
                     RoutingQueue(client_id=other_client.id, name="mine")])
    session.commit()
    login(make_user("client_admin", clients=[other_client]))
    page = client.get("/admin/hours").get_data(as_text=True)
    assert other_client.name in page and default_client.name not in page
    assert "Queue: mine" in page and "Queue: theirs" not in page
