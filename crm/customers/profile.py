"""The customer pane: who they are, where they are now, and who they are linked to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.fraud import escalations as fraud
from crm.fraud import visibility
from crm.models import Case, Customer, User, utcnow


@dataclass(frozen=True)
class Linked:
    """Another customer record tied to this one: merged into it, or in its fraud ring."""

    id: int
    display_name: str
    relation: str


@dataclass(frozen=True)
class Profile:
    """A customer with their case, local time and linked records."""

    customer: Customer
    case: Case
    local_time: datetime | None
    linked: list[Linked]


def for_customer(session: Session, actor: User, customer_id: int,
                 now: datetime | None = None) -> Profile:
    """The profile of a customer the actor may see (a merged id shows its survivor)."""
    customer = cases.get_customer(session, actor, customer_id)
    merged = session.scalars(select(Customer).where(Customer.merged_into_id == customer.id)
                             .order_by(Customer.id).limit(50))
    linked = [Linked(c.id, c.display_name, "merged") for c in merged]
    case = cases.for_customer(session, customer.id)
    # Fraud rings stay with the fraud team (and supervisors, reviewers): an agent who saw one
    # could tip a customer off.
    if visibility.may_see_case(session, actor, case.id):
        linked += [Linked(c.id, c.display_name, f"fraud ring: {reason}"
                          + (f", linked to {via.display_name}" if via else ""))
                   for c, reason, via in fraud.ring(session, customer.id)]
    return Profile(customer, case, local_time(customer.timezone, now), linked)


def local_time(tz: str | None, now: datetime | None = None) -> datetime | None:
    """Now in a timezone, or None when it is unknown or not a real zone."""
    if not tz:
        return None
    try:
        return (now or utcnow()).astimezone(ZoneInfo(tz))
    except (ZoneInfoNotFoundError, ValueError):
        return None
