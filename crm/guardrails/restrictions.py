"""Times and places the debtor named as inconvenient, and their spoken "don't call me".

Agents record what the debtor says (12 CFR 1006.6(b)(1): a collector may not contact a
consumer at a time or place it knows or should know is inconvenient); the guardrail reads it.
"""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.core import audit, events
from crm.core.errors import Conflict, Invalid
from crm.customers import details
from crm.models import Case, ContactPoint, ContactRestriction, Customer, User
from crm.tenancy import access

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SOURCES = ("spoken", "written")
MAX_NOTE = 500


def add(session: Session, actor: User, customer_id: int, *, days: list[str] | None = None,
        starts: time | None = None, ends: time | None = None,
        contact_point_id: int | None = None, note: str = "",
        source: str = "spoken") -> ContactRestriction:
    """Record a time window (on some weekdays) or a place (a contact point) not to use."""
    customer = cases.get_customer(session, actor, customer_id)
    days = list(dict.fromkeys(d.lower() for d in days or ()))
    if set(days) - set(DAYS):
        raise Invalid(f"days must be some of {', '.join(DAYS)}")
    if source not in SOURCES:
        raise Invalid(f"source must be one of {', '.join(SOURCES)}")
    if starts is not None and starts == ends:
        raise Invalid("the window starts when it ends: give a later end, or none")
    if contact_point_id is not None:
        point = session.get(ContactPoint, contact_point_id)
        if point is None or point.customer_id != customer.id:
            raise Invalid("that contact point is not this customer's")
    elif not (days or starts or ends):
        # A restriction on every contact point at every time is a request to stop contact.
        raise Invalid("name a time, a day or a contact point; to stop all contact record a "
                      "cease request")
    note = (note or "").strip()
    if len(note) > MAX_NOTE:
        raise Invalid(f"a note can have at most {MAX_NOTE} characters")
    row = ContactRestriction(client_id=customer.client_id, customer_id=customer.id,
                             contact_point_id=contact_point_id,
                             days=[DAYS.index(d) for d in days], starts=starts, ends=ends,
                             note=note, source=source, recorded_by_id=actor.id)
    session.add(row)
    session.flush()
    audit.record(session, actor, "contact_restriction.added", row, after=_snapshot(row))
    events.emit(session, events.CUSTOMER_UPDATED, customer_id=customer.id)
    return row


def remove(session: Session, actor: User, restriction_id: int) -> None:
    """The debtor said the time or place is fine after all; audited."""
    row = access.ensure_visible(actor, session.get(ContactRestriction, restriction_id),
                                "restriction")
    cases.get_customer(session, actor, row.customer_id)
    audit.record(session, actor, "contact_restriction.removed", row, before=_snapshot(row))
    events.emit(session, events.CUSTOMER_UPDATED, customer_id=row.customer_id)
    session.delete(row)
    session.flush()


def for_customer(session: Session, actor: User, customer_id: int) -> list[ContactRestriction]:
    """The customer's restrictions, oldest first."""
    customer = cases.get_customer(session, actor, customer_id)
    return list(session.scalars(select(ContactRestriction).where(
        ContactRestriction.customer_id == customer.id).order_by(ContactRestriction.id)))


def record_opt_out(session: Session, actor: User, contact_point_id: int, medium: str, *,
                   opted_out: bool = True, source: str = "spoken",
                   note: str = "") -> ContactPoint:
    """An agent records the debtor's "don't call / text / email me" on one contact point; the
    audit keeps who recorded it, how the debtor said it and their words."""
    point = access.ensure_visible(actor, session.get(ContactPoint, contact_point_id),
                                  "contact point")
    if source not in SOURCES:
        raise Invalid(f"source must be one of {', '.join(SOURCES)}")
    note = (note or "").strip()[:MAX_NOTE]
    before = dict(point.opt_outs or {})
    details.set_opt_out(session, actor, point, medium, opted_out,
                        reason=f"{source}: {note}" if note else source)
    if point.opt_outs != before:
        # What may reach the customer changed: the open case's composer, Call buttons and
        # worklist row follow (they listen to their case, not to the customer).
        for case in session.scalars(select(Case).where(Case.customer_id == point.customer_id)):
            events.emit(session, events.CASE_UPDATED, case_id=case.id, client_id=case.client_id)
    return point


def refuse_named(session: Session, customer: Customer, point: ContactPoint | None,
                 clocks: list[tuple[str, datetime]]) -> None:
    """Conflict when the debtor named this moment (in any zone they may be in) or this
    contact point as inconvenient."""
    rows = session.scalars(select(ContactRestriction).where(
        ContactRestriction.customer_id == customer.id).order_by(ContactRestriction.id))
    for row in rows:
        if row.contact_point_id is not None and (point is None or
                                                 point.id != row.contact_point_id):
            continue
        for zone, local in clocks:
            if not _holds(row, local):
                continue
            said = f" (\"{row.note}\")" if row.note else ""
            if row.contact_point_id is not None and not _timed(row):
                raise Conflict(f"the customer asked not to be contacted at this {point.kind}"
                               f"{said}", code="inconvenient_place")
            raise Conflict(f"it is {local:%a %H:%M} for the customer ({zone}) and they named "
                           f"{describe(row)} as inconvenient{said}",
                           code="named_inconvenient_time")


def describe(row: ContactRestriction) -> str:
    """The restriction in words: "before 10:00 on sun"."""
    parts = []
    if row.starts and row.ends:
        parts.append(f"{row.starts:%H:%M}-{row.ends:%H:%M}")
    elif row.starts:
        parts.append(f"after {row.starts:%H:%M}")
    elif row.ends:
        parts.append(f"before {row.ends:%H:%M}")
    if row.days:
        parts.append("on " + ", ".join(DAYS[d] for d in sorted(row.days)))
    return " ".join(parts) or "at any time"


def _timed(row: ContactRestriction) -> bool:
    return bool(row.days or row.starts or row.ends)


def _holds(row: ContactRestriction, local: datetime) -> bool:
    """Whether the restriction covers this local wall-clock moment."""
    if row.days and local.weekday() not in row.days:
        return False
    now, starts, ends = local.time(), row.starts or time(0), row.ends
    if ends is None:
        return now >= starts
    if starts < ends:
        return starts <= now < ends
    return now >= starts or now < ends  # a window across midnight: 20:00-09:00


def _snapshot(row: ContactRestriction) -> dict:
    return {"customer_id": row.customer_id, "contact_point_id": row.contact_point_id,
            "days": [DAYS[d] for d in row.days], "starts": _hhmm(row.starts),
            "ends": _hhmm(row.ends), "note": row.note, "source": row.source}


def _hhmm(value: time | None) -> str | None:
    return f"{value:%H:%M}" if value else None

