"""Controlling live calls through Twilio's REST API, and the browser phone's access token.

Each answered call lives in a conference named after it (`call-<interaction id>`):
accepting an offer adds the agent's browser phone as a participant (Conference Participants
API), then redirects the caller's leg into `<Dial><Conference endConferenceOnExit>`. The
server still decides who gets the caller (the atomic accept) and the browser never needs a
queue or conference name. A conference, unlike a `<Dial><Client>` bridge, takes more people:
a supervisor listens (a muted participant) or whispers (a coaching participant only the
agent hears), a warm transfer adds the colleague for a three-way call before the first agent
leaves, and hold is participant hold with music. Only the caller's leg is ever redirected
(into the conference, or back into a queue), so its CallSid -- the interaction's provider id
-- stays the one the status and recording callbacks describe. Outbound calls (the browser
dials a number) are not conferenced; their controls redirect the customer's leg as before.
"""

from __future__ import annotations

from flask import current_app
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.jwt.access_token import AccessToken
from twilio.jwt.access_token.grants import VoiceGrant
from twilio.rest import Client

from channels.twilio.rest import make_client

HTTP_CLIENT_KEY = "caseline.twilio_http"


class NotConfigured(Exception):
    """Twilio is not configured here (demo mode): the caller shows a simulated call."""


def settings():
    """The app's settings."""
    return current_app.config["CASELINE"]


def rest_configured() -> bool:
    """True when calls can be controlled through Twilio's REST API."""
    s = settings()
    return bool(s.twilio_account_sid and (s.twilio_auth_token or s.twilio_api_key_secret))


def rest_client() -> Client:
    """The Twilio client of this app (tests inject a recording HTTP client in extensions)."""
    if not rest_configured():
        raise NotConfigured("Twilio is not configured (TWILIO_ACCOUNT_SID and credentials)")
    client = make_client(settings(), http_client=current_app.extensions.get(HTTP_CLIENT_KEY))
    if isinstance(client.http_client, TwilioHttpClient):
        # Recordings are binary; Twilio's client hands back text, so decode it losslessly.
        client.http_client.request_hooks = {"response": [_latin1]}
    return client


def _latin1(response, *args, **kwargs):
    if not response.headers.get("Content-Type", "").startswith(("text/", "application/json")):
        response.encoding = "latin-1"
    return response


def redirect(call_sid: str, twiml) -> None:
    """Give a live call new instructions (connect, hold, resume, transfer)."""
    rest_client().calls(call_sid).update(twiml=str(twiml))


def call_state(call_sid: str) -> tuple[str, int | None]:
    """How Twilio sees a call now: its status and, once it has ended, its duration."""
    call = rest_client().calls(call_sid).fetch()
    return call.status, int(call.duration) if call.duration else None


def hang_up(call_sid: str) -> None:
    """End a call."""
    rest_client().calls(call_sid).update(status="completed")


def add_participant(conference: str, identity: str, *, label: str, **options) -> tuple[
        str, str]:
    """Ring a browser phone into a call's conference (by name); (its CallSid, the CF sid)."""
    caller_id = settings().twilio_phone_number or "client:caseline"
    p = rest_client().conferences(conference).participants.create(
        from_=caller_id, to=f"client:{identity}", label=label, early_media=True, beep="false",
        end_conference_on_exit=False, **options)
    return p.call_sid, p.conference_sid


def update_participant(conference_sid: str, call_sid: str, **changes) -> None:
    """Hold, mute or coach one participant of a conference."""
    rest_client().conferences(conference_sid).participants(call_sid).update(**changes)


def remove_participant(conference_sid: str, call_sid: str) -> None:
    """Take a participant out of a conference (one already gone is fine)."""
    try:
        rest_client().conferences(conference_sid).participants(call_sid).delete()
    except TwilioRestException as exc:
        if exc.status != 404:
            raise


def set_recording(call_sid: str, *, paused: bool) -> None:
    """Pause (card details being given) or resume the call's recording."""
    recording = rest_client().calls(call_sid).recordings("Twilio.CURRENT")
    if paused:
        # skip, not silence: the card number must not be in the recording at all.
        recording.update(status="paused", pause_behavior="skip")
    else:
        recording.update(status="in-progress")


def fetch_recording(url: str) -> bytes:
    """The audio of a recording (MP3), fetched with our credentials; never shown as a URL."""
    media = url if url.endswith((".mp3", ".wav")) else url + ".mp3"
    response = rest_client().request("GET", media)
    if response.status_code >= 400:
        raise LookupError(f"Twilio answered {response.status_code} for the recording")
    content = response.content
    return content if isinstance(content, bytes) else content.encode("latin-1")


def voice_configured() -> bool:
    """True when the browser phone can get a real token."""
    s = settings()
    return bool(s.twilio_account_sid and s.twilio_api_key_sid and s.twilio_api_key_secret
                and s.twilio_twiml_app_sid)


def access_token(identity: str, ttl: int = 3600) -> str:
    """A browser-phone token: place calls via the TwiML App, receive calls for identity."""
    if not voice_configured():
        raise NotConfigured("the browser phone needs TWILIO_ACCOUNT_SID, TWILIO_API_KEY_SID, "
                            "TWILIO_API_KEY_SECRET and TWILIO_TWIML_APP_SID")
    s = settings()
    token = AccessToken(s.twilio_account_sid, s.twilio_api_key_sid, s.twilio_api_key_secret,
                        identity=identity, ttl=ttl)
    token.add_grant(VoiceGrant(outgoing_application_sid=s.twilio_twiml_app_sid,
                               incoming_allow=True))
    jwt = token.to_jwt()
    return jwt.decode() if isinstance(jwt, bytes) else jwt


def identity_for(user_id: int) -> str:
    """The browser-phone identity of a member of staff."""
    return f"agent-{user_id}"


def user_id_from(identity: str) -> int | None:
    """The staff id behind `client:agent-<id>` (None for anything else)."""
    name = (identity or "").removeprefix("client:")
    if not name.startswith("agent-"):
        return None
    try:
        return int(name.removeprefix("agent-"))
    except ValueError:
        return None
