"""Work offered again (after an expiry, a decline, a failed bridge) reaches the agent as a new
offer: each offer of an item has its own attempt, and a rescind names the attempt it ends."""

import time

import pytest

from console.routing import service as console_routing
from crm.core import events
from tests import voice_support as tw
from tests.channels import twilio_fakes as fakes
from tests.voice_support import received

pytestmark = pytest.mark.usefixtures("twilio_api")  # no test may reach Twilio's real API

CALL = "CA" + "f" * 32


@pytest.fixture
def settings(settings):
    tw.configure(settings)
    return settings


def offer_news(sio) -> list[tuple]:
    """The offer events a socket received, in order: (name, offer id, attempt, reason)."""
    return [(m["name"], m["args"][0]["offer_id"], m["args"][0].get("attempt"),
             m["args"][0].get("reason"))
            for m in sio.get_received("/agent")
            if m["name"] in (events.OFFER_CREATED, events.OFFER_RESCINDED)]


def let_it_expire(settings, then: float = 30) -> None:
    """The offer made under a short timeout runs out; the periodic sweep takes it back (and
    offers it again, for `then` seconds)."""
    settings.extra["routing_offer_timeout_seconds"] = then
    time.sleep(0.4)
    console_routing.tick.apply(throw=True)


def test_a_call_re_offered_to_the_only_agent_rings_again(client, session, make_user, connect,
                                                         settings):
    settings.extra["routing_offer_timeout_seconds"] = 0.3
    agent = make_user("agent")
    sio = connect(agent)
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    [first] = received(sio, events.OFFER_CREATED)
    assert first["attempt"] == 1
    offer_id = first["offer_id"]

    let_it_expire(settings)
    # The old offer ends before the new one rings: a page that applies them in order shows
    # the call again, and the rescind names the attempt it ends (so one that arrives late
    # cannot take the new offer with it).
    assert offer_news(sio) == [(events.OFFER_RESCINDED, offer_id, 1, "expired"),
                               (events.OFFER_CREATED, offer_id, 2, None)]
    pending = sio.emit(events.OFFER_PENDING, {}, namespace="/agent", callback=True)
    assert [(p["offer_id"], p["attempt"]) for p in pending["offers"]] == [(offer_id, 2)]
    answered = sio.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                        callback=True)
    assert answered["ok"] is True and answered["identity"] == f"agent-{agent.id}"


def test_a_message_re_offered_to_the_only_agent_is_offered_again(client, session, make_user,
                                                                 connect, settings):
    settings.extra["routing_offer_timeout_seconds"] = 0.3
    sio = connect(make_user("agent"))
    resp = fakes.post_signed(client, "/webhooks/twilio/messaging/incoming",
                             fakes.sms("SMreoffer001", "is anyone there?"),
                             token=tw.AUTH_TOKEN)
    assert resp.status_code == 200
    [first] = received(sio, events.OFFER_CREATED)
    let_it_expire(settings, then=0.3)
    let_it_expire(settings)  # and once more: every offer is a new attempt
    oid = first["offer_id"]
    assert offer_news(sio) == [(events.OFFER_RESCINDED, oid, 1, "expired"),
                               (events.OFFER_CREATED, oid, 2, None),
                               (events.OFFER_RESCINDED, oid, 2, "expired"),
                               (events.OFFER_CREATED, oid, 3, None)]


def test_each_rescind_names_the_attempt_it_ends_and_why(client, session, make_user, connect):
    first, second = connect(make_user("agent")), connect(make_user("agent"))
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    offer_id = received(first, events.OFFER_CREATED)[0]["offer_id"]
    first.emit(events.OFFER_DECLINE, {"offer_id": offer_id}, namespace="/agent", callback=True)
    assert second.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                       callback=True)["ok"]
    assert offer_news(first) == [(events.OFFER_RESCINDED, offer_id, 1, "declined"),
                                 (events.OFFER_RESCINDED, offer_id, 2, "taken")]
    assert offer_news(second) == [(events.OFFER_CREATED, offer_id, 2, None)]


def test_a_call_sent_to_voicemail_says_so_not_that_the_caller_left(client, make_user,
                                                                   connect):
    sio = connect(make_user("agent"))
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    offer_id = received(sio, events.OFFER_CREATED)[0]["offer_id"]
    tw.post(client, tw.HOOKS + "/queue-result", {"CallSid": CALL, "QueueResult": "leave"})
    assert offer_news(sio) == [(events.OFFER_RESCINDED, offer_id, 1, "voicemail")]
