"""Calls Twilio went quiet about are settled: a lost final callback never holds a phone line."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from channels.voice.simulator import VoiceSimulator
from console.voice import screen_pop as voice
from crm.models import Interaction, Offer, Task, utcnow
from tests import voice_support as tw

CALL = "CA" + "7" * 32


def quiet(session, minutes: int) -> None:
    """Nothing heard about any call for this long."""
    session.execute(update(Interaction).values(
        updated_at=utcnow() - timedelta(minutes=minutes)))
    session.commit()


def reconcile(app) -> int:
    with app.app_context():
        return voice.reconcile_calls.apply(throw=True).get()


def call_gets(twilio_api) -> list[str]:
    return [r["url"] for r in twilio_api.requests if r["method"] == "GET"]


def test_an_answered_call_whose_last_callback_was_lost_is_settled_from_twilio(
        app, session, live_call, twilio_api):
    twilio_api.calls[CALL] = {"status": "completed", "duration": "312"}
    quiet(session, 10)
    assert reconcile(app) == 1
    assert call_gets(twilio_api) == [f"https://api.twilio.com/2010-04-01/Accounts/"
                                     f"{tw.ACCOUNT_SID}/Calls/{CALL}.json"]
    item = session.get(Interaction, live_call)
    assert (item.status, item.duration_seconds) == ("completed", 312)
    # The agent's phone line is free again: their work item is done.
    assert session.scalars(select(Offer.status)).one() == "done"


def test_a_call_twilio_says_is_still_going_is_asked_about_again_only_after_a_quiet_spell(
        app, session, live_call, twilio_api):
    quiet(session, 10)
    assert reconcile(app) == 0
    assert session.get(Interaction, live_call).status == "in-progress"  # as Twilio sees it
    session.rollback()
    twilio_api.requests.clear()
    assert reconcile(app) == 0  # just checked: Twilio is not asked every minute
    assert call_gets(twilio_api) == []


def test_a_call_heard_from_recently_is_left_alone(app, session, live_call, twilio_api):
    assert reconcile(app) == 0
    assert call_gets(twilio_api) == []


def test_when_twilio_cannot_answer_the_call_stays_as_it_was(app, session, live_call,
                                                            twilio_api):
    quiet(session, 10)
    twilio_api.fail_with = 500
    assert reconcile(app) == 0
    item = session.get(Interaction, live_call)
    assert item.status == "ringing" and "checked_at" in item.meta
    assert session.scalars(select(Offer.status)).one() == "accepted"


@pytest.fixture
def demo_app(app):
    """Demo mode: no Twilio account, a simulator signing with the test's token."""
    s = app.config["CASELINE"]
    s.twilio_account_sid, s.twilio_auth_token = None, tw.AUTH_TOKEN
    sim = VoiceSimulator(app)
    app.extensions["caseline.voice_simulator"] = sim
    return app, sim


def test_after_a_restart_the_simulated_calls_nobody_plays_any_more_have_ended(
        demo_app, client, session):
    app, sim = demo_app
    dropped, playing, real = "CA" + "1" * 32, "CA" + "2" * 32, "CA" + "3" * 32
    for sid, account in ((dropped, sim.account_sid()), (playing, sim.account_sid()),
                         (real, tw.ACCOUNT_SID)):
        params = {**tw.incoming(sid, caller=f"+1415555{sid[-4:]}"), "AccountSid": account}
        assert tw.post(client, tw.HOOKS + "/incoming", params).status_code == 200
    sim.playing.add(playing)
    assert reconcile(app) == 1
    status = dict(session.execute(select(Interaction.provider_id, Interaction.status)).all())
    assert status == {dropped: "completed", playing: "ringing", real: "ringing"}
    # The dropped caller had waited in the queue: abandoned, with a callback task on the case.
    gone = session.scalars(select(Interaction).where(Interaction.provider_id == dropped)).one()
    assert session.scalars(select(Offer.status).where(
        Offer.interaction_id == gone.id)).one() == "abandoned"
    assert session.scalars(select(Task.title).where(
        Task.source_interaction_id == gone.id)).one().startswith("Caller hung up in the queue")
