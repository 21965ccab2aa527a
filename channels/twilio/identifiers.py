"""Twilio's identifiers as Twilio writes them, checked on every signed webhook.

Twilio signs the URL and the parameters concatenated as name+value with no separator, so
the same signature covers other splits of the same characters; a captured request re-split
into, say, a new MessageSid would pass the signature and land as a new message. Requiring
each identifier's exact form (two letters, 32 hex digits; NumMedia a small number) leaves
no room for that.
"""

from __future__ import annotations

import re

from werkzeug.datastructures import MultiDict

from channels.payloads import BadInput

_SID = re.compile(r"[0-9a-fA-F]{32}")
# Parameter -> the prefixes its SIDs carry (SM: a message, MM: one with media).
PREFIXES = {
    "MessageSid": ("SM", "MM"), "SmsMessageSid": ("SM", "MM"), "SmsSid": ("SM", "MM"),
    "AccountSid": ("AC",), "CallSid": ("CA",), "ParentCallSid": ("CA",),
    "RecordingSid": ("RE",),
}
MAX_MEDIA = 10  # Twilio attaches at most ten files to a message


def is_sid(value: str, prefixes: tuple[str, ...]) -> bool:
    """True when value is a SID with one of these prefixes."""
    return len(value) == 34 and value[:2] in prefixes and _SID.fullmatch(value[2:]) is not None


def check(form: MultiDict) -> None:
    """Refuse (BadInput, a 400) a webhook whose identifiers are not in Twilio's form."""
    for name, prefixes in PREFIXES.items():
        values = form.getlist(name)
        if len(values) > 1 or any(not is_sid(v, prefixes) for v in values):
            raise BadInput(f"{name} is not a Twilio {'/'.join(prefixes)} SID")
    media = form.getlist("NumMedia")
    if len(media) > 1 or any(not (v.isascii() and v.isdigit() and int(v) <= MAX_MEDIA)
                             for v in media):
        raise BadInput(f"NumMedia must be a number from 0 to {MAX_MEDIA}")
