"""Socket events are checked like API bodies: one JSON object, valid for the event's model
(strict numbers), else a clear error ack (never `internal`, never a traceback), nothing stored."""

import logging

import pytest
from sqlalchemy import func, select

from console.core.extensions import socketio
from console.routing import presence
from crm.core import events
from crm.models import Interaction, Offer
from crm.tenancy import users
from tests import voice_support as tw

pytestmark = pytest.mark.usefixtures("twilio_api")  # no test may reach Twilio's real API


@pytest.fixture
def settings(settings):
    """Test settings with a (fake) Twilio voice account."""
    tw.configure(settings)
    return settings


CALL = "CA" + "c" * 32


@pytest.fixture
def errors_logged(caplog):
    caplog.set_level(logging.ERROR)
    return lambda: [r for r in caplog.records if r.levelno >= logging.ERROR]


def _refused(ack, code="invalid"):
    return ack["ok"] is False and ack["error"]["code"] == code and ack["error"]["message"]


@pytest.mark.parametrize("reason", [{"why": "lunch"}, ["lunch"], "x" * 100_000])
def test_an_away_reason_that_is_not_short_text_is_refused_and_the_board_still_loads(
        client, session, connect, agent, make_user, reason):
    sio = connect(agent, available=False)
    ack = sio.emit(events.PRESENCE_SET, {"status": "away", "reason": reason},
                   namespace="/agent", callback=True)
    assert _refused(ack)
    assert presence.record(agent.id)["reason"] == "signed in"  # as the socket opened
    boss = make_user("supervisor")
    raw = users.issue_token(session, boss, "test")
    session.commit()
    board = client.get("/api/v1/routing/board", headers={"Authorization": f"Bearer {raw}"})
    assert board.status_code == 200
    assert sio.emit(events.PRESENCE_SET, {"status": "away", "reason": "lunch"},
                    namespace="/agent", callback=True)["ok"]


@pytest.mark.parametrize("args", [("x",), ([1],), (5,), ({"case_id": 1}, 2),
                                  ({"case_id": 1}, {"more": 1})])
def test_an_agent_event_with_other_than_one_object_gets_an_error_ack(
        connect, agent, case, errors_logged, args):
    sio = connect(agent, available=False)
    ack = sio.emit(events.CASE_WATCH, *args, namespace="/agent", callback=True)
    assert _refused(ack)
    assert errors_logged() == []


def test_an_agent_event_without_its_fields_says_which_is_missing(connect, agent):
    sio = connect(agent, available=False)
    ack = sio.emit(events.CASE_WATCH, namespace="/agent", callback=True)
    assert _refused(ack) and "case_id" in ack["error"]["message"]


@pytest.mark.parametrize("args", [(), ("hello",), ([],), ({"key": "default"}, 2)])
def test_a_chat_event_with_other_than_one_object_gets_an_error_ack(app, session,
                                                                    errors_logged, args):
    sio = socketio.test_client(app, namespace="/chat")
    ack = sio.emit(events.CHAT_START, *args, namespace="/chat", callback=True)
    assert ack["ok"] is False and ack["error"]["code"] in ("invalid", "invalid_input")
    assert ack["error"]["code"] != "internal"
    assert errors_logged() == []
    assert session.scalar(select(func.count()).select_from(Interaction)) == 0


@pytest.mark.parametrize("fields", [{"name": "Ana \ud800"}, {"contact": "ana\ud800@example.com"},
                                    {"key": "default\ud800"}])
def test_a_lone_surrogate_over_chat_gets_an_error_ack_and_stores_nothing(app, session,
                                                                         errors_logged, fields):
    sio = socketio.test_client(app, namespace="/chat")
    start = {"key": "default", "name": "Ana", "contact": "ana@example.com", **fields}
    ack = sio.emit(events.CHAT_START, start, namespace="/chat", callback=True)
    assert _refused(ack, "invalid_input")
    assert errors_logged() == []
    ok = sio.emit(events.CHAT_START, {"key": "default", "name": "Ana",
                                      "contact": "ana@example.com"}, namespace="/chat",
                  callback=True)
    assert ok["ok"]
    said = sio.emit(events.CHAT_MESSAGE, {"body": "hi \udfff", "id": "m1"}, namespace="/chat",
                    callback=True)
    assert _refused(said, "invalid_input")
    assert session.scalar(select(func.count()).select_from(Interaction).where(
        Interaction.provider_id.not_like("%:start"))) == 0  # a started visit queues one item


@pytest.mark.parametrize("token", [["cl_x"], {"raw": "cl_x"}, 5])
def test_an_agent_token_that_is_not_text_is_refused(app, token, errors_logged):
    sio = socketio.test_client(app, namespace="/agent", auth={"token": token})
    assert not sio.is_connected("/agent")
    assert errors_logged() == []


def test_a_list_holding_a_real_token_opens_nothing(app, token):
    sio = socketio.test_client(app, namespace="/agent", auth={"token": [token]})
    assert not sio.is_connected("/agent")


@pytest.mark.parametrize("offer_id", [True, 1.0, 1.9, "1", "\uff11", None, 2**70, 0])
def test_an_offer_id_must_be_a_plain_number(client, session, connect, agent, offer_id):
    sio = connect(agent)
    assert tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL)).status_code == 200
    offer = session.scalars(select(Offer)).one()
    assert offer.id == 1 and offer.offered_user_id == agent.id
    session.commit()
    ack = sio.emit(events.OFFER_ACCEPT, {"offer_id": offer_id}, namespace="/agent",
                   callback=True)
    assert _refused(ack)
    assert session.get(Offer, offer.id).status == "open"
    session.commit()
    assert sio.emit(events.OFFER_ACCEPT, {"offer_id": 1}, namespace="/agent",
                    callback=True)["ok"]


@pytest.mark.parametrize("case_id", ["\uff11", "1", True, 1.5])
def test_a_case_id_must_be_a_plain_number(connect, agent, case, case_id):
    sio = connect(agent, available=False)
    assert case.id == 1
    ack = sio.emit(events.CASE_WATCH, {"case_id": case_id}, namespace="/agent", callback=True)
    assert _refused(ack)
    assert sio.emit(events.CASE_WATCH, {"case_id": 1}, namespace="/agent", callback=True)["ok"]
