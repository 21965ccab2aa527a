"""The chat widget outside business hours: no live chat, an offline form with a callback."""

import pytest
from sqlalchemy import select

from console.core.extensions import socketio
from crm.hours import settings as hours
from crm.models import Interaction, Offer, Task

NS = "/chat"


@pytest.fixture
def closed(session, make_user, default_client):
    """The default client's lines closed all week."""
    admin = make_user("admin")
    hours.put(session, admin, hours.HoursIn(client_id=default_client.id, timezone="UTC",
                                            weekly={}))
    session.commit()


def offline(sio, **changes):
    data = {"key": "default", "name": "Ana Adeyemi", "contact": "ana@example.com",
            "body": "Please call me about my claim.", **changes}
    return sio.emit("chat.offline", data, namespace=NS, callback=True)


@pytest.mark.usefixtures("closed")
def test_outside_hours_the_widget_shows_the_form_and_a_message_lands_with_a_callback(
        app, client, session, connect, agent):
    sio_agent = connect(agent)
    page = client.get("/chat/widget?key=default").get_data(as_text=True)
    assert 'data-closed="1"' in page and 'id="chat-offline"' in page
    sio = socketio.test_client(app, namespace=NS)
    refused = sio.emit("chat.start", {"key": "default", "name": "Ana", "contact":
                                      "ana@example.com"}, namespace=NS, callback=True)
    assert refused["ok"] is False and refused["error"]["code"] == "closed"
    assert offline(sio) == {"ok": True}
    [item] = session.scalars(select(Interaction).where(Interaction.medium == "chat")).all()
    assert (item.direction, item.body, item.from_addr) == (
        "inbound", "Please call me about my claim.", "ana@example.com")
    assert item.meta["offline_form"] is True
    [task] = session.scalars(select(Task)).all()
    assert task.kind == "callback" and task.case_id == item.case_id and "Ana" in task.title
    assert session.scalars(select(Offer)).all() == []  # not offered as a live chat
    assert not [m for m in sio_agent.get_received("/agent") if m["name"] == "offer.created"]


@pytest.mark.usefixtures("closed")
@pytest.mark.parametrize(("changes", "words"), [
    ({"name": ""}, "your name"), ({"contact": " "}, "email address or a phone"),
    ({"body": ""}, "type a message"), ({"body": "x" * 4001}, "too long"),
])
def test_an_incomplete_offline_form_is_refused_and_stores_nothing(app, session, changes,
                                                                 words):
    sio = socketio.test_client(app, namespace=NS)
    ack = offline(sio, **changes)
    assert ack["ok"] is False and words in ack["error"]["message"]
    assert session.scalars(select(Interaction)).all() == []


def test_inside_hours_the_widget_offers_a_live_chat(app, client):
    page = client.get("/chat/widget?key=default").get_data(as_text=True)
    assert "data-closed" not in page
    sio = socketio.test_client(app, namespace=NS)
    ack = sio.emit("chat.start", {"key": "default", "name": "Ana", "contact": "ana@example.com"},
                   namespace=NS, callback=True)
    assert ack["ok"] is True
