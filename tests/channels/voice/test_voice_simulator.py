"""The demo call simulator: signed calls through the real webhooks, with a demo token."""

import threading

from sqlalchemy import select

from channels.voice.simulator import VoiceSimulator
from crm.models import Interaction, Offer, User
from crm.routing import offers
from crm.voice import callwork


def test_simulator_signs_with_a_demo_token_and_unanswered_calls_reach_voicemail(app, session):
    assert app.config["CASELINE"].twilio_auth_token is None
    app.config["CASELINE"].extra["voice_voicemail_after"] = 0
    sim = VoiceSimulator(app, poll=0.01)
    sim.message_seconds = 0
    assert app.config["CASELINE"].twilio_auth_token  # generated, so webhooks verify
    sim._call("CA" + "1" * 32, "+14155550007")
    call = session.scalars(select(Interaction).where(Interaction.medium == "voice")).one()
    assert call.status == "completed" and call.meta["voicemail"] is True
    assert [a.meta["purpose"] for a in call.attachments] == ["voicemail"]
    session.rollback()


def test_simulated_call_is_answered_by_an_agent_and_ends_with_a_recording(app, session, agent):
    sim = VoiceSimulator(app, poll=0.01)
    sid = "CA" + "2" * 32
    player = threading.Thread(target=sim._call, args=(sid, "+14155550008"))
    player.start()
    offer_id = None
    while offer_id is None and player.is_alive():
        offer_id = session.scalar(select(Offer.id))
        session.rollback()
    offers.accept(session, session.get(User, agent.id), offer_id)
    session.commit()
    interaction_id = session.get(Offer, offer_id).interaction_id
    callwork.ended(session, session.get(User, agent.id), interaction_id)
    session.commit()
    player.join(30)
    call = session.get(Interaction, interaction_id)
    assert call.status == "completed" and call.agent_id == agent.id
    assert [a.kind for a in call.attachments] == ["recording"]
    session.rollback()
