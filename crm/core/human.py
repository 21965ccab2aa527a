"""Money and days as people read them, for text the server writes (notes, summaries, tasks).

Such text is stored and read later by many people in many places, so it has no one reader's
locale: one fixed, unambiguous form ("USD 1,234.50", "8 Dec 2026"), never ISO or cents.
The console's own pages format for their reader in static/js/workspace/format.js.
"""

from __future__ import annotations

from datetime import date

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def money(cents: int, currency: str) -> str:
    """An amount as people read it: USD 1,234.50 (a reversal: -USD 25.00)."""
    sign = "-" if cents < 0 else ""
    return f"{sign}{currency} {abs(cents) / 100:,.2f}"


def day(value: date | str) -> str:
    """A calendar day as people write it, 8 Dec 2026 (a date or ISO text; else as given)."""
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"
