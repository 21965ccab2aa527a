"""Reading and setting a client's or a queue's business hours (admins; client admins of it)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core import audit
from crm.core.errors import Forbidden, Invalid, NotFound
from crm.hours.schedule import Schedule, ScheduleError
from crm.models import BusinessHours, Client, RoutingQueue, User

CLIENT_ADMIN = "client_admin"
MAX_TEXT = 1000
SNAPSHOT = ("timezone", "weekly", "holidays", "voice_announcement", "voice_language",
            "message_auto_reply")


@dataclass(frozen=True)
class HoursIn:
    """Hours to set, as the API takes them."""

    client_id: int
    timezone: str
    weekly: dict
    holidays: list = field(default_factory=list)
    queue_id: int | None = None
    voice_announcement: str = ""
    voice_language: str = "en-US"
    message_auto_reply: str = ""


def may_manage(actor: User, client_id: int) -> bool:
    """Admins manage every client's hours; a client admin only their own clients'."""
    if "admin" in (actor.roles or ()):
        return True
    return CLIENT_ADMIN in (actor.roles or ()) and client_id in actor.client_ids


def _ensure_manager(session: Session, actor: User, client_id: int) -> Client:
    if not ("admin" in (actor.roles or ()) or CLIENT_ADMIN in (actor.roles or ())):
        raise Forbidden("business hours are for admins and client admins")
    client = session.get(Client, client_id)
    if client is None or not may_manage(actor, client_id):
        raise NotFound("client not found")
    return client


def _queue(session: Session, client_id: int, queue_id: int | None) -> RoutingQueue | None:
    if queue_id is None:
        return None
    queue = session.get(RoutingQueue, queue_id)
    # A queue of this client, or a shared one (its hours then hold for this client only).
    if queue is None or queue.client_id not in (None, client_id):
        raise NotFound("queue not found")
    return queue


def scope_of(queue_id: int | None) -> str:
    """The unique key of a row within its client."""
    return "client" if queue_id is None else f"queue:{queue_id}"


def get(session: Session, actor: User, client_id: int,
        queue_id: int | None = None) -> BusinessHours | None:
    """The hours set for the client (or exactly that queue); None when none are."""
    _ensure_manager(session, actor, client_id)
    _queue(session, client_id, queue_id)
    return _row(session, client_id, queue_id)


def _row(session: Session, client_id: int, queue_id: int | None) -> BusinessHours | None:
    return session.scalars(select(BusinessHours).where(
        BusinessHours.client_id == client_id,
        BusinessHours.scope == scope_of(queue_id))).first()


def put(session: Session, actor: User, given: HoursIn) -> BusinessHours:
    """Create or replace the hours of a client or queue; checked whole first, then audited."""
    _ensure_manager(session, actor, given.client_id)
    _queue(session, given.client_id, given.queue_id)
    try:
        Schedule.parse(given.timezone, given.weekly, given.holidays)
    except ScheduleError as exc:
        raise Invalid(f"{exc.field}: {exc.message}", code="invalid_hours") from None
    values = {"timezone": given.timezone, "weekly": _normalised(given.weekly),
              "holidays": sorted(set(map(str, given.holidays))),
              "voice_announcement": _text("outside.voice_announcement",
                                          given.voice_announcement),
              "voice_language": _language(given.voice_language),
              "message_auto_reply": _text("outside.message_auto_reply",
                                          given.message_auto_reply)}
    row = _row(session, given.client_id, given.queue_id)
    before = audit.snapshot(row, SNAPSHOT) if row is not None else None
    if row is None:
        row = BusinessHours(client_id=given.client_id, queue_id=given.queue_id,
                            scope=scope_of(given.queue_id))
        session.add(row)
    for key, value in values.items():
        setattr(row, key, value)
    session.flush()
    audit.record(session, actor, "business_hours.set", row, before=before,
                 after={"queue_id": given.queue_id, **values})
    return row


def delete(session: Session, actor: User, client_id: int, queue_id: int | None) -> None:
    """Remove a queue's (or the client's) hours: the client's, or always open, apply again."""
    row = get(session, actor, client_id, queue_id)
    if row is None:
        raise NotFound("no hours are set there")
    audit.record(session, actor, "business_hours.deleted", row,
                 before=audit.snapshot(row, SNAPSHOT))
    session.delete(row)
    session.flush()


def _normalised(weekly: dict) -> dict:
    # Only days with intervals, each interval as a two-item list of "HH:MM".
    return {day: [[str(s), str(e)] for s, e in spans] for day, spans in weekly.items() if spans}


def _text(name: str, value: str) -> str:
    text = (value or "").strip()
    if len(text) > MAX_TEXT:
        raise Invalid(f"{name}: at most {MAX_TEXT} characters", code="invalid_hours")
    return text


def _language(value: str) -> str:
    # A BCP 47 tag such as en-US or fr-FR, as Twilio's <Say language> takes it.
    text = (value or "en-US").strip()
    parts = text.split("-")
    if not (1 <= len(parts) <= 3 and all(p.isalnum() and 2 <= len(p) <= 8 for p in parts)):
        raise Invalid(f"outside.voice_language: {text!r} is not a language like en-US",
                      code="invalid_hours")
    return text


def manageable(session: Session, actor: User) -> tuple[list[Client], list[RoutingQueue]]:
    """The clients whose hours the actor may set, and their queues (with shared ones)."""
    if "admin" not in (actor.roles or ()) and CLIENT_ADMIN not in (actor.roles or ()):
        raise Forbidden("business hours are for admins and client admins")
    clients = session.scalars(select(Client).where(Client.archived_at.is_(None))
                              .order_by(Client.name)).all()
    mine = [c for c in clients if may_manage(actor, c.id)]
    ids = [c.id for c in mine]
    queues = session.scalars(select(RoutingQueue).where(
        RoutingQueue.active.is_(True),
        RoutingQueue.client_id.is_(None) | RoutingQueue.client_id.in_(ids))
        .order_by(RoutingQueue.name)).all()
    return mine, list(queues)
