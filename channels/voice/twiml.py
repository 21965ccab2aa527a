"""The TwiML documents Caseline answers Twilio with."""

from __future__ import annotations

from twilio.twiml.voice_response import Dial, Start, VoiceResponse

BASE = "/webhooks/twilio/voice"
CONSENT = "This call may be recorded for quality and training purposes."
HOLD_MUSIC = "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3"
RECORDING_EVENTS = "completed absent failed"
CALL_RECORDING_EVENTS = "completed absent"  # what <Start><Recording> reports


def enqueue(queue: str, consent: str = CONSENT) -> VoiceResponse:
    """Consent announcement, then wait in the queue of this line of work."""
    r = VoiceResponse()
    r.say(consent)
    r.enqueue(queue, wait_url=f"{BASE}/wait", wait_url_method="POST",
              action=f"{BASE}/queue-result", method="POST")
    return r


def waiting(queue_time: int, voicemail_after: int, position: int | None = None
            ) -> VoiceResponse:
    """Music while waiting; leave the queue for voicemail once nobody answered in time."""
    r = VoiceResponse()
    if queue_time >= voicemail_after:
        r.leave()
        return r
    if queue_time < 5:
        r.say("Thank you for calling. An agent will be with you shortly.")
    if position and (queue_time < 5 or queue_time // 10 % 3 == 0):
        # The caller hears their place now and then (Twilio re-requests this every pause).
        r.say(f"You are number {position} in the queue.")
    # Short pauses so Twilio re-requests the wait URL and we can send the caller on in time.
    r.pause(length=max(1, min(10, voicemail_after - queue_time)))
    return r


def voicemail(prompt: str = "Sorry, nobody can take your call right now. Please leave a "
                            "message after the tone.", *, language: str | None = None
              ) -> VoiceResponse:
    """Record a message; its recording lands on the call's interaction (language: the
    prompt's, for Twilio's text-to-speech)."""
    r = VoiceResponse()
    r.say(prompt, **({"language": language} if language else {}))
    r.record(max_length=120, play_beep=True, action=f"{BASE}/voicemail-done", method="POST",
             recording_status_callback=f"{BASE}/recording?purpose=voicemail",
             recording_status_callback_event=RECORDING_EVENTS)
    return r


def goodbye(text: str = "Thank you. Goodbye.") -> VoiceResponse:
    """Say goodbye and hang up."""
    r = VoiceResponse()
    r.say(text)
    r.hangup()
    return r


def empty() -> VoiceResponse:
    """Nothing more to do."""
    return VoiceResponse()


def connect_client(identity: str, interaction_id: int | None = None) -> VoiceResponse:
    """Bridge the caller to an agent's browser phone, recording both sides.

    The interaction id rides along as a custom parameter so the phone knows which call it is.
    """
    r = VoiceResponse()
    d = Dial(record="record-from-answer-dual",
             recording_status_callback=f"{BASE}/recording",
             recording_status_callback_event=RECORDING_EVENTS)
    client = d.client()
    client.identity(identity)
    if interaction_id is not None:
        client.parameter(name="InteractionId", value=str(interaction_id))
    r.append(d)
    return r


def conference_name(interaction_id: int) -> str:
    """The conference a call lives in once answered (no personal data in the name)."""
    return f"call-{interaction_id}"


def join_conference(name: str, *, record: bool = True) -> VoiceResponse:
    """The caller into the call's conference; the conference ends when the caller leaves.

    record: start the call's dual-channel recording (caller / everyone else) on the caller's
    leg, so its callbacks carry the caller's CallSid and card capture can pause it.
    """
    r = VoiceResponse()
    if record:
        start = Start()
        start.recording(channels="dual", recording_status_callback=f"{BASE}/recording",
                        recording_status_callback_event=CALL_RECORDING_EVENTS)
        r.append(start)
    d = Dial()
    d.conference(name, start_conference_on_enter=True, end_conference_on_exit=True,
                 beep=False)
    r.append(d)
    return r


def consult(identity: str) -> VoiceResponse:
    """Ring a colleague's browser phone for a briefing (agent to agent, not recorded)."""
    r = VoiceResponse()
    d = Dial()
    d.client(identity)
    r.append(d)
    return r


def hold(music_url: str = HOLD_MUSIC) -> VoiceResponse:
    """Music on hold (the agent's leg ends; resume dials the agent again)."""
    r = VoiceResponse()
    r.say("Please hold.")
    r.play(music_url, loop=0)
    return r


def to_queue(queue: str) -> VoiceResponse:
    """Back into a queue (a transfer to a line of work)."""
    r = VoiceResponse()
    r.say("Transferring your call.")
    r.enqueue(queue, wait_url=f"{BASE}/wait", wait_url_method="POST",
              action=f"{BASE}/queue-result", method="POST")
    return r


def dial_number(number: str, caller_id: str) -> VoiceResponse:
    """An agent's outbound call from the browser to a customer's number."""
    r = VoiceResponse()
    d = Dial(caller_id=caller_id, record="record-from-answer-dual",
             recording_status_callback=f"{BASE}/recording",
             recording_status_callback_event=RECORDING_EVENTS)
    d.number(number, status_callback=f"{BASE}/status",
             status_callback_event="initiated ringing answered completed",
             status_callback_method="POST")
    r.append(d)
    return r


def reject(reason: str) -> VoiceResponse:
    """Refuse an outbound request the agent may not make."""
    r = VoiceResponse()
    r.say(reason)
    r.hangup()
    return r
