"""Merging a duplicate customer from the console: what would move, then the merge itself."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.core.errors import Forbidden, Invalid
from crm.customers import identity
from crm.models import Case, Claim, ContactPoint, Customer, DebtAccount, Interaction, Task, User

SENSITIVE_MERGERS = ("fraud", "supervisor", "admin")
# What the preview counts (every table with a case_id moves; these are what an agent knows).
_COUNTED = (("interactions", Interaction), ("claims", Claim), ("debts", DebtAccount),
            ("tasks", Task))


@dataclass(frozen=True)
class Preview:
    """The two customers, and how many of the duplicate's things move onto the survivor."""

    survivor: Customer
    duplicate: Customer
    survivor_case: Case
    duplicate_case: Case
    moves: dict[str, int]


def preview(session: Session, actor: User, survivor_id: int, other_id: int) -> Preview:
    """What merging other_id into survivor_id would move; changes nothing."""
    survivor, duplicate = _pair(session, actor, survivor_id, other_id)
    keep, drop = identity.case_of(session, survivor), identity.case_of(session, duplicate)
    moves = {name: session.scalar(select(func.count()).select_from(model)
                                  .where(model.case_id == drop.id))
             for name, model in _COUNTED}
    moves["contact_points"] = session.scalar(select(func.count()).select_from(ContactPoint)
                                             .where(ContactPoint.customer_id == duplicate.id))
    return Preview(survivor, duplicate, keep, drop, moves)


def merge(session: Session, actor: User, survivor_id: int, other_id: int) -> Customer:
    """Fold other_id into survivor_id (both the actor's to see); audited by the merge."""
    survivor, duplicate = _pair(session, actor, survivor_id, other_id)
    if not actor.has_role(*SENSITIVE_MERGERS) and any(
            identity.case_of(session, c).sensitive for c in (survivor, duplicate)):
        # A fraud case's timeline would move: that is the fraud team's (or a supervisor's) call.
        raise Forbidden("merging a sensitive (fraud) case needs the fraud or supervisor role")
    return identity.merge(session, actor, survivor.id, duplicate.id)


def _pair(session: Session, actor: User, survivor_id: int, other_id: int):
    # Both must be visible (another client's customer reads as not found), neither merged.
    if survivor_id == other_id:
        raise Invalid("a customer cannot be merged into itself")
    survivor = cases.get_customer(session, actor, survivor_id)
    duplicate = cases.get_customer(session, actor, other_id)
    if survivor.id == duplicate.id:
        raise Invalid("these are already one customer (one was merged into the other)")
    if survivor.client_id != duplicate.client_id:
        raise Invalid("customers of different clients cannot be merged")
    return survivor, duplicate
