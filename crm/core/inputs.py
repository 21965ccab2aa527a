"""Checking what people type on a form: amounts in cents, ISO days, choices, short text.

Shared by collections and claims. Messages name the field as the person filling the form
knows it ("The payment", "The loss date"), and amounts as the console shows them
(USD 1,234.50), never in cents.
"""

from __future__ import annotations

from datetime import date

from crm.core.errors import Invalid
from crm.core.human import money as money  # callers name amounts through here too

MAX_CENTS = 10**13  # a hundred billion: beyond any account, and within a BIGINT


def cents(value, what: str = "The amount", *, at_most: int | None = None,
          currency: str = "USD") -> int:
    """A positive whole number of cents (not more than at_most), else Invalid."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise Invalid(f"{what} must be an amount above {money(0, currency)}")
    if value > MAX_CENTS:
        raise Invalid(f"{what} is too large")
    if at_most is not None and value > at_most:
        raise Invalid(f"{what} is more than the balance ({money(at_most, currency)})")
    return value


def day(value, what: str) -> date:
    """A calendar day given as a date or as ISO text (YYYY-MM-DD), else Invalid."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise Invalid(f"{what} must be a valid date (YYYY-MM-DD)")


def choice(value, what: str, allowed) -> str:
    """One of the allowed words, else Invalid listing them (as people read them)."""
    if value not in allowed:
        words = ", ".join(a.replace("_", " ") for a in allowed)
        raise Invalid(f"{what} must be one of: {words}")
    return value


def text(value, what: str, at_most: int, *, required: bool = True) -> str | None:
    """Text with whitespace collapsed; Invalid when required and blank, or too long."""
    if value is not None and not isinstance(value, str):
        raise Invalid(f"{what} must be text")
    out = " ".join((value or "").split())
    if not out:
        if required:
            raise Invalid(f"{what} is required")
        return None
    if len(out) > at_most or "\x00" in out:
        raise Invalid(f"{what} can have at most {at_most} characters")
    return out
