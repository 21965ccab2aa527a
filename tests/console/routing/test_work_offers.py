"""Offers of messages (SMS, WhatsApp, chat, email) over the socket: take, pass, finish."""

import pytest
from sqlalchemy import select

from console.routing import presence
from crm.core import events
from crm.models import Offer, User
from crm.tenancy import users
from tests import voice_support as tw
from tests.channels import twilio_fakes as fakes
from tests.voice_support import received

pytestmark = pytest.mark.usefixtures("twilio_api")  # no test may reach Twilio's real API

SMS_HOOK = "/webhooks/twilio/messaging/incoming"


@pytest.fixture
def settings(settings):
    tw.configure(settings)
    settings.twilio_auth_token = fakes.AUTH_TOKEN
    settings.twilio_phone_number = fakes.OUR_NUMBER
    return settings


def text_in(client, sid: str, body: str, sender: str = "+14155550100"):
    """A signed inbound SMS."""
    resp = fakes.post_signed(client, SMS_HOOK, fakes.sms(sid, body, sender=sender))
    assert resp.status_code == 200


def bearer(session, user) -> dict:
    raw = users.issue_token(session, user)
    session.commit()
    return {"Authorization": f"Bearer {raw}"}


def test_an_sms_offer_is_taken_by_exactly_one_agent_and_the_other_is_told(
        client, session, make_user, connect):
    first, second = make_user("agent"), make_user("agent")
    a, b = connect(first), connect(second)
    text_in(client, "SMwork0001", "my card was stolen")
    [pop] = received(a, events.OFFER_CREATED)
    assert received(b, events.OFFER_CREATED) == []
    assert pop["interaction"]["medium"] == "sms" and pop["queue"] == "general"
    assert 0 < pop["expires_in"] <= 30 and pop["expires_at"]
    offer_id = pop["offer_id"]

    snatched = b.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                      callback=True)
    assert snatched["ok"] is False and snatched["error"]["code"] == "offer_taken"
    assert a.emit(events.OFFER_DECLINE, {"offer_id": offer_id}, namespace="/agent",
                  callback=True) == {"ok": True, "offer_id": offer_id}
    assert [r["reason"] for r in received(a, events.OFFER_RESCINDED)] == ["declined"]
    assert received(b, events.OFFER_CREATED)[0]["offer_id"] == offer_id

    won = b.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                 callback=True)
    late = a.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                  callback=True)
    assert won["ok"] is True and won["medium"] == "sms" and won["case_id"] == pop["case_id"]
    assert "identity" not in won  # nothing to bridge: the agent replies from the case
    assert late["ok"] is False and late["error"]["code"] == "offer_taken"
    assert "conversation" in late["error"]["message"]
    [gone] = received(a, events.OFFER_RESCINDED)
    assert gone["offer_id"] == offer_id and gone["reason"] == "taken"
    # Taking a conversation is not a call: the agent stays available for more.
    assert presence.status_of(second.id) == "available"
    session.expire_all()
    offer = session.get(Offer, offer_id)
    assert (offer.status, offer.accepted_by_id) == ("accepted", second.id)


def test_two_agents_taking_a_waiting_conversation_at_once_one_wins(
        client, session, make_user, connect):
    # Nobody is available, so the item waits for nobody in particular: either may take it.
    a, b = connect(make_user("agent"), available=False), connect(make_user("agent"),
                                                                 available=False)
    text_in(client, "SMwork0002", "hello")
    offer_id = session.scalar(select(Offer.id))
    session.rollback()
    acks = [s.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                   callback=True) for s in (a, b)]
    assert [ack["ok"] for ack in acks] == [True, False]
    assert acks[1]["error"]["code"] == "offer_taken"


def test_finishing_a_conversation_frees_the_agents_capacity(client, session, make_user,
                                                             connect):
    agent = make_user("agent")
    session.get(User, agent.id).capacity = {"sms": 1}
    session.commit()
    sio = connect(agent)
    headers = bearer(session, agent)
    text_in(client, "SMwork0003", "first customer")
    text_in(client, "SMwork0004", "second customer", sender="+14155550111")
    [pop] = received(sio, events.OFFER_CREATED)  # one SMS at a time for this agent
    taken = sio.emit(events.OFFER_ACCEPT, {"offer_id": pop["offer_id"]}, namespace="/agent",
                     callback=True)
    assert taken["ok"]
    assert received(sio, events.OFFER_CREATED) == []  # at capacity: the second waits

    mine = client.get("/api/v1/routing/my-work", headers=headers).get_json()["items"]
    assert [(w["offer_id"], w["medium"], w["case_id"]) for w in mine] == [
        (pop["offer_id"], "sms", pop["case_id"])]
    assert mine[0]["customer_name"] and mine[0]["reference"].startswith("CL-")

    done = client.post(f"/api/v1/routing/items/{pop['offer_id']}/done", headers=headers)
    assert done.status_code == 200 and done.get_json()["state"] == "done"
    [following] = received(sio, events.OFFER_CREATED)  # the freed slot takes the next
    assert following["interaction"]["body"] == "second customer"
    assert client.get("/api/v1/routing/my-work", headers=headers).get_json()["items"] == []
    again = client.post(f"/api/v1/routing/items/{pop['offer_id']}/done", headers=headers)
    assert again.status_code == 200  # finishing twice is harmless


def test_only_the_holder_finishes_a_conversation_and_calls_finish_by_wrap_up(
        client, session, make_user, connect):
    holder, other = make_user("agent"), make_user("agent")
    sio = connect(holder)
    text_in(client, "SMwork0005", "hi")
    [pop] = received(sio, events.OFFER_CREATED)
    assert sio.emit(events.OFFER_ACCEPT, {"offer_id": pop["offer_id"]}, namespace="/agent",
                    callback=True)["ok"]
    refused = client.post(f"/api/v1/routing/items/{pop['offer_id']}/done",
                          headers=bearer(session, other))
    assert refused.status_code == 404
    assert client.post("/api/v1/routing/items/999999/done",
                       headers=bearer(session, holder)).status_code == 404

    tw.post(client, tw.HOOKS + "/incoming", tw.incoming("CA" + "f" * 32), token=fakes.AUTH_TOKEN)
    [call] = [p for p in received(sio, events.OFFER_CREATED)
              if p["interaction"]["medium"] == "voice"]
    assert sio.emit(events.OFFER_ACCEPT, {"offer_id": call["offer_id"]}, namespace="/agent",
                    callback=True)["ok"]
    voice = client.post(f"/api/v1/routing/items/{call['offer_id']}/done",
                        headers=bearer(session, holder))
    assert voice.status_code == 409 and voice.get_json()["error"]["code"] == "voice"
    session.expire_all()
    assert session.get(Offer, pop["offer_id"]).status == "accepted"


def test_a_supervisor_setting_an_agent_away_withdraws_their_offer_at_once(
        client, session, make_user, connect):
    agent, colleague = make_user("agent"), make_user("agent")
    boss = bearer(session, make_user("supervisor"))
    sio = connect(agent)
    text_in(client, "SMwork0009", "is anyone there?")
    [pop] = received(sio, events.OFFER_CREATED)
    set_away = client.post(f"/api/v1/routing/agents/{agent.id}/presence", headers=boss,
                           json={"status": "away", "reason": "break"})
    assert set_away.status_code == 200, set_away.get_json()
    [gone] = received(sio, events.OFFER_RESCINDED)
    assert (gone["offer_id"], gone["reason"]) == (pop["offer_id"], "away")
    # The customer does not wait out the offer's timer: the next available agent gets it.
    other = connect(colleague)
    [again] = received(other, events.OFFER_CREATED)
    assert again["offer_id"] == pop["offer_id"] and again["attempt"] > pop["attempt"]
