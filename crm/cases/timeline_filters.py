"""A case's timeline narrowed: by medium, by words in it (searched on the server), from a date.

Pages by the same keyset cursors as crm.cases.timeline, so a filtered list scrolls, catches
up after a reconnect and jumps to a date the same way the whole one does. Entries of a fraud
investigation the reader may not see never match words: their text is not theirs to search.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.cases.timeline import MAX_PAGE, Page, decode_cursor, encode_cursor
from crm.core.errors import Invalid
from crm.fraud import visibility
from crm.models import Interaction, User
from crm.models.timeline import MEDIA

MAX_TEXT = 200


@dataclass(frozen=True)
class Narrowing:
    """What a page of the timeline is narrowed to; all empty is the whole timeline."""

    media: tuple[str, ...] = ()
    text: str = ""
    until: datetime | None = None

    def __bool__(self) -> bool:
        return bool(self.media or self.text or self.until)


def narrowing(media: str | None = None, text: str | None = None,
              until: str | None = None) -> Narrowing:
    """A Narrowing from what the reader typed, or Invalid naming what is wrong.

    media: comma-separated media; until: a date (its whole day, UTC) or a zoned date-time.
    """
    chosen = tuple(dict.fromkeys(m.strip() for m in (media or "").split(",") if m.strip()))
    unknown = [m for m in chosen if m not in MEDIA]
    if unknown:
        raise Invalid(f"medium must be among {', '.join(MEDIA)}")
    words = " ".join((text or "").split())
    if len(words) > MAX_TEXT:
        raise Invalid(f"search text is at most {MAX_TEXT} characters")
    return Narrowing(chosen, words, _moment(until) if until else None)


def _moment(text: str) -> datetime:
    text = text.strip()
    try:
        if len(text) == 10:  # a day: everything up to its end
            day = date.fromisoformat(text)
            return datetime.combine(day, time(), tzinfo=UTC) + timedelta(days=1, microseconds=-1)
        at = datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        raise Invalid("until: give a date (2025-01-31) or a date-time with its offset") from None
    if at.tzinfo is None:
        raise Invalid("until: a date-time needs its offset (Z or +02:00)")
    return at.astimezone(UTC)


def page(session: Session, actor: User, case_id: int, how: Narrowing, *, limit: int = 50,
         before: str | None = None, after: str | None = None) -> Page:
    """A page of the narrowed timeline: newest first (before), or oldest first (after)."""
    cases.get(session, actor, case_id, audit_view=after is None)
    if not 1 <= limit <= MAX_PAGE:
        raise Invalid(f"limit must be between 1 and {MAX_PAGE}")
    if before and after:
        raise Invalid("give either before or after, not both")
    key = tuple_(Interaction.occurred_at, Interaction.id)
    stmt = select(Interaction).where(Interaction.case_id == case_id)
    if how.media:
        stmt = stmt.where(Interaction.medium.in_(how.media))
    if how.text:
        stmt = stmt.where(_matches(how.text))
        if not visibility.may_see_case(session, actor, case_id):
            stmt = stmt.where(Interaction.meta[visibility.VEILED_BY].as_string().is_(None))
    if how.until:
        stmt = stmt.where(Interaction.occurred_at <= _typed(how.until))
    if after:
        when, ident = decode_cursor(after)
        stmt = stmt.where(key > tuple_(_typed(when), ident)).order_by(
            Interaction.occurred_at, Interaction.id)
    else:
        if before:
            when, ident = decode_cursor(before)
            stmt = stmt.where(key < tuple_(_typed(when), ident))
        stmt = stmt.order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
    rows = list(session.scalars(stmt.limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1]) if more and rows else None)


def _typed(when: datetime):
    return literal(when, Interaction.occurred_at.type)  # stored as UTC on SQLite


def _matches(text: str):
    """Every word in the body or the subject, any case (LIKE's wildcards taken literally)."""
    clauses = []
    for word in text.lower().split():
        clauses.append(or_(func.lower(Interaction.body).contains(word, autoescape=True),
                           func.lower(func.coalesce(Interaction.subject, "")).contains(
                               word, autoescape=True)))
    return and_(*clauses)
