"""Demo mode: plays inbound calls and their callbacks exactly as Twilio would, signed.

Requests go through the app's full WSGI stack (signature check included) with a test client,
so the demo exercises the same code as production traffic. Without a TWILIO_AUTH_TOKEN a
random demo token is generated so the webhooks still verify.
"""

from __future__ import annotations

import logging
import random
import secrets
import threading
import time

from flask import Flask
from sqlalchemy import select
from twilio.request_validator import RequestValidator

from channels.voice.twiml import BASE
from crm.models import Interaction, Offer

log = logging.getLogger(__name__)
DEMO_NUMBER = "+15005550006"
MAX_TALK = 600


class VoiceSimulator:
    """Places simulated inbound calls and plays Twilio's side of each one."""

    def __init__(self, app: Flask, *, poll: float = 0.5):
        # The CLI may hand us current_app; threads need the app itself.
        self.app = getattr(app, "_get_current_object", lambda: app)()
        self.settings = app.config["CASELINE"]
        if not self.settings.twilio_auth_token:
            self.settings.twilio_auth_token = secrets.token_hex(16)
            log.info("voice simulator: signing with a generated demo auth token")
        self.poll = poll
        self.message_seconds = 3.0
        self.rng = random.Random()
        self.stop = threading.Event()
        self.playing: set[str] = set()  # the CallSids this process is playing now

    def base_url(self) -> str:
        """The URL Twilio would call (what the signature covers)."""
        return (self.settings.public_base_url or "http://localhost").rstrip("/")

    def post(self, client, path: str, params: dict) -> str:
        """POST a webhook signed with the account's token; the response body."""
        signature = RequestValidator(self.settings.twilio_auth_token).compute_signature(
            self.base_url() + path, params)
        resp = client.post(path, data=params, headers={"X-Twilio-Signature": signature},
                           base_url=self.base_url())
        if resp.status_code >= 400:
            log.warning("voice simulator: %s answered %s", path, resp.status_code)
        return resp.get_data(as_text=True)

    def account_sid(self) -> str:
        """The AccountSid the simulated calls carry."""
        return self.settings.twilio_account_sid or "AC" + "0" * 32

    def dropped(self, item) -> bool:
        """A simulated call (a voice Interaction) that no simulator plays any more: the process
        that played it was stopped, so its caller is gone."""
        sent = (item.meta or {}).get("call", {})
        return item.provider_id not in self.playing and sent.get("AccountSid") == \
            self.account_sid()

    def place_call(self, caller: str | None = None) -> str:
        """Start one simulated inbound call in the background; its CallSid."""
        sid = "CA" + secrets.token_hex(16)
        caller = caller or f"+1415555{self.rng.randrange(0, 20):04d}"
        self.playing.add(sid)  # before the first webhook: a live call is always known here
        threading.Thread(target=self._play, args=(sid, caller), daemon=True,
                         name=f"sim-call-{sid[:8]}").start()
        return sid

    def run_every(self, seconds: float) -> None:
        """Place a call every so often until stopped."""
        def loop():
            while not self.stop.wait(seconds):
                self.place_call()
        threading.Thread(target=loop, daemon=True, name="sim-calls").start()

    def _play(self, sid: str, caller: str) -> None:
        try:
            self._call(sid, caller)
        except Exception:
            log.exception("voice simulator: call %s failed", sid)
        finally:
            self.playing.discard(sid)

    def _call(self, sid: str, caller: str) -> None:
        client = self.app.test_client()
        to = self.settings.twilio_phone_number or DEMO_NUMBER
        base = {"CallSid": sid, "AccountSid": self.account_sid(),
                "From": caller, "To": to, "Caller": caller, "Called": to,
                "Direction": "inbound", "ApiVersion": "2010-04-01"}
        self.post(client, f"{BASE}/incoming", {**base, "CallStatus": "ringing"})
        self._status(client, base, "ringing", 0)
        self._status(client, base, "in-progress", 1)
        started = time.monotonic()
        state = self._wait_in_queue(client, base, started)
        if state == "voicemail":
            time.sleep(self.message_seconds)  # the caller speaking after the tone
            self._recording(client, base, purpose="voicemail", duration=3)
        elif state in ("accepted", "done"):  # done: answered and already ended
            self._wait_for_hangup(sid, started)
            self._recording(client, base, duration=int(time.monotonic() - started))
        self._status(client, base, "completed", 2, int(time.monotonic() - started))

    def _status(self, client, base: dict, status: str, seq: int, duration: int | None = None):
        params = {**base, "CallStatus": status, "SequenceNumber": str(seq),
                  "CallbackSource": "call-progress-events"}
        if duration is not None:
            params["CallDuration"] = str(duration)
        self.post(client, f"{BASE}/status", params)

    def _recording(self, client, base: dict, *, duration: int, purpose: str | None = None):
        rec = "RE" + secrets.token_hex(16)
        account = base["AccountSid"]
        params = {"AccountSid": account, "CallSid": base["CallSid"], "RecordingSid": rec,
                  "RecordingUrl": f"https://api.twilio.com/2010-04-01/Accounts/{account}/"
                                  f"Recordings/{rec}",
                  "RecordingStatus": "completed", "RecordingDuration": str(duration),
                  "RecordingChannels": "2", "RecordingSource": "DialVerb"}
        path = f"{BASE}/recording" + (f"?purpose={purpose}" if purpose else "")
        self.post(client, path, params)

    def _offer_status(self, sid: str) -> str | None:
        with self.app.app_context():
            session = self.app.extensions["caseline.db"].factory()
            try:
                return session.scalar(select(Offer.status).join(
                    Interaction, Interaction.id == Offer.interaction_id)
                    .where(Interaction.provider_id == sid))
            finally:
                session.close()

    def _wait_in_queue(self, client, base: dict, started: float) -> str:
        next_wait = 0.0
        while not self.stop.is_set():
            status = self._offer_status(base["CallSid"])
            if status != "open":
                return status or "gone"
            waited = time.monotonic() - started
            if waited >= next_wait:
                # Twilio re-requests the wait URL as each wait document finishes.
                twiml = self.post(client, f"{BASE}/wait", {**base, "QueueTime": str(int(waited)),
                                                            "QueuePosition": "1"})
                if "<Leave" in twiml:
                    self.post(client, f"{BASE}/queue-result",
                              {**base, "QueueResult": "leave", "QueueTime": str(int(waited))})
                    return "voicemail"
                next_wait = waited + 5
            time.sleep(self.poll)
        return "stopped"

    def _wait_for_hangup(self, sid: str, started: float) -> None:
        # The caller stays until the agent ends the call (or a queue transfer finds nobody).
        while not self.stop.is_set() and time.monotonic() - started < MAX_TALK:
            with self.app.app_context():
                session = self.app.extensions["caseline.db"].factory()
                try:
                    meta = session.scalar(select(Interaction.meta).where(
                        Interaction.provider_id == sid)) or {}
                finally:
                    session.close()
            if meta.get("hung_up"):
                return
            time.sleep(self.poll)
