"""The voice channel as an adapter: its capabilities, and placing an automated call."""

from __future__ import annotations

from typing import ClassVar

from twilio.base.exceptions import TwilioRestException
from twilio.twiml.voice_response import VoiceResponse

from channels import registry
from channels.base import (
    ChannelAdapter,
    OutboundMessage,
    PermanentSendError,
    SendResult,
    TemporarySendError,
)
from channels.twilio.rest import make_client


class VoiceAdapter(ChannelAdapter):
    """Twilio Voice: calls are live (browser phone); `send` places a spoken message call."""

    medium: ClassVar[str] = "voice"
    max_body: ClassVar[int] = 4000  # what <Say> reads out comfortably
    capabilities: ClassVar[frozenset[str]] = frozenset(
        {"live", "recording", "transfer", "hold", "voicemail", "browser_phone"})

    def __init__(self, settings, http_client=None):
        self.settings = settings
        self.http_client = http_client

    def send(self, message: OutboundMessage) -> SendResult:
        """Call message.to and read message.body (e.g. an appointment reminder)."""
        twiml = VoiceResponse()
        twiml.say(message.body[: self.max_body])
        sender = message.sender or self.settings.twilio_phone_number
        if not sender:
            raise PermanentSendError("no caller id: set TWILIO_PHONE_NUMBER")
        kwargs = {"to": message.to, "from_": sender, "twiml": str(twiml)}
        if message.status_callback:
            kwargs.update(status_callback=message.status_callback,
                          status_callback_event=["initiated", "ringing", "answered",
                                                 "completed"])
        try:
            call = make_client(self.settings, self.http_client).calls.create(**kwargs)
        except TwilioRestException as exc:
            # 4xx: Twilio refused this call for good (bad number, unverified caller id).
            if exc.status and 400 <= exc.status < 500 and exc.status != 429:
                raise PermanentSendError(str(exc.msg)) from exc
            raise TemporarySendError(str(exc.msg)) from exc
        return SendResult(provider_id=call.sid, status=call.status or "queued")


registry.register("voice", VoiceAdapter, messages=False)
