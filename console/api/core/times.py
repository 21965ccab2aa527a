"""Dates and times in request bodies: ISO 8601 text, read as such even by a strict parse."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator


def _datetime(value):
    # A strict parse takes no text for a datetime; JSON has no other way to send one.
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise ValueError("must be a date and time (ISO 8601)") from None
    return value


def _date(value):
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError("must be a date (YYYY-MM-DD)") from None
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_datetime)]
IsoDate = Annotated[date, BeforeValidator(_date)]
