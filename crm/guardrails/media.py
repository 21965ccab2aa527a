"""What each medium is, as plain data the guardrails read (no `if medium == …` anywhere else).

Channel adapters describe their media (`register`); the two media the crm itself drives,
email and calls, are described here so the rules hold whether or not a channel is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from crm.core.errors import Conflict, DomainError, Forbidden


@dataclass(frozen=True)
class Medium:
    """One medium's limits and the rules that follow from them."""

    name: str
    address: str  # "phone", "email" or "thread" (a live chat session)
    body_limit: int = 100_000
    window: timedelta | None = None  # free-form replies only this long after they wrote
    sender_is_agent: bool = False  # the customer sees the agent's name as the sender
    stop_footer: bool = False  # a collections text carries "Reply STOP to opt out."
    time_barred_notice: bool = False  # written: a time-barred debt's message says so
    rings: bool = False  # a call: do-not-call and the weekly call limits apply
    opt_out_noun: str = ""  # what they opted out of, in a refusal ("calls", "email")
    opt_out_outcome: str = "nothing was sent"
    opt_out_error: type[DomainError] = Conflict
    # A send cut off mid-way is sent again (email: the same Message-ID lets mail clients see
    # one message), not failed for an agent to check.
    resend_interrupted: bool = False
    # Files a message can carry: their content types (none: no files) and total size.
    attachment_types: frozenset[str] = frozenset()
    attachment_bytes: int = 0

    @property
    def opted_out_of(self) -> str:
        """What a customer who opted out of this medium no longer gets."""
        return self.opt_out_noun or f"{self.name} messages"


# The email API has always answered 403 to an opted-out address.
# What a composer may attach to an email (crm.messaging.uploads checks each file on upload).
DOCUMENTS = frozenset({
    "image/jpeg", "image/png", "image/gif", "image/webp", "application/pdf", "text/plain",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
})
EMAIL = Medium("email", "email", time_barred_notice=True, opt_out_noun="email",
               opt_out_outcome="choose another channel", opt_out_error=Forbidden,
               resend_interrupted=True, attachment_types=DOCUMENTS,
               attachment_bytes=10 * 1024 * 1024)
VOICE = Medium("voice", "phone", rings=True, opt_out_noun="calls",
               opt_out_outcome="no call was made")

_media: dict[str, Medium] = {m.name: m for m in (EMAIL, VOICE)}


def register(medium: Medium) -> None:
    """Declare a medium's data (channels call this when their adapter registers)."""
    _media[medium.name] = medium


def describe(name: str) -> Medium:
    """The data of a medium; media nobody declared get generous defaults."""
    if name in _media:
        return _media[name]
    return Medium(name, "phone")
