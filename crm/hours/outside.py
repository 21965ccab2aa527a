"""Outside business hours: is a queue open now, and the messages' one auto-reply per closure.

The router asks `closed_queues` before offering waiting work; the voice webhook and the chat
widget ask `closed`; inbound messages are answered by `auto_reply` as they queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core.errors import Invalid
from crm.customers import identity
from crm.email import sending
from crm.hours.schedule import LOOK_AHEAD_DAYS, Schedule, ScheduleError
from crm.messaging import outbound, texts
from crm.models import (
    BusinessHours,
    Case,
    ContactPoint,
    Interaction,
    RoutingQueue,
    utcnow,
)

ANNOUNCEMENT = ("Thank you for calling. We are closed at the moment. Please leave a message "
                "after the tone and we will call you back.")
AUTO_REPLY = "Thank you for your message. We are closed at the moment and will reply when we open."
AUTO_REPLY_KIND = "auto_reply"
AUTO_REPLIED_MEDIA = ("sms", "whatsapp", "email")
# Work of these media waits in its queue until it opens; calls and chats are turned away at
# the door (announcement and voicemail, the offline form) instead.
HELD_MEDIA = AUTO_REPLIED_MEDIA
OFFLINE_FORM = "offline_form"  # an interaction's meta key: left on the chat's offline form


@dataclass(frozen=True)
class Closed:
    """A queue closed now, and what callers and writers are told."""

    announcement: str
    language: str
    auto_reply: str
    since: datetime | None  # when this closed period began (None: not within a fortnight)
    opens_at: datetime | None


def _schedule(row: BusinessHours) -> Schedule | None:
    try:
        return Schedule.parse(row.timezone, row.weekly, row.holidays)
    except ScheduleError:  # stored before a rule tightened: never lock a line out for it
        return None


def _rows(session: Session, client_ids) -> dict[tuple[int, str | None], BusinessHours]:
    # Per (client, queue name or None for the client's own): one query for all the clients.
    found = {}
    for row, name in session.execute(
            select(BusinessHours, RoutingQueue.name)
            .outerjoin(RoutingQueue, RoutingQueue.id == BusinessHours.queue_id)
            .where(BusinessHours.client_id.in_(list(client_ids)))):
        found[(row.client_id, name)] = row
    return found


def _applying(rows: dict, client_id: int, queue: str) -> BusinessHours | None:
    # A queue's own hours override its client's; neither set means always open.
    return rows.get((client_id, queue)) or rows.get((client_id, None))


def closed(session: Session, client_id: int, queue: str,
           now: datetime | None = None) -> Closed | None:
    """How the queue stands now: None when open (or no hours are set), else Closed."""
    return _closed_in(_rows(session, [client_id]), client_id, queue, now or utcnow())


def _closed_in(rows: dict, client_id: int, queue: str, now: datetime) -> Closed | None:
    row = _applying(rows, client_id, queue)
    return closed_by(row, now) if row is not None else None


def closed_by(row: BusinessHours, now: datetime | None = None) -> Closed | None:
    """How one row of hours stands now: None when open, else Closed."""
    now = now or utcnow()
    schedule = _schedule(row)
    if schedule is None or schedule.is_open(now):
        return None
    return Closed(announcement=row.voice_announcement or ANNOUNCEMENT,
                  language=row.voice_language or "en-US",
                  auto_reply=row.message_auto_reply or AUTO_REPLY,
                  since=schedule.closed_since(now), opens_at=schedule.opens_at(now))


def closed_queues(session: Session, pairs, now: datetime | None = None
                  ) -> set[tuple[int, str]]:
    """Of (client id, queue name) pairs, those closed now (the router leaves their work)."""
    now = now or utcnow()
    pairs = set(pairs)
    if not pairs:
        return set()
    rows = _rows(session, {c for c, _ in pairs})
    shut = set()
    for client_id, queue in pairs:
        row = _applying(rows, client_id, queue)
        schedule = _schedule(row) if row is not None else None
        if schedule is not None and not schedule.is_open(now):
            shut.add((client_id, queue))
    return shut


def auto_reply(session: Session, items: list[Interaction],
               now: datetime | None = None) -> list[Interaction]:
    """Answer inbound messages that arrive while their queue is closed, once per
    conversation (case and medium) per closed period; returns the replies queued."""
    now = now or utcnow()
    items = [i for i in items if i.medium in AUTO_REPLIED_MEDIA and not _not_to_answer(i)]
    rows = _rows(session, {i.client_id for i in items}) if items else {}
    sent = []
    for item in items if rows else ():  # no hours set anywhere: always open, no reply
        shut = _closed_in(rows, item.client_id, (item.meta or {}).get("queue") or "general",
                          now)
        if shut is None or _answered_since(session, item, shut.since or now - timedelta(
                days=LOOK_AHEAD_DAYS)):
            continue
        to = _reachable(session, item)
        if to is None:
            continue
        case = session.get(Case, item.case_id)
        if item.medium == "email":  # threaded on the customer's mail, marked automatic
            sent.append(sending.queue_auto_reply(session, case, item, shut.auto_reply,
                                                 kind=AUTO_REPLY_KIND))
            continue
        sent.append(outbound.queue_system(session, case, medium=item.medium, to=to,
                                          body=shut.auto_reply,
                                          sender=outbound.reply_address(item),
                                          kind=AUTO_REPLY_KIND))
    return sent


def _not_to_answer(item: Interaction) -> bool:
    # Never answer an auto-reply (mail loops), nor a STOP or START (it has its own answer).
    return bool((item.meta or {}).get("auto_reply")) or texts.keyword(item.body or "") is not None


def _answered_since(session: Session, item: Interaction, since: datetime) -> bool:
    replies = session.scalars(select(Interaction.meta).where(
        Interaction.case_id == item.case_id, Interaction.medium == item.medium,
        Interaction.direction == "outbound", Interaction.occurred_at >= since)
        .order_by(Interaction.occurred_at.desc()).limit(50))
    return any((meta or {}).get("kind") == AUTO_REPLY_KIND for meta in replies)


def _reachable(session: Session, item: Interaction) -> str | None:
    # The sender's own contact point, unless they opted out of this medium.
    try:
        kind, value = identity.normalise_contact(item.from_addr or "")
    except Invalid:  # an address we cannot read gets no reply
        return None
    point = session.scalars(select(ContactPoint).where(
        ContactPoint.client_id == item.client_id, ContactPoint.kind == kind,
        ContactPoint.value == value)).first()
    if point is None or item.medium in (point.opt_outs or {}):
        return None
    return value
