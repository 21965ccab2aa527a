"""A case at a glance, computed from its records: last contacts, open work, what is due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.fraud import visibility
from crm.models import (
    Case,
    Claim,
    DebtAccount,
    Decision,
    Interaction,
    Investigation,
    Promise,
    Task,
    User,
)

CONTACT_MEDIA = ("voice", "sms", "whatsapp", "email", "chat")
CLOSED = frozenset({"closed", "settled", "declined", "paid", "denied", "withdrawn", "cancelled",
                    "resolved", "rejected", "written_off", "completed", "done"})
MAX_LISTED = 10


@dataclass(frozen=True)
class WorkLine:
    """One open line of work on a case: a claim, an investigation or a debt account."""

    kind: str
    id: int
    reference: str
    status: str
    detail: str = ""


@dataclass(frozen=True)
class LastContact:
    """The newest interaction in one medium."""

    medium: str
    interaction_id: int
    direction: str
    status: str
    occurred_at: datetime


@dataclass(frozen=True)
class Digest:
    """What an agent needs before reading the timeline."""

    case_id: int
    last_contact: list[LastContact]
    open_work: list[WorkLine]
    next_task: Task | None
    open_tasks: int
    open_promises: list[Promise] = field(default_factory=list)
    pending_decisions: list[Decision] = field(default_factory=list)


def for_case(session: Session, actor: User, case_id: int) -> Digest:
    """The digest of a case the actor may see."""
    case = cases.get(session, actor, case_id, audit_view=False)
    return Digest(
        case_id=case.id,
        last_contact=last_contacts(session, case.id),
        open_work=open_work(session, case, actor),
        next_task=session.scalars(_open_tasks(case.id).order_by(
            Task.due_at.is_(None), Task.due_at, Task.id).limit(1)).first(),
        open_tasks=session.scalar(select(func.count()).select_from(
            _open_tasks(case.id).subquery())) or 0,
        open_promises=list(session.scalars(
            select(Promise).where(Promise.case_id == case.id, Promise.status == "open")
            .order_by(Promise.due_on, Promise.id).limit(MAX_LISTED))),
        pending_decisions=list(session.scalars(
            select(Decision).where(Decision.case_id == case.id, Decision.status == "pending")
            .order_by(Decision.created_at, Decision.id).limit(MAX_LISTED))),
    )


def last_contacts(session: Session, case_id: int) -> list[LastContact]:
    """The newest interaction per contact medium, newest first (one index seek each)."""
    found = []
    for medium in CONTACT_MEDIA:
        item = session.execute(
            select(Interaction.id, Interaction.direction, Interaction.status,
                   Interaction.occurred_at)
            .where(Interaction.case_id == case_id, Interaction.medium == medium)
            .order_by(Interaction.occurred_at.desc()).limit(1)
        ).first()
        if item is not None:
            found.append(LastContact(medium, *item))
    return sorted(found, key=lambda c: c.occurred_at, reverse=True)


def open_work(session: Session, case: Case, viewer: User | None = None) -> list[WorkLine]:
    """Claims, investigations and debt accounts on the case that are not closed.

    An investigation the viewer may not see (no viewer: a broadcast) reads "under review".
    """
    lines = [WorkLine("claim", c.id, c.number, c.status, c.policy_number or "")
             for c in session.scalars(select(Claim).where(Claim.case_id == case.id)
                                      .order_by(Claim.id))]
    lines += [_investigation(i, viewer) for i in session.scalars(select(Investigation).where(
        Investigation.case_id == case.id).order_by(Investigation.id))]
    lines += [WorkLine("debt_account", d.id, d.account_number, d.status, _balance(d))
              for d in session.scalars(select(DebtAccount).where(
                  DebtAccount.case_id == case.id).order_by(DebtAccount.id))]
    return [w for w in lines if w.status not in CLOSED]


def _investigation(i: Investigation, viewer: User | None) -> WorkLine:
    if visibility.may_see(viewer, i):
        return WorkLine("investigation", i.id, i.reference, i.status,
                        f"{i.severity} · risk {i.risk_score}")
    # Not even its id or state: an open and a closed one both read "under review" (a closed
    # one is dropped with the other closed work below, by its real status).
    status = "closed" if i.status in CLOSED else visibility.UNDER_REVIEW
    return WorkLine("investigation", 0, visibility.UNDER_REVIEW, status)


def _open_tasks(case_id: int):
    return select(Task).where(Task.case_id == case_id, Task.status == "open")


def _balance(d: DebtAccount) -> str:
    # What stops or limits contact is said where the agent sees the debt.
    marks = [label for flag, label in ((d.ceased, "ceased: no contact"),
                                       (d.attorney_represented, "attorney: contact them only"),
                                       (_awaits_validation(d), "disputed")) if flag]
    return " · ".join([f"{d.currency} {d.balance_cents / 100:,.2f}", *marks])


def _awaits_validation(d: DebtAccount) -> bool:
    # As crm.guardrails.collections.awaiting_validation (which imports this module): once
    # validation is sent the dispute no longer limits contact, though the flag stays set.
    return (d.disputed or d.status == "disputed") and d.validated_on is None
