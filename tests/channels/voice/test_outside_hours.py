"""Calls outside business hours: the announcement and voicemail, and no offer to anyone."""

import pytest
from sqlalchemy import select

from crm.models import Interaction, Offer, RoutingQueue, Task
from tests import voice_support as tw

pytestmark = pytest.mark.usefixtures("twilio_api")

CALL = "CA" + "b" * 32
ALL_WEEK = {d: [["00:00", "24:00"]] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


@pytest.fixture
def settings(settings):
    """Test settings with a (fake) Twilio voice account."""
    tw.configure(settings)
    return settings


@pytest.fixture
def set_hours(client, as_user, default_client):
    """PUT business hours through the API as an admin."""
    _, headers = as_user("admin")

    def do(weekly, queue_id=None, **outside):
        resp = client.put("/api/v1/admin/hours", headers=headers, json={
            "client_id": default_client.id, "queue_id": queue_id, "timezone": "Europe/Paris",
            "weekly": weekly, "holidays": [], "outside": outside})
        assert resp.status_code == 200, resp.get_json()
        return resp.get_json()

    return do


def offers_made(sio) -> list:
    return [m for m in sio.get_received("/agent") if m["name"] == "offer.created"]


def test_a_call_outside_hours_hears_the_announcement_and_can_leave_voicemail(
        client, session, set_hours, connect, agent):
    sio = connect(agent)
    set_hours({}, voice_announcement="Nous sommes fermés. Laissez un message.",
              voice_language="fr-FR")  # no opening at all: closed now
    resp = tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    twiml = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<Say language="fr-FR">Nous sommes fermés. Laissez un message.</Say>' in twiml
    assert "<Record" in twiml and "recording?purpose=voicemail" in twiml
    assert "<Enqueue" not in twiml
    assert session.scalars(select(Offer)).all() == [] and offers_made(sio) == []
    # The caller leaves a message: it lands on the call with a callback task.
    path = tw.HOOKS + "/recording?purpose=voicemail"
    assert tw.post(client, path, tw.recording(CALL, "RE" + "7" * 32, 9)).status_code == 204
    tw.post(client, tw.HOOKS + "/status", tw.status(CALL, "completed", 2, duration=20))
    call = session.scalars(select(Interaction).where(Interaction.provider_id == CALL)).one()
    assert call.meta["outside_hours"] is True and call.meta["voicemail"] is True
    [task] = session.scalars(select(Task)).all()
    assert "Voicemail" in task.title and task.case_id == call.case_id
    assert session.scalars(select(Offer)).all() == []


def test_a_call_inside_hours_is_queued_and_offered(client, session, set_hours, connect, agent):
    sio = connect(agent)
    set_hours(ALL_WEEK)
    twiml = tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL)).get_data(as_text=True)
    assert "<Enqueue" in twiml and "<Record" not in twiml
    offer = session.scalars(select(Offer)).one()
    assert offer.offered_user_id == agent.id
    assert [m["args"][0]["offer_id"] for m in offers_made(sio)] == [offer.id]


def test_a_queues_hours_override_its_clients(client, session, set_hours, connect, agent,
                                             default_client):
    queue = RoutingQueue(client_id=default_client.id, name="general")
    session.add(queue)
    session.commit()
    connect(agent)
    set_hours({})  # the client is closed
    set_hours(ALL_WEEK, queue_id=queue.id)  # but its general queue is open
    twiml = tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL)).get_data(as_text=True)
    assert "<Enqueue" in twiml
    assert session.scalars(select(Offer)).one().offered_user_id == agent.id
