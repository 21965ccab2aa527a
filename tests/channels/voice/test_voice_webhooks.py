"""Twilio Voice webhooks: signed, idempotent, order-tolerant; missed calls, voicemail, proxy."""

import random

import pytest
from sqlalchemy import func, select

from crm.models import Attachment, AuditEvent, InboundAddress, Interaction, Offer, Task
from tests import voice_support as tw

pytestmark = pytest.mark.usefixtures("twilio_api")  # no test may reach Twilio's real API


@pytest.fixture
def settings(settings):
    """Test settings with a (fake) Twilio voice account."""
    tw.configure(settings)
    return settings


CALL = "CA" + "a" * 32


def count(session, model) -> int:
    n = session.scalar(select(func.count()).select_from(model))
    session.rollback()
    return n


def calls_of(session):
    rows = session.scalars(select(Interaction).where(Interaction.medium == "voice")).all()
    session.rollback()
    return rows


WEBHOOKS = ["/incoming", "/status", "/recording", "/outbound", "/wait", "/queue-result",
            "/voicemail-done"]


@pytest.mark.parametrize("path", WEBHOOKS)
def test_forged_or_unsigned_webhooks_get_403_and_write_nothing(client, session, path):
    params = {**tw.incoming(CALL), **tw.status(CALL, "completed", 3, 40), **tw.recording(CALL),
              "QueueResult": "hangup"}
    url = tw.HOOKS + path
    unsigned = client.post(url, data=params)
    forged = client.post(url, data=params,
                         headers={"X-Twilio-Signature": tw.sign(tw.PUBLIC + url, params,
                                                                "not-our-token")})
    good = tw.sign(tw.PUBLIC + url, params)
    tampered = client.post(url, data={**params, "From": "+19995550000"},
                           headers={"X-Twilio-Signature": good})
    assert [unsigned.status_code, forged.status_code, tampered.status_code] == [403, 403, 403]
    for model in (Interaction, Offer, Task, Attachment):
        assert count(session, model) == 0


def test_replayed_call_leaves_one_interaction_with_final_status_duration_and_recording(
        client, session):
    incoming = tw.incoming(CALL)
    first = tw.post(client, tw.HOOKS + "/incoming", incoming)
    assert first.status_code == 200
    assert tw.post(client, tw.HOOKS + "/incoming", incoming).status_code == 200
    callbacks = [tw.status(CALL, "ringing", 0), tw.status(CALL, "in-progress", 1),
                 tw.status(CALL, "completed", 2, duration=73)] * 2
    random.Random(5).shuffle(callbacks)
    for params in callbacks:
        assert tw.post(client, tw.HOOKS + "/status", params).status_code == 204
    assert tw.post(client, tw.HOOKS + "/recording", tw.recording(CALL)).status_code == 204
    assert tw.post(client, tw.HOOKS + "/recording", tw.recording(CALL)).status_code == 204

    [call] = calls_of(session)
    assert (call.provider_id, call.direction, call.status) == (CALL, "inbound", "completed")
    assert call.duration_seconds == 73 and call.status_seq == 2
    [rec] = call.attachments
    assert rec.kind == "recording" and rec.meta["recording_sid"].startswith("RE")
    # Nobody took it from the queue before the caller hung up: one callback task, not two.
    assert count(session, Task) == 1


@pytest.mark.parametrize("seed", range(6))
def test_any_order_of_status_callbacks_ends_completed(client, session, seed):
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    callbacks = [tw.status(CALL, "ringing", 0), tw.status(CALL, "in-progress", 1),
                 tw.status(CALL, "completed", 2, duration=12)] * 2
    random.Random(seed).shuffle(callbacks)
    for params in callbacks:
        tw.post(client, tw.HOOKS + "/status", params)
    [call] = calls_of(session)
    assert call.status == "completed" and call.duration_seconds == 12


def test_incoming_call_answers_with_consent_and_enqueues_for_the_numbers_line_of_work(
        client, session, default_client):
    session.add(InboundAddress(client_id=default_client.id, kind="phone", value=tw.OUR_NUMBER,
                               line_of_work="collections"))
    session.commit()
    resp = tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    body = resp.get_data(as_text=True)
    assert resp.mimetype == "text/xml"
    assert "<Say language=\"en-US\">This call may be recorded" in body
    assert 'waitUrl="/webhooks/twilio/voice/wait"' in body
    assert ">collections</Enqueue>" in body
    [call] = calls_of(session)
    assert call.meta["queue"] == "collections" and call.from_addr == tw.CALLER
    assert call.meta["call"]["FromState"] == "CA"  # every parameter Twilio sent is kept
    assert call.case_id is not None


def test_unknown_number_goes_to_the_general_queue(client):
    body = tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL)).get_data(as_text=True)
    assert ">general</Enqueue>" in body


def test_request_behind_a_proxy_validates_against_public_base_url(client, session):
    # nginx forwards to an internal host and port; Twilio signed the public https URL.
    resp = tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL),
                   base_url="http://10.0.3.7:8000")
    assert resp.status_code == 200
    assert len(calls_of(session)) == 1
    internal = tw.post(client, tw.HOOKS + "/incoming", tw.incoming("CA" + "b" * 32),
                       public="http://10.0.3.7:8000", base_url="http://10.0.3.7:8000")
    assert internal.status_code == 403


@pytest.mark.parametrize("final", ["no-answer", "busy", "canceled", "failed"])
def test_missed_call_creates_one_callback_task(client, session, final):
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    for _ in range(2):
        tw.post(client, tw.HOOKS + "/status", tw.status(CALL, final, 1, duration=0))
    tasks = session.scalars(select(Task)).all()
    assert len(tasks) == 1 and tasks[0].kind == "callback" and tw.CALLER in tasks[0].title
    [call] = calls_of(session)
    assert call.status == final and tasks[0].case_id == call.case_id


def test_caller_hanging_up_in_the_queue_is_abandoned_with_a_callback_task(client, session):
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    resp = tw.post(client, tw.HOOKS + "/queue-result",
                   {"CallSid": CALL, "QueueResult": "hangup", "QueueTime": "30"})
    assert resp.status_code == 200
    tw.post(client, tw.HOOKS + "/status", tw.status(CALL, "completed", 2, duration=35))
    [task] = session.scalars(select(Task)).all()
    assert "hung up in the queue" in task.title
    offer = session.scalars(select(Offer)).one()
    assert offer.status == "abandoned"
    [call] = calls_of(session)
    assert call.meta["abandoned"] is True


def test_unanswered_call_goes_to_voicemail_which_lands_on_the_timeline(client, session, app):
    app.config["CASELINE"].extra["voice_voicemail_after"] = 30
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    early = tw.post(client, tw.HOOKS + "/wait", {"CallSid": CALL, "QueueTime": "10"})
    assert "<Pause" in early.get_data(as_text=True)
    late = tw.post(client, tw.HOOKS + "/wait", {"CallSid": CALL, "QueueTime": "31"})
    assert "<Leave" in late.get_data(as_text=True)
    record = tw.post(client, tw.HOOKS + "/queue-result",
                     {"CallSid": CALL, "QueueResult": "leave", "QueueTime": "31"})
    twiml = record.get_data(as_text=True)
    assert "<Record" in twiml and "recording?purpose=voicemail" in twiml
    path = tw.HOOKS + "/recording?purpose=voicemail"
    assert tw.post(client, path, tw.recording(CALL, "RE" + "9" * 32, 12)).status_code == 204
    tw.post(client, tw.HOOKS + "/status", tw.status(CALL, "completed", 2, duration=50))
    [call] = calls_of(session)
    assert call.meta["voicemail"] is True and call.body == "Voicemail"
    assert [a.meta["purpose"] for a in call.attachments] == ["voicemail"]
    assert session.scalars(select(Offer)).one().status == "voicemail"
    [task] = session.scalars(select(Task)).all()
    assert "Voicemail" in task.title


def test_recording_plays_through_the_authenticated_proxy(client, session, agent, token,
                                                         twilio_api, make_user, other_client,
                                                         default_client):
    session.add(InboundAddress(client_id=default_client.id, kind="phone", value=tw.OUR_NUMBER))
    session.commit()
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    tw.post(client, tw.HOOKS + "/recording", tw.recording(CALL))
    [call] = calls_of(session)
    att_id = call.attachments[0].id
    timeline = client.get(f"/api/v1/cases/{call.case_id}/timeline",
                          headers={"Authorization": f"Bearer {token}"})
    if timeline.status_code == 200:  # the timeline API comes with the workspace issue
        assert "api.twilio.com" not in timeline.get_data(as_text=True)
    assert client.get(f"/api/v1/recordings/{att_id}").status_code == 401
    resp = client.get(f"/api/v1/recordings/{att_id}", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and resp.mimetype == "audio/mpeg"
    assert resp.data == twilio_api.audio
    [fetch] = twilio_api.requests
    assert fetch["method"] == "GET" and fetch["url"].endswith(call.attachments[0].meta[
        "recording_sid"] + ".mp3")
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "recording.played"))
    session.rollback()

    from crm.tenancy import users

    outsider = make_user("agent", clients=[other_client])
    raw = users.issue_token(session, outsider)
    session.commit()
    denied = client.get(f"/api/v1/recordings/{att_id}", headers={"Authorization": f"Bearer {raw}"})
    assert denied.status_code == 404 and len(twilio_api.requests) == 1


def test_voice_adapter_places_a_spoken_call_through_the_rest_api(settings, twilio_api):
    from channels import registry
    from channels.base import OutboundMessage

    adapter = registry.adapter_for("voice", settings)
    adapter.http_client = twilio_api
    result = adapter.send(OutboundMessage(interaction_id=1, to=tw.CALLER,
                                          body="Your claim has been approved."))
    [sent] = twilio_api.posts("/Calls.json")
    assert sent["data"]["To"] == tw.CALLER and sent["data"]["From"] == tw.OUR_NUMBER
    assert "<Say>Your claim has been approved.</Say>" in sent["data"]["Twiml"]
    assert result.provider_id.startswith("CA") and result.status == "queued"
    assert "recording" in adapter.capabilities


def test_withheld_caller_id_is_still_answered_and_recorded_once(client, session):
    params = tw.incoming(CALL, caller="anonymous")
    first = tw.post(client, tw.HOOKS + "/incoming", params)
    again = tw.post(client, tw.HOOKS + "/incoming", params)
    assert first.status_code == again.status_code == 200
    assert "<Enqueue" in first.get_data(as_text=True)
    [call] = calls_of(session)
    from crm.models import Case

    case = session.get(Case, call.case_id)
    assert case.customer.display_name == "Withheld number"
    session.rollback()


def test_recording_bytes_survive_the_real_twilio_http_client(app, client, session, token,
                                                              default_client):
    import responses

    app.extensions.pop("caseline.twilio_http")  # the SDK's own requests-based client
    app.config["CASELINE"].twilio_api_base_url = "https://twilio.staging.example"
    audio = bytes(range(256)) * 4  # every byte value, as in real MP3 frames
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    tw.post(client, tw.HOOKS + "/recording", tw.recording(CALL))
    [call] = calls_of(session)
    att = call.attachments[0]
    with responses.RequestsMock() as mock:
        mock.get(f"https://twilio.staging.example/2010-04-01/Accounts/{tw.ACCOUNT_SID}/"
                 f"Recordings/{att.meta['recording_sid']}.mp3", body=audio,
                 content_type="audio/mpeg")
        resp = client.get(f"/api/v1/recordings/{att.id}",
                          headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and resp.data == audio


def test_a_call_re_split_into_a_new_call_sid_is_refused(client, session):
    params = tw.incoming(CALL)
    signature = tw.sign(tw.PUBLIC + tw.HOOKS + "/incoming", params)
    forged = {k: v for k, v in params.items() if k != "CallStatus"}
    forged["CallSid"] += "CallStatus" + params["CallStatus"]  # same characters, same MAC
    assert tw.sign(tw.PUBLIC + tw.HOOKS + "/incoming", forged) == signature
    resp = client.post(tw.HOOKS + "/incoming", data=forged,
                       headers={"X-Twilio-Signature": signature})
    assert resp.status_code == 400
    assert resp.get_json()["error"]["code"] == "invalid_input"
    assert count(session, Interaction) == 0 and count(session, Offer) == 0


@pytest.mark.parametrize(("path", "params"), [
    ("/incoming", {**tw.incoming(CALL), "AccountSid": "AC" + "1" * 31}),
    ("/incoming", {**tw.incoming(CALL), "CallSid": "ca" + "a" * 32}),
    ("/status", {**tw.status(CALL, "completed", 3), "ParentCallSid": "CA12"}),
    ("/recording", tw.recording(CALL, "RE" + "2" * 30)),
    ("/recording", {**tw.recording(CALL), "CallSid": CALL + "x"}),
])
def test_malformed_call_identifiers_are_a_400_and_change_nothing(client, session, path,
                                                                  params):
    if path != "/incoming":
        assert tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL)).status_code == 200
    resp = tw.post(client, tw.HOOKS + path, params)
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert resp.get_json()["error"]["code"] == "invalid_input"
    calls = calls_of(session)
    assert [(c.status, c.duration_seconds) for c in calls] == (
        [] if path == "/incoming" else [("ringing", None)])
    assert count(session, Attachment) == 0
