"""Archiving a client: it leaves the lists, its staff lose it, its number answers politely,
the audit trail keeps it; restoring brings it all back."""

from sqlalchemy import select

from console.core.extensions import socketio
from crm.models import AuditEvent, Client, Interaction
from tests.channels.twilio_fakes import ACCOUNT_SID, AUTH_TOKEN, post_signed, sms
from tests.conftest import PASSWORD, csrf_token_from
from tests.console.auth.conftest import _one_g_per_request  # noqa: F401  (one g a request)

NUMBER = "+14155550177"
CALL = {"CallSid": "CA" + "a" * 32, "AccountSid": ACCOUNT_SID, "From": "+14155550100",
        "To": NUMBER, "CallStatus": "ringing", "Direction": "inbound"}


def _harbour(client, as_admin):
    made = client.post("/api/v1/admin/clients", headers=as_admin,
                       json={"slug": "harbour-mutual", "name": "Harbour Mutual"}).get_json()
    number = client.post("/api/v1/admin/addresses", headers=as_admin, json={
        "client_id": made["id"], "kind": "phone", "value": NUMBER})
    assert number.status_code == 201, number.get_json()
    return made


def _listed(client, headers, query=""):
    return [c["slug"] for c in client.get(f"/api/v1/admin/clients{query}",
                                          headers=headers).get_json()["items"]]


def test_an_archived_client_leaves_the_lists_and_comes_back(client, session, as_admin):
    harbour = _harbour(client, as_admin)
    gone = client.delete(f"/api/v1/admin/clients/{harbour['id']}", headers=as_admin)
    assert gone.status_code == 200 and gone.get_json()["archived_at"]
    assert "harbour-mutual" not in _listed(client, as_admin)
    assert "harbour-mutual" in _listed(client, as_admin, "?archived=true")
    again = client.delete(f"/api/v1/admin/clients/{harbour['id']}", headers=as_admin)
    assert again.status_code == 409

    back = client.post(f"/api/v1/admin/clients/{harbour['id']}/restore", headers=as_admin)
    assert back.status_code == 200 and back.get_json()["archived_at"] is None
    assert "harbour-mutual" in _listed(client, as_admin)
    actions = [e.action for e in session.scalars(select(AuditEvent).where(
        AuditEvent.client_id == harbour["id"]).order_by(AuditEvent.id))]
    assert actions[0] == "client.created"
    assert "client.archived" in actions and actions[-1] == "client.restored"


def test_only_an_admin_archives(client, session, make_user, headers_of, as_admin):
    harbour = _harbour(client, as_admin)
    theirs = make_user("client_admin", clients=[session.get(Client, harbour["id"])])
    refused = client.delete(f"/api/v1/admin/clients/{harbour['id']}",
                            headers=headers_of(theirs))
    assert refused.status_code == 403
    assert client.delete("/api/v1/admin/clients/999999", headers=as_admin).status_code == 404


def test_an_archived_clients_staff_cannot_sign_in(client, session, make_user, as_admin):
    harbour = _harbour(client, as_admin)
    agent = make_user("agent", clients=[session.get(Client, harbour["id"])],
                      email="pat@harbour.example")
    client.delete(f"/api/v1/admin/clients/{harbour['id']}", headers=as_admin)
    page = client.get("/login").get_data(as_text=True)
    refused = client.post("/login", data={"email": agent.email, "password": PASSWORD,
                                          "csrf_token": csrf_token_from(page)})
    assert refused.status_code != 302
    assert "Wrong email or password" in refused.get_data(as_text=True)

    client.post(f"/api/v1/admin/clients/{harbour['id']}/restore", headers=as_admin)
    allowed = client.post("/login", data={"email": agent.email, "password": PASSWORD,
                                          "csrf_token": csrf_token_from(page)})
    assert allowed.status_code == 302


def test_a_signed_in_agent_loses_an_archived_client_at_once(client, session, make_user,
                                                           as_admin, login):
    harbour = _harbour(client, as_admin)
    agent = make_user("agent", clients=[session.get(Client, harbour["id"])])
    login(agent)
    assert client.get("/api/v1/me").status_code == 200
    client.delete(f"/api/v1/admin/clients/{harbour['id']}", headers=as_admin)
    assert client.get("/api/v1/me").status_code == 401


def test_an_archived_clients_number_answers_politely(client, session, as_admin, settings):
    settings.twilio_account_sid, settings.twilio_auth_token = ACCOUNT_SID, AUTH_TOKEN
    harbour = _harbour(client, as_admin)
    client.delete(f"/api/v1/admin/clients/{harbour['id']}", headers=as_admin)

    call = post_signed(client, "/webhooks/twilio/voice/incoming", CALL)
    assert call.status_code == 200
    spoken = call.get_data(as_text=True)
    assert "<Say" in spoken and "no longer available" in spoken and "<Hangup" in spoken

    text = post_signed(client, "/webhooks/twilio/messaging/incoming",
                       sms("SMgone1", "Hello?", sender="+14155550100", to=NUMBER))
    assert text.status_code == 200
    assert "<Message>" in text.get_data(as_text=True)
    assert "no longer available" in text.get_data(as_text=True)
    assert session.scalars(select(Interaction)).all() == []  # nothing landed

    client.post(f"/api/v1/admin/clients/{harbour['id']}/restore", headers=as_admin)
    routed = post_signed(client, "/webhooks/twilio/messaging/incoming",
                         sms("SMback1", "Hello?", sender="+14155550100", to=NUMBER))
    assert routed.status_code == 200
    assert session.scalars(select(Interaction)).one().client_id == harbour["id"]


def test_list_reads_are_audited_once_per_request(client, session, as_admin):
    _harbour(client, as_admin)
    for path in ("clients", "users", "addresses", "queues", "dispositions", "canned-replies"):
        assert client.get(f"/api/v1/admin/{path}", headers=as_admin).status_code == 200
    listed = [e.action for e in session.scalars(select(AuditEvent).where(
        AuditEvent.action.like("%.listed")))]
    assert sorted(listed) == sorted(["client.listed", "user.listed", "address.listed",
                                     "queue.listed", "disposition.listed",
                                     "canned_reply.listed"])
    [addresses] = [e for e in session.scalars(select(AuditEvent).where(
        AuditEvent.action == "address.listed"))]
    assert addresses.after == {"count": 1} and addresses.actor_label == "admin@example.com"


def test_an_archived_clients_chat_widget_says_so(client, as_admin):
    harbour = _harbour(client, as_admin)
    key = client.post("/api/v1/admin/addresses", headers=as_admin, json={
        "client_id": harbour["id"], "kind": "chat"}).get_json()["value"]
    client.delete(f"/api/v1/admin/clients/{harbour['id']}", headers=as_admin)
    page = client.get(f"/chat/widget?key={key}")
    assert page.status_code == 410
    assert "no longer available" in page.get_data(as_text=True)



def test_archiving_a_client_ends_its_staffs_sockets_at_once(app, client, session, make_user,
                                                             as_admin, login, headers_of):
    harbour = _harbour(client, as_admin)
    other = client.post("/api/v1/admin/clients", headers=as_admin,
                        json={"slug": "other-mutual", "name": "Other Mutual"}).get_json()
    theirs = session.get(Client, harbour["id"])
    client_admin = make_user("client_admin", clients=[theirs], email="ann@harbour.example")
    both = make_user("agent", clients=[theirs, session.get(Client, other["id"])])
    login(client_admin)
    tab = socketio.test_client(app, namespace="/agent", flask_test_client=client)
    by_token = socketio.test_client(app, namespace="/agent",
                                    auth={"token": headers_of(client_admin)["Authorization"][7:]})
    stays = socketio.test_client(app, namespace="/agent",
                                 auth={"token": headers_of(both)["Authorization"][7:]})
    assert tab.is_connected("/agent") and by_token.is_connected("/agent")
    assert stays.is_connected("/agent")

    assert client.delete(f"/api/v1/admin/clients/{harbour['id']}",
                         headers=as_admin).status_code == 200
    assert not tab.is_connected("/agent") and not by_token.is_connected("/agent")
    assert stays.is_connected("/agent")  # they still work for another client
    stays.disconnect(namespace="/agent")
