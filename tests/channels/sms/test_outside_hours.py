"""Texts outside business hours: stored, queued for the opening, answered once per closure."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from console.routing.service import tick
from crm.hours import settings as hours
from crm.models import Interaction, Offer
from tests.channels.twilio_fakes import OUR_NUMBER, post_signed, sms, whatsapp

INCOMING = "/webhooks/twilio/messaging/incoming"
ALL_WEEK = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
REPLY = "We are closed until 9am. We will answer your message then."


@pytest.fixture
def set_hours(session, make_user, default_client):
    """Set the default client's hours as an admin (the service the API calls)."""
    admin = make_user("admin")

    def do(weekly, **outside):
        hours.put(session, admin, hours.HoursIn(client_id=default_client.id, timezone="UTC",
                                                weekly=weekly, **outside))
        session.commit()

    return do


def test_texts_outside_hours_get_one_auto_reply_and_wait_for_the_opening(
        client, session, twilio, set_hours, connect, agent):
    sio = connect(agent)
    set_hours({}, message_auto_reply=REPLY)
    for n in range(3):
        assert post_signed(client, INCOMING, sms(f"SMnight{n}", f"hello {n}")).status_code == 200
    # Exactly one auto-reply, through Twilio's REST API, to the sender from our number.
    assert [(m["To"], m["From"], m["Body"]) for m in twilio.messages] == [
        ("+14155550100", OUR_NUMBER, REPLY)]
    stored = session.scalars(select(Interaction).where(Interaction.direction == "inbound")).all()
    assert [i.body for i in stored] == ["hello 0", "hello 1", "hello 2"]
    offer = session.scalars(select(Offer)).one()
    assert offer.status == "open" and offer.offered_user_id is None  # queued, not offered
    assert not [m for m in sio.get_received("/agent") if m["name"] == "offer.created"]
    session.rollback()
    # The morning: the line opens and the next routing pass offers the waiting text.
    set_hours(ALL_WEEK, message_auto_reply=REPLY)
    tick()
    session.expire_all()
    assert session.get(Offer, offer.id).offered_user_id == agent.id
    assert len(twilio.messages) == 1


def test_each_closed_period_and_each_conversation_gets_its_own_reply(
        client, session, twilio, set_hours):
    set_hours({}, message_auto_reply=REPLY)
    post_signed(client, INCOMING, sms("SMfirst01", "hi"))
    post_signed(client, INCOMING, whatsapp("SMwa00001", "hi on whatsapp"))
    assert len(twilio.messages) == 2  # a WhatsApp conversation is its own
    assert twilio.messages[1]["To"].startswith("whatsapp:")
    # Yesterday's closure answered: a reply from before this closure began does not count.
    reply = session.scalars(select(Interaction).where(
        Interaction.direction == "outbound", Interaction.medium == "sms")).one()
    reply.occurred_at = datetime.now(UTC) - timedelta(days=20)
    session.commit()
    post_signed(client, INCOMING, sms("SMsecond1", "hi again"))
    assert [m["Body"] for m in twilio.messages] == [REPLY] * 3


def test_no_auto_reply_inside_hours_nor_to_stop(client, session, twilio, set_hours):
    set_hours(ALL_WEEK, message_auto_reply=REPLY)
    post_signed(client, INCOMING, sms("SMday0001", "hello"))
    assert twilio.messages == []
    set_hours({}, message_auto_reply=REPLY)
    post_signed(client, INCOMING, sms("SMstop001", "STOP", sender="+14155550199"))
    assert [m["Body"] for m in twilio.messages if m["Body"] == REPLY] == []
