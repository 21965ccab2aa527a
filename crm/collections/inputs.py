"""Checking what people type for collections: amounts in cents, ISO days, short text."""

from __future__ import annotations

from datetime import date

from crm.core.errors import Invalid

MAX_CENTS = 10**13  # a hundred billion: beyond any account, and within a BIGINT


def cents(value, name: str = "amount_cents", *, at_most: int | None = None) -> int:
    """A positive whole number of cents (not more than at_most), else Invalid."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise Invalid(f"{name} must be a whole number of cents above 0")
    if value > MAX_CENTS:
        raise Invalid(f"{name} is too large")
    if at_most is not None and value > at_most:
        raise Invalid(f"{name} is more than the balance ({at_most} cents)")
    return value


def day(value, name: str) -> date:
    """A calendar day given as a date or as ISO text (YYYY-MM-DD), else Invalid."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise Invalid(f"{name} must be a date as YYYY-MM-DD")


def choice(value, name: str, allowed) -> str:
    """One of the allowed words, else Invalid listing them."""
    if value not in allowed:
        raise Invalid(f"{name} must be one of {', '.join(allowed)}")
    return value


def text(value, name: str, at_most: int, *, required: bool = True) -> str | None:
    """Text with whitespace collapsed; Invalid when required and blank, or too long."""
    if value is not None and not isinstance(value, str):
        raise Invalid(f"{name} must be text")
    out = " ".join((value or "").split())
    if not out:
        if required:
            raise Invalid(f"{name} is required")
        return None
    if len(out) > at_most or "\x00" in out:
        raise Invalid(f"{name} must be at most {at_most} characters of text")
    return out
