"""The small base every channel adapter implements; media differ by data, not by ifs."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import ClassVar


@dataclass(frozen=True)
class OutboundMessage:
    """What the console asks a channel to send, keyed for idempotency by interaction id."""

    interaction_id: int
    to: str
    body: str
    sender: str | None = None
    subject: str | None = None
    status_callback: str | None = None
    headers: dict = field(default_factory=dict)
    attachments: tuple = ()  # (filename, content type, bytes) of files we hold
    media_urls: tuple = ()  # public URLs a provider fetches itself (MMS, WhatsApp media)
    # (filename, content type, our signed link) of each file, for a channel that links them
    links: tuple = ()
    template: tuple | None = None  # (content SID, {variable: value}): an approved template


@dataclass(frozen=True)
class SendResult:
    """What the provider said: its id for the message and the status it reported."""

    provider_id: str
    status: str
    raw: dict = field(default_factory=dict)
    sender: str | None = None  # the address it actually went out from, when it says
    evidence: bytes | None = None  # the exact bytes sent, kept on the case (an .eml)


class PermanentSendError(Exception):
    """The provider refused for good (bad number, 5xx SMTP): do not retry."""


class TemporarySendError(Exception):
    """The provider failed for now (timeout, 4xx SMTP): retry with backoff."""


class ChannelAdapter(ABC):
    """One medium: its limits and capabilities as data, and how to send."""

    medium: ClassVar[str]
    max_body: ClassVar[int] = 100_000
    # e.g. {"media", "templates", "typing", "read_receipts"}
    capabilities: ClassVar[frozenset[str]] = frozenset()

    @abstractmethod
    def send(self, message: OutboundMessage) -> SendResult:
        """Deliver one message to the provider; raise Permanent/TemporarySendError."""
