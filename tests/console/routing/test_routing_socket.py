"""Routing over real sockets: a closed browser, expiring offers, messages as work, presence."""

import time

import pytest
from sqlalchemy import select

from console.routing import service as console_routing
from crm.core import events
from crm.models import Offer
from crm.tenancy import users
from tests import voice_support as tw
from tests.voice_support import received

pytestmark = pytest.mark.usefixtures("twilio_api")  # no test may reach Twilio's real API

CALL = "CA" + "d" * 32


@pytest.fixture
def settings(settings):
    tw.configure(settings)
    settings.extra["presence_grace_seconds"] = 0.2
    return settings


def eventually(probe, seconds=10.0):
    """Poll until probe() is truthy (background work finishing), or give up."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    return probe()


def test_a_browser_closing_mid_offer_moves_the_offer_on_after_the_grace_period(
        client, session, make_user, connect):
    first, second = make_user("agent"), make_user("agent")
    a = connect(first)
    b = connect(second)
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    offer_id = received(a, events.OFFER_CREATED)[0]["offer_id"]
    assert received(b, events.OFFER_CREATED) == []
    a.disconnect(namespace="/agent")  # the browser closes; nobody declines
    got = []
    assert eventually(lambda: got.extend(received(b, events.OFFER_CREATED)) or got)
    assert got[0]["offer_id"] == offer_id
    session.expire_all()
    offer = session.get(Offer, offer_id)
    session.commit()
    assert offer.offered_user_id == second.id and offer.state == "offered"
    from console.routing import presence

    assert presence.status_of(first.id) == "offline"


def test_a_reload_within_the_grace_period_keeps_the_offer(client, session, make_user,
                                                          connect):
    agent = make_user("agent")
    a = connect(agent)
    spare = connect(agent, available=False)  # a second tab stays open
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    offer_id = received(a, events.OFFER_CREATED)[0]["offer_id"]
    a.disconnect(namespace="/agent")
    time.sleep(0.4)  # past the grace period: the other tab keeps the agent signed in
    session.expire_all()
    assert session.get(Offer, offer_id).offered_user_id == agent.id
    session.commit()
    assert spare.is_connected("/agent")


def test_an_unanswered_offer_expires_and_goes_to_the_next_agent(app, client, session,
                                                               make_user, connect, settings):
    settings.extra["routing_offer_timeout_seconds"] = 0.3
    first, second = make_user("agent"), make_user("agent")
    a, b = connect(first), connect(second)
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    offer_id = received(a, events.OFFER_CREATED)[0]["offer_id"]
    settings.extra["routing_offer_timeout_seconds"] = 30
    time.sleep(0.4)
    console_routing.tick.apply(throw=True)  # the periodic sweep
    [gone] = received(a, events.OFFER_RESCINDED)
    assert gone["offer_id"] == offer_id and gone["reason"] == "expired"
    assert received(b, events.OFFER_CREATED)[0]["offer_id"] == offer_id


def test_an_inbound_sms_opening_a_conversation_is_routed_as_work(client, session, settings,
                                                                  make_user, connect):
    from tests.channels import twilio_fakes as fakes

    settings.twilio_auth_token = fakes.AUTH_TOKEN
    settings.twilio_phone_number = fakes.OUR_NUMBER
    sio = connect(make_user("agent"))
    assert fakes.post_signed(client, "/webhooks/twilio/messaging/incoming",
                             fakes.sms("SMroute0001", "my card was stolen")).status_code == 200
    [pop] = received(sio, events.OFFER_CREATED)
    assert pop["interaction"]["medium"] == "sms"
    assert pop["interaction"]["body"] == "my card was stolen"
    # A second message in the same conversation is not a second work item.
    fakes.post_signed(client, "/webhooks/twilio/messaging/incoming",
                      fakes.sms("SMroute0002", "hello?"))
    assert received(sio, events.OFFER_CREATED) == []
    assert len(session.scalars(select(Offer)).all()) == 1
    session.commit()


def test_away_with_a_reason_and_wrap_up_reach_supervisors(make_user, connect):
    boss = connect(make_user("supervisor"), available=False)
    agent = make_user("agent")
    sio = connect(agent, available=False)
    ack = sio.emit(events.PRESENCE_SET, {"status": "away", "reason": "lunch"},
                   namespace="/agent", callback=True)
    assert ack == {"ok": True, "status": "away"}
    assert sio.emit(events.PRESENCE_SET, {"status": "wrap-up"}, namespace="/agent",
                    callback=True)["ok"]
    # Only the agent's own updates: the previous test's user had the boss's id (each test's
    # database starts its ids afresh), and its socket's late "offline" may still arrive.
    shown = [(u["status"], u["reason"]) for u in received(boss, events.PRESENCE_UPDATED)
             if u["user_id"] == agent.id]
    # Signing in is news to the board too (away until they choose, then what they chose).
    assert shown == [("away", "signed in"), ("away", "lunch"), ("wrap-up", None)]


def test_an_agent_over_capacity_is_not_offered_more(client, session, make_user, connect):
    agent = make_user("agent")
    sio = connect(agent)
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming("CA" + "e" * 32,
                                                          caller="+14155550999"))
    # One voice item at a time: the second call waits while the first is offered.
    assert len(received(sio, events.OFFER_CREATED)) == 1
    waiting = session.scalars(select(Offer).where(Offer.offered_user_id.is_(None))).all()
    session.commit()
    assert [o.state for o in waiting] == ["waiting"]


def test_after_a_call_the_agent_is_in_timed_wrap_up_then_offered_the_next(
        client, session, make_user, connect, settings):
    settings.extra["wrap_up_seconds"] = 0.3
    agent = make_user("agent")
    sio = connect(agent)
    raw = users.issue_token(session, agent)
    session.commit()
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    offer_id = received(sio, events.OFFER_CREATED)[0]["offer_id"]
    ack = sio.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                   callback=True)
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming("CA" + "8" * 32, caller="+14155550888"))
    headers = {"Authorization": f"Bearer {raw}"}
    assert client.post(f"/api/v1/calls/{ack['interaction_id']}/end",
                       headers=headers).status_code == 200
    from console.routing import presence

    assert presence.status_of(agent.id) == "wrap-up"
    assert received(sio, events.OFFER_CREATED) == []  # no offers during wrap-up
    # Nobody submits the wrap-up: when its time runs out the agent is available again.
    got = []
    assert eventually(lambda: got.extend(received(sio, events.OFFER_CREATED)) or got)
    assert got[0]["interaction"]["from_addr"] == "+14155550888"
    assert presence.status_of(agent.id) == "available"


def test_a_waiting_caller_hears_their_place_in_the_queue(client):
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    second = "CA" + "5" * 32
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(second, caller="+14155550555"))
    said = tw.post(client, tw.HOOKS + "/wait", {"CallSid": second, "QueueTime": "1"})
    assert "You are number 2 in the queue." in said.get_data(as_text=True)
    first = tw.post(client, tw.HOOKS + "/wait", {"CallSid": CALL, "QueueTime": "30"})
    assert "You are number 1 in the queue." in first.get_data(as_text=True)
