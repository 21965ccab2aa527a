"""The case timeline: recording interactions idempotently and reading them by keyset."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import inspect, literal, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from crm.cases import records as cases
from crm.core import audit, db, events
from crm.core.errors import Invalid
from crm.fraud import visibility
from crm.models import Case, Interaction, User, utcnow
from crm.models.timeline import DIRECTIONS, MEDIA

MAX_NOTE = 20_000
# A note someone wrote (what they were told or found) is "saved"; one the system writes about
# what just happened (a claim moved, a payment taken, sign-off asked) is "logged", so whatever
# reads notes for facts people stated can leave the system's own words out.
WRITTEN = "saved"
LOGGED = "logged"
MAX_PAGE = 200
# The idempotency key of a provider's message or call (the table's unique constraint).
PROVIDER_KEY = ["client_id", "medium", "provider_id"]
_ID = re.compile(r"[0-9]{1,19}")  # ASCII digits only: int() also reads other scripts' digits


def record(session: Session, case: Case, *, medium: str, direction: str, **fields) -> tuple[
    Interaction, bool
]:
    """Add an interaction to a case, or return the existing one for the same provider id."""
    if medium not in MEDIA or direction not in DIRECTIONS:
        raise Invalid(f"unknown medium/direction {medium}/{direction}")
    provider_id = fields.get("provider_id")
    values = dict(client_id=case.client_id, case_id=case.id, medium=medium, direction=direction,
                  **fields)
    if provider_id:
        try:
            item = db.insert_unless_exists(session, Interaction, values, PROVIDER_KEY)
        except NotImplementedError:
            item = _insert_checked(session, values)
        if item is None:
            # A redelivery (or a concurrent retry that won the insert): the stored one stands.
            return _by_provider(session, case.client_id, medium, provider_id), False
    else:
        item = Interaction(**values)
        with session.begin_nested():
            session.add(item)
    _created(session, case, item)
    return item, True


def record_many(session: Session, rows: list[tuple[Case, dict]]) -> list[tuple[
        Interaction, bool]]:
    """record() for provider messages (each with a provider_id) arriving together: one INSERT
    for all of them; a redelivery, or a repeat among rows, returns the stored one."""
    if not rows:
        return []
    values = []
    for case, fields in rows:
        if fields["medium"] not in MEDIA or fields["direction"] not in DIRECTIONS:
            raise Invalid(f"unknown medium/direction {fields['medium']}/{fields['direction']}")
        values.append(dict(client_id=case.client_id, case_id=case.id, **fields))
    try:
        stmt = db.insert_unless_exists_statement(session, Interaction, PROVIDER_KEY)
    except NotImplementedError:
        return [record(session, case, **fields) for case, fields in rows]
    session.flush()  # what the insert may refer to is in the database first (as autoflush)
    stored = {}
    # Many rows, one round trip; in key order, so two batches holding the same redelivered
    # message cannot deadlock on its unique key.
    ordered = sorted(values, key=lambda v: (v["client_id"], v["medium"], v["provider_id"]))
    for row in session.connection().execute(stmt, ordered):
        item = db.adopt(session, Interaction, row)
        stored[(item.client_id, item.medium, item.provider_id)] = item
    out = []
    for (case, _), v in zip(rows, values, strict=True):
        item = stored.pop((v["client_id"], v["medium"], v["provider_id"]), None)
        if item is None:
            out.append((_by_provider(session, v["client_id"], v["medium"], v["provider_id"]),
                        False))
            continue
        _created(session, case, item)
        out.append((item, True))
    return out


def _created(session: Session, case: Case, item: Interaction) -> None:
    _touch(case, item)
    # medium and direction let routing skip events it does not route without a query.
    events.emit(session, events.INTERACTION_CREATED, interaction_id=item.id, case_id=case.id,
                client_id=case.client_id, medium=item.medium, direction=item.direction)


def _touch(case: Case, item: Interaction) -> None:
    # The INSERT has moved the case's last activity forward in the database (the trigger
    # interactions_touch_case, migration 0009: one round trip fewer per contact); the case
    # object the session holds is told the same, as if it had been read again.
    if item.occurred_at <= case.last_activity_at:
        return
    if inspect(case).attrs.last_activity_at.history.has_changes():
        case.last_activity_at = item.occurred_at  # an unflushed change stands in line
        return
    set_committed_value(case, "last_activity_at", item.occurred_at)
    set_committed_value(case, "updated_at", item.created_at)


def _insert_checked(session, values) -> Interaction | None:
    # Where INSERT .. ON CONFLICT is unavailable: look first, then insert under a savepoint.
    if _by_provider(session, values["client_id"], values["medium"], values["provider_id"]):
        return None
    item = Interaction(**values)
    try:
        with session.begin_nested():
            session.add(item)
    except IntegrityError:
        # A concurrent retry of the same provider message won the insert: theirs stands.
        if _by_provider(session, values["client_id"], values["medium"], values["provider_id"]):
            return None
        raise
    return item


def _by_provider(session, client_id, medium, provider_id) -> Interaction | None:
    return session.scalars(
        select(Interaction).where(
            Interaction.client_id == client_id,
            Interaction.medium == medium,
            Interaction.provider_id == provider_id,
        )
    ).first()


def add_note(session: Session, actor: User, case_id: int, body: str) -> Interaction:
    """An internal note by a member of staff on a case."""
    text = (body or "").strip()
    if not text:
        raise Invalid("a note needs some text")
    if len(text) > MAX_NOTE:
        raise Invalid(f"a note can have at most {MAX_NOTE} characters")
    case = cases.get(session, actor, case_id, audit_view=False)
    # The fraud team's note on a case under investigation is the investigation's: veiled
    # from everyone who may not see it, exactly like a note on the investigation itself.
    veil = visibility.note_veil(session, actor, case.id)
    item, _ = record(session, case, medium="note", direction="internal", status=WRITTEN,
                     body=text, agent_id=actor.id, occurred_at=utcnow(),
                     meta={visibility.VEILED_BY: veil, "step": "note"} if veil else {})
    audit.record(session, actor, "note.added", item, client_id=case.client_id,
                 after={"case_id": case.id})
    return item


@dataclass(frozen=True)
class Page:
    """One page of a timeline, newest first, and the cursor for the next (older) page."""

    items: list[Interaction]
    next_cursor: str | None


def encode_cursor(item: Interaction) -> str:
    """An opaque cursor pointing just after this item."""
    raw = f"{item.occurred_at.isoformat()}|{item.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    """(occurred_at in UTC, id) from a cursor, or Invalid: only what encode_cursor makes
    passes (a zoned time that is a time in UTC, an id a row can have)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        when, _, ident = base64.urlsafe_b64decode(padded.encode()).decode().partition("|")
        at = datetime.fromisoformat(when)
        if at.tzinfo is None or not _ID.fullmatch(ident) or not 0 < int(ident) <= db.MAX_ID:
            raise ValueError(cursor)
        return at.astimezone(UTC), int(ident)
    except (ValueError, OverflowError, binascii.Error, UnicodeDecodeError) as exc:
        raise Invalid("malformed cursor") from exc


def page(session: Session, actor: User, case_id: int, *, limit: int = 50,
         before: str | None = None) -> Page:
    """A page of a case's timeline by keyset on (occurred_at, id): stable while items arrive."""
    cases.get(session, actor, case_id)
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE}")
    stmt = select(Interaction).where(Interaction.case_id == case_id)
    if before:
        when, ident = decode_cursor(before)
        # A row-value comparison lets SQLite and PostgreSQL seek the (case, time, id) index
        # straight to the cursor; the equivalent OR form scans every newer item first.
        at = literal(when, Interaction.occurred_at.type)  # typed: stored as UTC on SQLite
        stmt = stmt.where(tuple_(Interaction.occurred_at, Interaction.id) < tuple_(at, ident))
    stmt = stmt.order_by(Interaction.occurred_at.desc(), Interaction.id.desc()).limit(limit + 1)
    rows = list(session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1]) if more and rows else None)


def page_after(session: Session, actor: User, case_id: int, after: str, *,
               limit: int = 50) -> Page:
    """Items newer than a cursor, OLDEST first (catching up after a reconnect); keyset too."""
    cases.get(session, actor, case_id, audit_view=False)
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE}")
    when, ident = decode_cursor(after)
    stmt = (select(Interaction).where(
        Interaction.case_id == case_id,
        tuple_(Interaction.occurred_at, Interaction.id)
        > tuple_(literal(when, Interaction.occurred_at.type), ident))
        .order_by(Interaction.occurred_at, Interaction.id).limit(limit + 1))
    rows = list(session.scalars(stmt))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1]) if more and rows else None)
