"""Demo-mode messaging traffic: signed inbound SMS/WhatsApp and status callbacks, as Twilio."""

from __future__ import annotations

import logging
import random
import secrets
import threading
from urllib.parse import urlsplit

from flask import Flask
from twilio.request_validator import RequestValidator

from channels.sms import fake

log = logging.getLogger(__name__)
INCOMING = "/webhooks/twilio/messaging/incoming"
LINES = ["Hi, any news on my claim?", "I sent the photos yesterday.", "Can you call me back "
         "after 5pm?", "What is my outstanding balance?", "I want to set up a payment plan.",
         "Thanks for your help!", "Someone used my card, please block it."]


class SignedPoster:
    """Posts webhooks into the app in-process, signed with the auth token like Twilio."""

    def __init__(self, app: Flask):
        self.app = app
        self.settings = app.config["CASELINE"]

    def post(self, url: str, params: dict) -> int:
        """POST params to url (absolute or a path); returns the HTTP status."""
        parts = urlsplit(url)
        base = (self.settings.public_base_url or "http://localhost").rstrip("/")
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        signature = RequestValidator(self.settings.twilio_auth_token).compute_signature(
            base + target, params)
        with self.app.test_client() as client:
            resp = client.post(target, data=params, base_url=base,
                               headers={"X-Twilio-Signature": signature})
        return resp.status_code


def start(app: Flask, every: float = 45.0) -> threading.Event:
    """Play inbound messages every so often; outbound goes to the fake Twilio."""
    app = getattr(app, "_get_current_object", lambda: app)()  # the CLI passes current_app
    settings = app.config["CASELINE"]
    if not settings.twilio_auth_token:
        # No account: a token made up for this run, so webhooks are still verified.
        settings.twilio_auth_token = "demo-" + secrets.token_hex(16)
    poster = SignedPoster(app)
    fake.poster = poster.post
    stop = threading.Event()
    rng = random.Random()

    def loop():
        n = 0
        while not stop.wait(5.0 if n == 0 else every):
            n += 1
            try:
                poster.post(INCOMING, inbound_params(rng, n))
            except Exception:
                log.exception("messaging simulator could not post")

    threading.Thread(target=loop, daemon=True, name="sim-messaging").start()
    log.info("messaging simulator: inbound SMS/WhatsApp every %.0f s", every)
    return stop


def inbound_params(rng: random.Random, n: int) -> dict:
    """One inbound SMS or WhatsApp message from a demo customer, as Twilio posts it."""
    number = f"+1415555{rng.randrange(20):04d}"
    sid = "SM" + secrets.token_hex(16)
    base = {"MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid, "AccountSid":
            fake.DEMO_ACCOUNT_SID, "Body": rng.choice(LINES), "NumMedia": "0",
            "NumSegments": "1", "SmsStatus": "received", "ApiVersion": "2010-04-01"}
    if n % 3 == 0:
        return {**base, "From": f"whatsapp:{number}", "To": "whatsapp:+14155238886",
                "ProfileName": "Demo customer", "WaId": number.lstrip("+")}
    return {**base, "From": number, "To": "+15005550006", "FromCountry": "US"}
