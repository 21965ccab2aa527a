"""The audit viewer: search the trail by actor, case, customer, action and period, a page at
a time (keyset, newest first), or export it as CSV for a regulator. Admins read every client's
events, client admins only their clients'; every read is itself written to the trail."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, sessionmaker

from crm.core import audit
from crm.core.db import session_scope
from crm.core.errors import Forbidden, Invalid
from crm.models import AuditEvent, Case, User

PAGE = 50
EXPORT_PAGE = 1000
CLIENT_ADMIN = "client_admin"
CSV_COLUMNS = ("at", "actor_id", "actor_name", "actor_email", "action", "object_type",
               "object_id", "client_id", "case_id", "customer_id", "before", "after")


@dataclass(frozen=True)
class Filters:
    """What to look for; None is anything. actor: a user id or an email address."""

    actor: str | None = None
    case: int | None = None
    customer: int | None = None
    action: str | None = None
    since: str | None = None
    until: str | None = None


@dataclass(frozen=True)
class Entry:
    """One audit event as the viewer shows it."""

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    actor_email: str
    action: str
    client_id: int | None
    case_id: int | None
    customer_id: int | None
    detail: dict


def _ensure_reader(actor: User) -> set[int] | None:
    # None: every client's events (admin); else the client admin's own clients.
    roles = actor.roles or ()
    if "admin" in roles:
        return None
    if CLIENT_ADMIN in roles:
        return set(actor.client_ids)
    raise Forbidden("the audit trail is for admins and client admins")


def _moment(name: str, text: str | None, *, end: bool) -> datetime | None:
    # A date (the whole day: an `until` date includes it) or an ISO-8601 time (UTC if naive).
    if not text:
        return None
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1 if end else 0), time(0), tzinfo=UTC)
        at = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"{name}: {text!r} is not a date (2026-12-07) or a time "
                      "(2026-12-07T09:30:00Z)", code="invalid_filter") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _query(session: Session, clients: set[int] | None, f: Filters) -> Select:
    ev = AuditEvent
    stmt = (select(ev, User.name, Case.customer_id)
            .outerjoin(User, User.id == ev.actor_id)
            .outerjoin(Case, Case.id == ev.case_id))
    if clients is not None:
        stmt = stmt.where(ev.client_id.in_(clients))
    if f.actor:
        text = f.actor.strip()
        stmt = stmt.where(ev.actor_id == int(text) if text.isdigit()
                          else ev.actor_label == text.lower())
    if f.case is not None:
        # Events written before cases were kept on the trail still name their case object.
        stmt = stmt.where(or_(ev.case_id == f.case, and_(ev.object_type == "case",
                                                         ev.object_id == str(f.case))))
    if f.customer is not None:
        stmt = stmt.where(or_(ev.customer_id == f.customer, Case.customer_id == f.customer,
                              and_(ev.object_type == "customer",
                                   ev.object_id == str(f.customer))))
    if f.action:
        action = f.action.strip()
        stmt = stmt.where(ev.action.startswith(action[:-1], autoescape=True)
                          if action.endswith("*") else ev.action == action)
    since, until = _moment("since", f.since, end=False), _moment("until", f.until, end=True)
    if since and until and until <= since:
        raise Invalid("until: must be after since", code="invalid_filter")
    if since:
        stmt = stmt.where(ev.at >= since)
    if until:
        stmt = stmt.where(ev.at < until)
    return stmt.order_by(ev.at.desc(), ev.id.desc())


def _entry(row) -> Entry:
    ev, name, case_customer = row
    return Entry(id=ev.id, at=ev.at, actor_id=ev.actor_id,
                 actor_name=name or ("System" if ev.actor_id is None else ev.actor_label),
                 actor_email=ev.actor_label, action=ev.action, client_id=ev.client_id,
                 case_id=ev.case_id, customer_id=ev.customer_id or case_customer,
                 detail={"object_type": ev.object_type, "object_id": ev.object_id,
                         "before": ev.before, "after": ev.after})


def _cursor(page: str | None) -> tuple[datetime, int] | None:
    # The opaque next_page of the page before: "<ISO time>~<id>" of its last event.
    if not page:
        return None
    at, sep, ident = page.rpartition("~")
    try:
        when = datetime.fromisoformat(at)
        if not sep or not ident.isdigit() or when.tzinfo is None:
            raise ValueError
    except ValueError:
        raise Invalid("page: not a page this search gave (start again without it)",
                      code="invalid_filter") from None
    return when, int(ident)


def _after(stmt: Select, cursor: tuple[datetime, int] | None) -> Select:
    if cursor is None:
        return stmt
    at, ident = cursor
    ev = AuditEvent
    return stmt.where(or_(ev.at < at, and_(ev.at == at, ev.id < ident)))


def search(session: Session, actor: User, f: Filters, page: str | None = None,
           limit: int = PAGE) -> tuple[list[Entry], str | None]:
    """A page of events, newest first, and the next page's token (None at the end); the
    search itself is audited as `audit.read`."""
    clients = _ensure_reader(actor)
    stmt = _after(_query(session, clients, f), _cursor(page))
    rows = session.execute(stmt.limit(limit + 1)).all()
    items = [_entry(r) for r in rows[:limit]]
    more = len(rows) > limit
    next_page = f"{items[-1].at.isoformat()}~{items[-1].id}" if more and items else None
    _note(session, actor, "audit.read", f, page=page, returned=len(items))
    return items, next_page


def start_export(session: Session, actor: User, f: Filters) -> None:
    """Check the reader and filters and audit the export (`audit.export`) before it streams."""
    _query(session, _ensure_reader(actor), f)  # a bad filter is refused before any row
    _note(session, actor, "audit.export", f)


def export_csv(factory: sessionmaker[Session], actor_id: int, f: Filters,
               page: int = EXPORT_PAGE) -> Iterator[str]:
    """The matching events as CSV text, a page at a time (keyset), newest first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    cursor = None
    while True:
        with session_scope(factory) as session:
            actor = session.get(User, actor_id)
            stmt = _after(_query(session, _ensure_reader(actor), f), cursor)
            found = [_entry(r) for r in session.execute(stmt.limit(page)).all()]
        for e in found:
            writer.writerow([_cell(v) for v in (
                e.at.isoformat(), e.actor_id, e.actor_name, e.actor_email, e.action,
                e.detail["object_type"], e.detail["object_id"], e.client_id, e.case_id,
                e.customer_id, _json(e.detail["before"]), _json(e.detail["after"]))])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        if len(found) < page:
            return
        cursor = (found[-1].at, found[-1].id)


def _json(value) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, default=str)


def _cell(value) -> str:
    # A spreadsheet runs a cell that starts like a formula: such text is quoted with '.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _note(session: Session, actor: User, action: str, f: Filters, **extra) -> None:
    # Reading the trail is on the trail: who looked, for what.
    audit.record(session, actor, action, object_type="audit_trail", object_id="search",
                 after={**{k: v for k, v in asdict(f).items() if v is not None}, **extra})
