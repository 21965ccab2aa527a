"""Identifiers as rules compare them: the same bank account typed two ways has one key."""

from __future__ import annotations

import re

from crm.core.errors import Invalid
from crm.customers.identity import normalise_phone, search_key

_NOT_ALNUM = re.compile(r"[^0-9A-Z]")
_NOT_WORD = re.compile(r"[^\w]+")
# What an address says in many ways: "Street" and "St." are one word to a rule.
_ABBREVIATIONS = {"street": "st", "road": "rd", "avenue": "ave", "apartment": "apt",
                  "flat": "apt", "drive": "dr", "lane": "ln", "boulevard": "blvd",
                  "number": "no"}
# An identifier's kinds besides a claim's bank account (FraudIdentifier.kind), in words.
KINDS = {"bank_account": "bank account", "address": "address", "device": "device",
         "third_party_phone": "third party's phone", "third_party_name": "third party's name",
         "phone": "phone", "email": "email"}
# Compared by near-match (rapidfuzz), not only by equal keys.
FUZZY_KINDS = ("address", "third_party_name")


def bank_account_key(text: str | None) -> str | None:
    """The account with spaces, dashes, dots and case taken out (None when nothing is left)."""
    key = _NOT_ALNUM.sub("", (text or "").upper())
    return key or None


def address_key(text: str | None) -> str | None:
    """An address folded (case, accents, punctuation, common abbreviations) for comparing."""
    words = _NOT_WORD.sub(" ", search_key(text or "")).split()
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words) or None


def key_of(kind: str, text: str | None, region: str = "US") -> str | None:
    """The comparable key of an identifier of this kind (None when nothing usable is left)."""
    if kind == "bank_account":
        return bank_account_key(text)
    if kind == "address":
        return address_key(text)
    if kind == "third_party_name":
        return search_key(text or "") or None
    if kind == "third_party_phone":
        try:
            return normalise_phone(text or "", region)
        except Invalid:
            return None
    return (text or "").strip().lower() or None  # a device id: compared as given
