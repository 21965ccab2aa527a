"""A debt account as collections reads it: visible only with its case, aged from delinquency."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import timeline
from crm.core import case_rows, events, human
from crm.core.errors import Conflict
from crm.models import Case, DebtAccount, User, utcnow

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
# No more money moves on these: the account is finished.
FINISHED = ("paid", "settled", "closed")


@dataclass(frozen=True)
class Ageing:
    """How far behind an account is, in days and in the bucket collections sort it by."""

    days_past_due: int
    bucket: str


def ageing(debt: DebtAccount, today: date) -> Ageing:
    """Days since the account became delinquent, and its bucket (no delinquency: current)."""
    days = max(0, (today - debt.delinquent_since).days) if debt.delinquent_since else 0
    for bucket, upto in zip(BUCKETS, (0, 30, 60, 90), strict=False):
        if days <= upto:
            return Ageing(days, bucket)
    return Ageing(days, BUCKETS[-1])


def get(session: Session, actor: User, debt_id: int, *, lock: bool = False,
        audit_view: bool = False) -> DebtAccount:
    """A debt account on a case the actor may see (else NotFound); lock: for a money change."""
    return case_rows.get(session, actor, DebtAccount, debt_id, "debt account", lock=lock,
                         audit_view=audit_view)


def workable(debt: DebtAccount) -> DebtAccount:
    """The account, unless it is finished (paid, settled, closed): Conflict."""
    if debt.status in FINISHED:
        raise Conflict(f"the account is {debt.status}: nothing more can be taken on it",
                       code="account_finished")
    return debt


def of_case(session: Session, case_id: int) -> list[DebtAccount]:
    """Every debt account on a case, oldest first."""
    return list(session.scalars(select(DebtAccount).where(DebtAccount.case_id == case_id)
                                .order_by(DebtAccount.id)))


def money(cents: int, currency: str) -> str:
    """An amount as people read it: USD 1,234.50."""
    return human.money(cents, currency)


def day(value: date | str) -> str:
    """A day as people read it: 8 Dec 2026."""
    return human.day(value)


def named(debt: DebtAccount) -> str:
    """The account as people tell it from others: account 6000002207 (Acme Bank)."""
    return f"account {debt.account_number}" + (f" ({debt.creditor})" if debt.creditor else "")


def on_case(session: Session, debt: DebtAccount, actor: User | None, text: str) -> None:
    """Say on the case's timeline what happened to the account (text names it, in words:
    see named()); everyone watching sees it."""
    case = session.get(Case, debt.case_id)
    timeline.record(session, case, medium="note", direction="internal",
                    body=text, agent_id=actor.id if actor else None,
                    status=timeline.LOGGED, occurred_at=utcnow())
    events.emit(session, events.CASE_UPDATED, case_id=case.id, client_id=case.client_id)
