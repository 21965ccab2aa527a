"""Identifiers as rules compare them: the same bank account typed two ways has one key."""

from __future__ import annotations

import re

_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def bank_account_key(text: str | None) -> str | None:
    """The account with spaces, dashes, dots and case taken out (None when nothing is left)."""
    key = _NOT_ALNUM.sub("", (text or "").upper())
    return key or None
