"""SMS and WhatsApp over Twilio Messaging: one base, the differences between them as data."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import ClassVar

import requests
from twilio.base.exceptions import TwilioException, TwilioRestException

from channels.base import (
    ChannelAdapter,
    OutboundMessage,
    PermanentSendError,
    SendResult,
    TemporarySendError,
)
from channels.sms.content import ContentTemplate, approved_templates
from channels.twilio.rest import make_client
from crm.guardrails import Medium

STATUS_PATH = "/webhooks/twilio/messaging/status"


class TwilioMessagingAdapter(ChannelAdapter):
    """Sends through Twilio's Messages API with a status callback to our webhook."""

    max_body: ClassVar[int] = 1600
    address_prefix: ClassVar[str] = ""
    reply_window: ClassVar[timedelta | None] = None
    sender_setting: ClassVar[str] = "twilio_phone_number"
    # Media Twilio fetches from our signed link (MediaUrl): at most 5 MB a message.
    media_types: ClassVar[frozenset[str]] = frozenset()
    media_bytes: ClassVar[int] = 5 * 1024 * 1024

    def __init__(self, settings, http_client=None):
        self.settings = settings
        self.http_client = http_client

    @classmethod
    def rules(cls) -> Medium:
        """This medium as data for crm.guardrails (texts to a debtor carry the STOP footer and,
        on a time-barred debt, the disclosure)."""
        return Medium(cls.medium, "phone", cls.max_body, cls.reply_window, stop_footer=True,
                      time_barred_notice=True, attachment_types=cls.media_types,
                      attachment_bytes=cls.media_bytes)

    def address(self, number: str) -> str:
        """A phone number as Twilio wants it on this medium."""
        bare = number.split(":", 1)[1] if number.lower().startswith("whatsapp:") else number
        return self.address_prefix + bare

    def status_callback(self, interaction_id: int) -> str | None:
        """Our signed status webhook for this message (its id in the URL, so order is moot)."""
        base = (self.settings.public_base_url or "").rstrip("/")
        return f"{base}{STATUS_PATH}?interaction={interaction_id}" if base else None

    def media_urls(self, message: OutboundMessage) -> list[str]:
        """Our signed links to the files, absolute: Twilio fetches each one itself."""
        base = (self.settings.public_base_url or "").rstrip("/")
        if not base:
            raise PermanentSendError("files need a public address Twilio can fetch them "
                                     "from: set PUBLIC_BASE_URL")
        return [url if "://" in url else base + url for url in message.media_urls]

    def send(self, message: OutboundMessage) -> SendResult:
        """Create the message at Twilio; Permanent/TemporarySendError on failure."""
        sender = message.sender or getattr(self.settings, self.sender_setting)
        if not sender:
            raise PermanentSendError(f"no {self.medium} sender: set "
                                     f"{self.sender_setting.upper()}")
        kwargs = {"to": self.address(message.to), "from_": self.address(sender),
                  "body": message.body}
        callback = message.status_callback or self.status_callback(message.interaction_id)
        if callback:
            kwargs["status_callback"] = callback
        if message.media_urls and "media" in self.capabilities:
            kwargs["media_url"] = self.media_urls(message)
        if message.template:
            # An approved template (Content API) instead of free text: Twilio renders it.
            sid, variables = message.template
            kwargs.pop("body")
            kwargs["content_sid"] = sid
            kwargs["content_variables"] = json.dumps(variables)
        try:
            created = make_client(self.settings, self.http_client).messages.create(**kwargs)
        except TwilioRestException as exc:
            reason = f"Twilio error {exc.code or exc.status}: {exc.msg}"
            if exc.status == 429 or exc.status >= 500:
                raise TemporarySendError(reason) from exc
            raise PermanentSendError(reason) from exc
        except (requests.RequestException, TwilioException, OSError) as exc:
            raise TemporarySendError(f"Twilio unreachable: {exc}") from exc
        return SendResult(created.sid, created.status or "queued",
                          {"sid": created.sid, "status": created.status})


class SmsAdapter(TwilioMessagingAdapter):
    """Plain SMS (MMS media on numbers that support it)."""

    medium = "sms"
    capabilities = frozenset({"media"})
    media_types = frozenset({"image/jpeg", "image/png", "image/gif", "application/pdf"})


class WhatsAppAdapter(TwilioMessagingAdapter):
    """WhatsApp through Twilio: `whatsapp:` addresses and the 24-hour free-form window."""

    medium = "whatsapp"
    address_prefix = "whatsapp:"
    reply_window = timedelta(hours=24)
    sender_setting = "twilio_whatsapp_number"
    capabilities = frozenset({"media", "templates", "read_receipts"})
    media_types = frozenset({"image/jpeg", "image/png", "application/pdf"})

    def templates(self) -> list[ContentTemplate]:
        """The approved templates of the account (Content API), for use outside 24 hours."""
        return approved_templates(self.settings, self.http_client)
