"""A chat visitor who types an existing customer's email is unverified until an agent checks."""

import pytest
from sqlalchemy import select

from console.core.extensions import socketio
from crm.cases import timeline
from crm.core import events
from crm.customers import identity
from crm.models import AuditEvent, Case, ContactPoint, Customer, InboundAddress, Interaction
from crm.tenancy import users
from tests.voice_support import received

pytestmark = pytest.mark.usefixtures("twilio_api")  # no test may reach Twilio's real API

NS = "/chat"
EMAIL = "ana@example.com"


@pytest.fixture
def ana(session, default_client):
    """An existing customer with a phone and an email, who last wrote by SMS: her case."""
    customer, case, _ = identity.find_or_create(session, default_client.id, "+14155550100",
                                                display_name="Ana Adeyemi")
    identity.add_contact_point(session, None, customer, EMAIL)
    timeline.record(session, case, medium="sms", direction="inbound", body="About my claim",
                    provider_id="SM" + "a" * 32, from_addr="+14155550100",
                    to_addr="+15005550006")
    session.commit()
    return case


@pytest.fixture
def auth(token):
    return {"Authorization": f"Bearer {token}"}


def impostor(app, contact=EMAIL, name="Mallory"):
    """A visitor who types Ana's email into the chat widget and says something."""
    sio = socketio.test_client(app, namespace=NS)
    assert sio.emit("chat.start", {"key": "default", "name": name, "contact": contact},
                    namespace=NS, callback=True)["ok"]
    assert sio.emit("chat.message", {"body": "What is my address on file?", "id": "m1"},
                    namespace=NS, callback=True)["ok"]
    return sio


def chat_items(client, case_id, auth):
    items = client.get(f"/api/v1/cases/{case_id}/timeline", headers=auth).get_json()["items"]
    # The visitor's messages, not the line a visit's start queues ("Ana started a chat.").
    return [i for i in items
            if i["medium"] == "chat" and not i["body"].endswith(" started a chat.")]


def test_a_claimed_chat_is_shown_unverified_and_never_becomes_the_default_reply(
        app, client, session, ana, auth):
    impostor(app)
    [item] = chat_items(client, ana.id, auth)
    assert item["unverified"] is True
    header = client.get(f"/api/v1/cases/{ana.id}", headers=auth).get_json()
    [visit] = header["unverified_chats"]
    assert (visit["visitor_name"], visit["contact"], visit["unverified"]) == (
        "Mallory", EMAIL, True)
    options = client.get(f"/api/v1/cases/{ana.id}/reply-options", headers=auth).get_json()
    assert options["default"] == "sms"  # where Ana herself last wrote
    chat = next(o for o in options["options"] if o["medium"] == "chat")
    assert chat["unverified"] is True
    # The agent's reply in that chat is part of the unverified conversation too.
    sent = client.post(f"/api/v1/cases/{ana.id}/messages", headers=auth,
                       json={"medium": "chat", "body": "Can you confirm your date of birth?"})
    assert sent.status_code == 202 and sent.get_json()["unverified"] is True


def test_an_agent_verifies_the_visitor_after_checking(app, client, session, ana, auth, agent):
    impostor(app, name="Ana A.")
    visit_id = client.get(f"/api/v1/cases/{ana.id}",
                          headers=auth).get_json()["unverified_chats"][0]["id"]
    resp = client.post(f"/api/v1/chat-visits/{visit_id}/verify", headers=auth)
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["unverified"] is False and resp.get_json()["verified_by_id"] == agent.id
    assert [i["unverified"] for i in chat_items(client, ana.id, auth)] == [False]
    assert client.get(f"/api/v1/cases/{ana.id}", headers=auth).get_json()[
        "unverified_chats"] == []
    again = client.post(f"/api/v1/chat-visits/{visit_id}/verify", headers=auth)
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "not_unverified")
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "chat.verified")).one()
    assert audit.actor_id == agent.id and audit.after["case_id"] == ana.id


def test_an_agent_moves_the_chat_to_a_case_of_its_own_and_the_visitor_talks_on(
        app, client, session, ana, auth):
    sio = impostor(app)
    visit_id = client.get(f"/api/v1/cases/{ana.id}",
                          headers=auth).get_json()["unverified_chats"][0]["id"]
    resp = client.post(f"/api/v1/chat-visits/{visit_id}/move", headers=auth)
    assert resp.status_code == 200, resp.get_json()
    moved = resp.get_json()
    new_case_id = moved["case_id"]
    assert new_case_id != ana.id and moved["moved_from_case_id"] == ana.id
    assert moved["unverified"] is False
    assert chat_items(client, ana.id, auth) == []
    assert [i["body"] for i in chat_items(client, new_case_id, auth)] == [
        "What is my address on file?"]
    new_case = session.get(Case, new_case_id)
    assert session.get(Customer, new_case.customer_id).display_name == "Mallory"
    # Ana keeps her email; the visitor's case is reached by the chat only.
    assert session.scalar(select(ContactPoint.customer_id).where(
        ContactPoint.value == EMAIL)) == ana.customer_id
    session.commit()

    # The visitor's socket keeps working: their next message lands on their own case,
    # and the agent's reply there reaches them.
    assert sio.emit("chat.message", {"body": "Hello?", "id": "m2"}, namespace=NS,
                    callback=True)["ok"]
    assert chat_items(client, new_case_id, auth)[0]["body"] == "Hello?"
    assert chat_items(client, ana.id, auth) == []
    sio.get_received(NS)
    assert client.post(f"/api/v1/cases/{new_case_id}/messages", headers=auth, json={
        "medium": "chat", "body": "How can I help?"}).status_code == 202
    assert [m["args"][0]["body"] for m in sio.get_received(NS) if m["name"] == "chat.message"
            ] == ["How can I help?"]
    options = client.get(f"/api/v1/cases/{ana.id}/reply-options", headers=auth).get_json()
    assert next(o for o in options["options"] if o["medium"] == "chat")["available"] is False
    assert session.scalars(select(AuditEvent).where(AuditEvent.action == "chat.moved")).one()


def test_only_the_cases_own_staff_verify_and_only_claimed_chats(
        app, client, session, ana, auth, as_user, default_client, other_client):
    # With two clients, the widget key says whose chat it is.
    session.add(InboundAddress(client_id=default_client.id, kind="chat", value="default"))
    session.commit()
    impostor(app)
    visit_id = client.get(f"/api/v1/cases/{ana.id}",
                          headers=auth).get_json()["unverified_chats"][0]["id"]
    _, outsider = as_user("supervisor", clients=[other_client])
    for action in ("verify", "move"):
        resp = client.post(f"/api/v1/chat-visits/{visit_id}/{action}", headers=outsider)
        assert resp.status_code == 404
    # A visitor with a new address has a case of their own: nothing to verify there.
    impostor(app, contact="someone.new@example.com", name="New Person")
    new = session.scalars(select(Interaction).where(
        Interaction.medium == "chat", Interaction.case_id != ana.id,
        Interaction.provider_id.not_like("%:start"))).one()
    assert new.unverified is False
    session.commit()
    header = client.get(f"/api/v1/cases/{new.case_id}", headers=auth).get_json()
    assert header["unverified_chats"] == []


def test_an_unverified_chat_goes_by_the_visitors_name_on_the_offer_and_in_hand(
        app, client, session, ana, make_user, connect):
    agent = make_user("agent")
    raw = users.issue_token(session, agent)
    session.commit()
    headers = {"Authorization": f"Bearer {raw}"}
    sock = connect(agent)
    impostor(app, name="Totally Ana")
    [pop] = [p for p in received(sock, events.OFFER_CREATED)
             if p["interaction"]["medium"] == "chat"]
    assert pop["interaction"]["unverified"] is True
    assert pop["interaction"]["visitor_name"] == "Totally Ana"
    assert sock.emit(events.OFFER_ACCEPT, {"offer_id": pop["offer_id"]}, namespace="/agent",
                     callback=True)["ok"]
    [held] = client.get("/api/v1/routing/my-work", headers=headers).get_json()["items"]
    # Not under Ana's name: that would vouch for whoever typed her email.
    assert (held["customer_name"], held["unverified"]) == ("Totally Ana", True)
    visit_id = client.get(f"/api/v1/cases/{ana.id}",
                          headers=headers).get_json()["unverified_chats"][0]["id"]
    assert client.post(f"/api/v1/chat-visits/{visit_id}/verify",
                       headers=headers).status_code == 200
    [held] = client.get("/api/v1/routing/my-work", headers=headers).get_json()["items"]
    assert (held["customer_name"], held["unverified"]) == ("Ana Adeyemi", False)
