"""Business hours per client and queue: what is open when, and what happens outside."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from console.api.core.blueprint import actor, api, bp
from console.core import database
from crm.hours import outside, settings
from crm.hours.schedule import DAYS
from crm.models import BusinessHours

TAGS = ["admin"]


class OutsideIn(BaseModel):
    """What callers and writers get outside hours (blank: the built-in wording)."""

    model_config = ConfigDict(extra="forbid")
    voice_announcement: str = Field("", max_length=settings.MAX_TEXT)
    voice_language: str = Field("en-US", max_length=16)
    message_auto_reply: str = Field("", max_length=settings.MAX_TEXT)


class HoursIn(BaseModel):
    """A client's hours (no queue_id) or one queue's, which override the client's."""

    model_config = ConfigDict(extra="forbid")
    client_id: int
    queue_id: int | None = None
    timezone: str = Field(max_length=64, description="IANA name, e.g. Europe/London")
    weekly: dict[str, list[list[str]]] = Field(
        description=f"Per day ({', '.join(DAYS)}): [[\"09:00\", \"17:00\"], …] in local time;"
                    " an end before its start runs past midnight")
    holidays: list[str] = Field(default_factory=list, max_length=400,
                                description="Dates closed all day, YYYY-MM-DD")
    outside: OutsideIn = Field(default_factory=OutsideIn)


class HoursQuery(BaseModel):
    """Whose hours."""

    client_id: int
    queue_id: int | None = None


class OutsideOut(BaseModel):
    """What happens outside hours."""

    voice_announcement: str
    voice_language: str
    message_auto_reply: str


class HoursOut(BaseModel):
    """Hours as set (configured false: none set here, so the client's, or always open)."""

    client_id: int
    queue_id: int | None
    configured: bool
    timezone: str
    weekly: dict
    holidays: list[str]
    outside: OutsideOut
    open_now: bool
    opens_at: datetime | None
    updated_at: datetime | None


def _out(client_id: int, queue_id: int | None, row: BusinessHours | None) -> HoursOut:
    shut = outside.closed_by(row) if row is not None else None
    said = row or BusinessHours(timezone="UTC", weekly={}, holidays=[], voice_announcement="",
                                voice_language="en-US", message_auto_reply="")
    return HoursOut(
        client_id=client_id, queue_id=queue_id, configured=row is not None,
        timezone=said.timezone, weekly=said.weekly, holidays=said.holidays,
        outside=OutsideOut(voice_announcement=said.voice_announcement,
                           voice_language=said.voice_language,
                           message_auto_reply=said.message_auto_reply),
        open_now=shut is None, opens_at=shut.opens_at if shut else None,
        updated_at=said.updated_at)


@api.route(bp, "/admin/hours", query=HoursQuery, response=HoursOut, tags=TAGS,
           errors=(403, 404),
           summary="A client's or a queue's business hours")
def get_hours(query: HoursQuery):
    """configured false when none are set there (the client's apply, or always open)."""
    session = database.session()
    row = settings.get(session, actor(), query.client_id, query.queue_id)
    out = _out(query.client_id, query.queue_id, row)
    session.commit()
    return out


@api.route(bp, "/admin/hours", "PUT", body=HoursIn, response=HoursOut, tags=TAGS,
           errors=(403, 404), summary="Set a client's or a queue's business hours")
def put_hours(body: HoursIn):
    """Replaces them whole; 422 names the field at fault (weekly.mon.0, timezone, …)."""
    session = database.session()
    row = settings.put(session, actor(), settings.HoursIn(
        client_id=body.client_id, queue_id=body.queue_id, timezone=body.timezone,
        weekly=body.weekly, holidays=body.holidays, **body.outside.model_dump()))
    out = _out(body.client_id, body.queue_id, row)
    session.commit()
    return out


@api.route(bp, "/admin/hours", "DELETE", query=HoursQuery, status=204, tags=TAGS,
           errors=(403, 404), summary="Remove a client's or a queue's business hours")
def delete_hours(query: HoursQuery):
    """A queue then follows its client's hours; a client without hours is always open."""
    session = database.session()
    settings.delete(session, actor(), query.client_id, query.queue_id)
    session.commit()
    return "", 204
