"""The TwiML documents Caseline answers Twilio with."""

from __future__ import annotations

from twilio.twiml.voice_response import Dial, Start, VoiceResponse

from crm.core import i18n
from crm.core.i18n import N_

BASE = "/webhooks/twilio/voice"
CONSENT = N_("This call may be recorded for quality and training purposes.")
WELCOME = N_("Thank you for calling. An agent will be with you shortly.")
PLACE = N_("You are number %(position)s in the queue.")
VOICEMAIL = N_("Sorry, nobody can take your call right now. Please leave a message after the "
               "tone.")
GOODBYE = N_("Thank you. Goodbye.")
HOLD = N_("Please hold.")
TRANSFERRING = N_("Transferring your call.")
HOLD_MUSIC = "http://com.twilio.music.classical.s3.amazonaws.com/BusyStrings.mp3"
RECORDING_EVENTS = "completed absent failed"
CALL_RECORDING_EVENTS = "completed absent"  # what <Start><Recording> reports


def say(r: VoiceResponse, text: str, lang: str | None, **values) -> None:
    """<Say> the text in the caller's language where translated (else English), with Twilio
    told which language it is, so the voice pronounces it as that language."""
    locale = i18n.locale_of(lang)
    r.say(i18n.translate(locale, text, **values), language=i18n.VOICE_LANGUAGES[locale])


def enqueue(queue: str, consent: str = CONSENT, lang: str | None = None) -> VoiceResponse:
    """Consent announcement, then wait in the queue of this line of work."""
    r = VoiceResponse()
    say(r, consent, lang)
    r.enqueue(queue, wait_url=f"{BASE}/wait", wait_url_method="POST",
              action=f"{BASE}/queue-result", method="POST")
    return r


def waiting(queue_time: int, voicemail_after: int, position: int | None = None,
            lang: str | None = None) -> VoiceResponse:
    """Music while waiting; leave the queue for voicemail once nobody answered in time."""
    r = VoiceResponse()
    if queue_time >= voicemail_after:
        r.leave()
        return r
    if queue_time < 5:
        say(r, WELCOME, lang)
    if position and (queue_time < 5 or queue_time // 10 % 3 == 0):
        # The caller hears their place now and then (Twilio re-requests this every pause).
        say(r, PLACE, lang, position=position)
    # Short pauses so Twilio re-requests the wait URL and we can send the caller on in time.
    r.pause(length=max(1, min(10, voicemail_after - queue_time)))
    return r


def voicemail(prompt: str = VOICEMAIL, lang: str | None = None, *,
              spoken_as: str | None = None) -> VoiceResponse:
    """Record a message; its recording lands on the call's interaction."""
    r = VoiceResponse()
    if spoken_as:  # a client's own announcement: their words, in the language they set
        r.say(prompt, language=spoken_as)
    else:
        say(r, prompt, lang)
    r.record(max_length=120, play_beep=True, action=f"{BASE}/voicemail-done", method="POST",
             recording_status_callback=f"{BASE}/recording?purpose=voicemail",
             recording_status_callback_event=RECORDING_EVENTS)
    return r


def goodbye(text: str = GOODBYE, lang: str | None = None) -> VoiceResponse:
    """Say goodbye and hang up."""
    r = VoiceResponse()
    say(r, text, lang)
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


def hold(music_url: str = HOLD_MUSIC, lang: str | None = None) -> VoiceResponse:
    """Music on hold (the agent's leg ends; resume dials the agent again)."""
    r = VoiceResponse()
    say(r, HOLD, lang)
    r.play(music_url, loop=0)
    return r


def to_queue(queue: str, lang: str | None = None) -> VoiceResponse:
    """Back into a queue (a transfer to a line of work)."""
    r = VoiceResponse()
    say(r, TRANSFERRING, lang)
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
