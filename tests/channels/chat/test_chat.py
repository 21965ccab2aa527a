"""Web chat: visitors land on a case, talk live with agents, resume, and see only their visit."""

import pytest
from sqlalchemy import select

from console.core.extensions import socketio
from crm.models import Case, InboundAddress, Interaction, Offer

NS = "/chat"
# The visitor's messages, not the item a visit's start queues (crm.chat.visits._queue).
MESSAGES = select(Interaction).where(Interaction.medium == "chat",
                                   Interaction.provider_id.not_like("%:start"))


def visitor(app):
    return socketio.test_client(app, namespace=NS)


def start(sio, name="Ana Adeyemi", contact="ana@example.com", key="default"):
    return sio.emit("chat.start", {"key": key, "name": name, "contact": contact}, namespace=NS,
                    callback=True)


def say(sio, body, ident):
    return sio.emit("chat.message", {"body": body, "id": ident}, namespace=NS, callback=True)


def received(sio, name="chat.message", ns=NS):
    return [m["args"][0] for m in sio.get_received(ns) if m["name"] == name]


@pytest.fixture
def agent_socket(app, token):
    def watch(case_id):
        sio = socketio.test_client(app, namespace="/agent", auth={"token": token})
        assert sio.emit("case.watch", {"case_id": case_id}, namespace="/agent",
                        callback=True)["ok"]
        return sio

    return watch


def _case_id(session, email="ana@example.com"):
    from crm.customers.identity import find_customer
    from crm.tenancy.clients import default_client

    customer = find_customer(session, default_client(session).id, "email", email)
    case = session.scalars(select(Case).where(Case.customer_id == customer.id)).one()
    session.rollback()
    return case.id


def test_visitor_and_agent_exchange_messages_live(app, client, session, default_client,
                                                  agent_socket, token):
    sio = visitor(app)
    ack = start(sio)
    assert ack["ok"] and ack["token"] and ack["messages"] == []
    case_id = _case_id(session)
    agent = agent_socket(case_id)

    assert say(sio, "<img src=x onerror=alert(1)> my claim?", "m1")["ok"]
    [created] = received(agent, "interaction.created", "/agent")
    assert created["interaction"]["medium"] == "chat"
    assert created["interaction"]["body"] == "<img src=x onerror=alert(1)> my claim?"

    resp = client.post(f"/api/v1/cases/{case_id}/messages",
                       headers={"Authorization": f"Bearer {token}"},
                       json={"medium": "chat", "body": "Hello Ana, checking now."})
    assert resp.status_code == 202, resp.get_json()
    replies = received(sio)
    assert [(r["from"], r["body"], r["name"]) for r in replies] == [
        ("agent", "Hello Ana, checking now.", "User 1")]
    assert set(replies[0]) == {"id", "from", "body", "name", "at"}  # nothing about staff
    item = session.get(Interaction, resp.get_json()["id"])
    assert item.status == "delivered"



def test_a_started_chat_waits_in_the_queue_before_the_visitor_writes(app, client, session,
                                                                     default_client, token):
    sio = visitor(app)
    ack = start(sio)
    # Queued at once: the room shows their place instead of staying blank.
    assert ack["ok"] and ack["place"] == 1 and ack["messages"] == []
    case_id = _case_id(session)
    [offer] = session.scalars(select(Offer).where(Offer.case_id == case_id)).all()
    assert (offer.medium, offer.status) == ("chat", "open")
    auth = {"Authorization": f"Bearer {token}"}
    items = client.get(f"/api/v1/cases/{case_id}/timeline", headers=auth).get_json()["items"]
    assert [(i["medium"], i["body"]) for i in items] == [("chat", "Ana Adeyemi started a chat.")]
    # Their first message joins the same work item; their transcript holds only messages.
    assert say(sio, "Is my claim paid?", "m1")["place"] == 1
    assert session.scalars(select(Offer).where(Offer.case_id == case_id)).all() == [offer]
    resumed = visitor(app).emit("chat.resume", {"token": ack["token"]}, namespace=NS,
                                callback=True)
    assert [m["body"] for m in resumed["messages"]] == ["Is my claim paid?"]
    assert resumed["place"] == 1


def test_a_chat_whose_visitor_left_days_ago_is_not_offered_nor_replied_to(
        app, client, session, default_client, token):
    from datetime import timedelta

    sio = visitor(app)
    start(sio)
    assert say(sio, "Is my claim paid?", "m1")["ok"]
    case_id = _case_id(session)
    headers = {"Authorization": f"Bearer {token}"}
    # The visit's start and its message: the visitor's session can no longer be resumed.
    for item in session.scalars(select(Interaction).where(Interaction.case_id == case_id)):
        item.occurred_at -= timedelta(days=8)
    session.commit()

    resp = client.post(f"/api/v1/cases/{case_id}/messages", headers=headers,
                       json={"medium": "chat", "body": "Hello Ana?"})
    err = resp.get_json()["error"]
    assert (resp.status_code, err["code"]) == (409, "outside_window")
    assert "chat session has ended" in err["message"]
    assert received(sio) == []
    options = client.get(f"/api/v1/cases/{case_id}/reply-options", headers=headers).get_json()
    chat = next(o for o in options["options"] if o["medium"] == "chat")
    assert chat["available"] is False and options["default"] != "chat"
    assert session.scalars(select(Interaction).where(
        Interaction.direction == "outbound")).all() == []

def test_typing_is_shown_both_ways(app, session, default_client, agent_socket):
    sio = visitor(app)
    start(sio)
    say(sio, "hello", "t1")
    case_id = _case_id(session)
    agent = agent_socket(case_id)
    sio.emit("typing", {"typing": True}, namespace=NS)
    shown = received(agent, "typing", "/agent")
    assert shown and shown[0]["who"] == "visitor" and shown[0]["name"] == "Ana Adeyemi"
    agent.emit("typing", {"case_id": case_id, "typing": True}, namespace="/agent")
    assert received(sio, "typing") == [{"name": "User 1", "typing": True}]


def test_a_visitor_resumes_after_reload_and_sees_only_their_visit(app, client, session,
                                                                   default_client, token):
    first = visitor(app)
    ack = start(first)
    say(first, "first visit", "a1")
    case_id = _case_id(session)
    client.post(f"/api/v1/cases/{case_id}/messages", headers={"Authorization": f"Bearer {token}"},
                json={"medium": "chat", "body": "reply one"})
    first.disconnect(namespace=NS)

    # Someone else claims the same email in another browser: a separate visit.
    other = visitor(app)
    assert start(other, name="Not Ana")["ok"]
    say(other, "I am someone else", "b1")

    again = visitor(app)
    resumed = again.emit("chat.resume", {"token": ack["token"]}, namespace=NS, callback=True)
    assert resumed["ok"]
    assert [(m["from"], m["body"]) for m in resumed["messages"]] == [
        ("visitor", "first visit"), ("agent", "reply one")]
    # The other visitor got none of Ana's traffic.
    assert all(m["body"] != "reply one" for m in received(other))


def test_forged_or_missing_visit_tokens_are_refused(app, default_client):
    sio = visitor(app)
    ack = sio.emit("chat.resume", {"token": "forged.token.value"}, namespace=NS, callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "expired"
    ack = say(sio, "hello?", "x1")
    assert ack["ok"] is False and ack["error"]["message"] == "Please start a chat first."


def test_visitors_are_rate_limited_with_a_clear_error(app, session, default_client):
    sio = visitor(app)
    start(sio, contact="+14155550199")
    acks = [say(sio, f"message {n}", f"r{n}") for n in range(10)]
    assert all(a["ok"] for a in acks[:8])
    assert acks[8]["ok"] is False and acks[8]["error"]["code"] == "rate_limited"
    assert "too quickly" in acks[8]["error"]["message"]
    count = len(session.scalars(MESSAGES).all())
    assert count == 8


def test_a_retried_message_id_is_stored_once(app, session, default_client):
    sio = visitor(app)
    start(sio, contact="dup@example.com")
    say(sio, "once", "same-id")
    say(sio, "once", "same-id")
    rows = session.scalars(MESSAGES).all()
    assert len(rows) == 1


def test_text_with_nul_characters_is_refused_and_not_stored(app, session, default_client):
    assert start(visitor(app), name="Ana\x00", contact="nul@example.com")["ok"] is False
    sio = visitor(app)
    start(sio, contact="nul@example.com")
    ack = say(sio, "card\x00number", "m1")
    assert ack["ok"] is False and "NUL" in ack["error"]["message"]
    assert session.scalars(MESSAGES).all() == []


@pytest.mark.parametrize(("name", "contact", "text"), [
    ("", "ana@example.com", "your name"),
    ("Ana", "", "email address or a phone number"),
    ("Ana", "not a thing", "a phone number like +44 20 7946 0000"),
])
def test_bad_start_details_are_clear_errors(app, session, default_client, name, contact, text):
    ack = start(visitor(app), name=name, contact=contact)
    assert ack["ok"] is False and text in ack["error"]["message"]
    assert "not a thing" not in ack["error"]["message"]  # plain words, not our parser's


def test_the_widget_page_and_script_are_served(client):
    page = client.get("/chat/widget?key=default")
    assert page.status_code == 200 and b"chat-widget-app.js" in page.data
    assert client.get("/static/js/chat-widget.js").status_code == 200


def test_a_file_reaches_the_visitor_as_a_signed_link_they_can_open(app, client, session,
                                                                  default_client, token):
    import io

    sio = visitor(app)
    assert start(sio)["ok"]
    assert say(sio, "Can you send the form?", "m1")["ok"]
    case_id = _case_id(session)
    headers = {"Authorization": f"Bearer {token}"}
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    made = client.post(f"/api/v1/cases/{case_id}/uploads", headers=headers,
                       data={"file": (io.BytesIO(pdf), "form.pdf")},
                       content_type="multipart/form-data").get_json()
    resp = client.post(f"/api/v1/cases/{case_id}/messages", headers=headers, json={
        "medium": "chat", "body": "Here it is", "attachment_ids": [made["id"]]})
    assert resp.status_code == 202, resp.get_json()
    [reply] = [r for r in received(sio) if r["from"] == "agent"]
    [file] = reply["files"]
    assert file["name"] == "form.pdf" and file["type"] == "application/pdf"
    # The visitor's browser opens it with no staff session.
    got = app.test_client().get(file["url"])
    assert got.status_code == 200 and got.data == pdf
    assert got.headers["Content-Disposition"].startswith("inline")


def test_the_timeline_names_a_visitor_by_the_name_they_gave(app, client, session,
                                                           default_client, token):
    # A widget that asks only a name: the chat thread is the only contact point.
    session.add(InboundAddress(client_id=default_client.id, kind="chat", value="name-only",
                               widget={"fields": {"name": "required", "email": "off",
                                                  "phone": "off"}}))
    session.commit()
    sio = visitor(app)
    ack = sio.emit("chat.start", {"key": "name-only", "name": "Nora Nameonly"}, namespace=NS,
                   callback=True)
    assert ack["ok"], ack
    assert say(sio, "Hello?", "m1")["ok"]
    inbound = session.scalars(MESSAGES).one()
    auth = {"Authorization": f"Bearer {token}"}
    resp = client.post(f"/api/v1/cases/{inbound.case_id}/messages", headers=auth,
                       json={"medium": "chat", "body": "Hi Nora."})
    assert resp.status_code == 202, resp.get_json()
    rows = client.get(f"/api/v1/cases/{inbound.case_id}/timeline", headers=auth).get_json()
    chat = {r["direction"]: r for r in rows["items"] if r["medium"] == "chat"}
    assert chat["inbound"]["from_addr"].startswith("chat_")
    assert chat["inbound"]["visitor_name"] == "Nora Nameonly"
    assert chat["outbound"]["visitor_name"] == "Nora Nameonly"
