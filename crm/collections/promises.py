"""Promises to pay: taken by an agent, kept by payments (oldest first), broken when overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.collections import accounts, plans
from crm.collections.terms import DEFAULT, Terms
from crm.core import audit, events, inputs
from crm.models import Case, DebtAccount, Payment, Promise, Task, User, utcnow

MAX_AHEAD = timedelta(days=366)  # a promise further out is no promise
MAX_LISTED = 200
SWEEP_BATCH = 500


def take(session: Session, actor: User, debt_id: int, *, amount_cents, due_on,
         today: date | None = None) -> Promise:
    """Record a debtor's promise to pay an amount by a day; audited, on the case."""
    today = today or utcnow().date()
    debt = accounts.workable(accounts.get(session, actor, debt_id, lock=True))
    amount = inputs.cents(amount_cents, "The promise", at_most=debt.balance_cents,
                          currency=debt.currency)
    due = inputs.day(due_on, "The promise's date")
    if not today <= due <= today + MAX_AHEAD:
        raise inputs.Invalid("The promise's date must be between today and a year from now")
    promise = Promise(client_id=debt.client_id, case_id=debt.case_id, debt_account_id=debt.id,
                      amount_cents=amount, due_on=due, status="open", paid_cents=0,
                      created_by_id=actor.id)
    session.add(promise)
    session.flush()
    audit.record(session, actor, "promise.taken", promise,
                 after={"debt_account_id": debt.id, "amount_cents": amount,
                        "due_on": due.isoformat()})
    accounts.on_case(session, debt, actor, f"Promise of {accounts.money(amount, debt.currency)}"
                     f" due {accounts.day(due)} on {accounts.named(debt)}")
    return promise


def of_account(session: Session, actor: User, debt_id: int) -> list[Promise]:
    """The account's promises (instalments of plans included), by due day."""
    debt = accounts.get(session, actor, debt_id)
    return list(session.scalars(select(Promise).where(Promise.debt_account_id == debt.id)
                                .order_by(Promise.due_on, Promise.id).limit(MAX_LISTED)))


def deadline(promise: Promise, terms: Terms) -> date:
    """The last day a payment still keeps the promise."""
    return promise.due_on + timedelta(days=terms.promise_grace_days)


def apply(session: Session, debt: DebtAccount, payment: Payment, terms: Terms = DEFAULT) -> None:
    """Put a payment towards the account's open promises, oldest first; keep those it fills.

    Promises already past their deadline are left to the sweep (they are broken): a late
    payment reduces the balance but keeps no promise it came too late for.
    """
    left, applied = payment.amount_cents, []
    for promise in session.scalars(select(Promise).where(
            Promise.debt_account_id == debt.id, Promise.status == "open")
            .order_by(Promise.due_on, Promise.id)):
        if left <= 0:
            break
        if deadline(promise, terms) < payment.paid_on:
            continue
        share = min(left, promise.amount_cents - promise.paid_cents)
        promise.paid_cents += share
        left -= share
        applied.append([promise.id, share])
        if promise.paid_cents >= promise.amount_cents - terms.promise_tolerance_cents:
            _keep(session, debt, promise, payment.paid_on)
    payment.applied = applied


def unapply(session: Session, debt: DebtAccount, allocations: list, today: date,
            terms: Terms = DEFAULT) -> None:
    """A reversed payment no longer counts: what it kept opens again (or breaks if overdue)."""
    for promise_id, share in allocations:
        promise = session.get(Promise, promise_id)
        if promise is None:
            continue
        promise.paid_cents = max(0, promise.paid_cents - share)
        if (promise.status == "kept"
                and promise.paid_cents < promise.amount_cents - terms.promise_tolerance_cents):
            promise.status, promise.closed_on = "open", None
            if deadline(promise, terms) < today:
                break_(session, debt, promise, today)


def _keep(session: Session, debt: DebtAccount, promise: Promise, on: date) -> None:
    promise.status, promise.closed_on = "kept", on
    audit.record(session, None, "promise.kept", promise,
                 after={"paid_cents": promise.paid_cents, "on": on.isoformat()})
    if promise.plan_id is not None:
        plans.instalment_kept(session, debt, promise)
    elif promise.settlement_id is not None:
        plans.finish(session, debt, settled=True)
    else:
        accounts.on_case(session, debt, None, "Promise of "
                         f"{accounts.money(promise.amount_cents, debt.currency)} due "
                         f"{accounts.day(promise.due_on)} on {accounts.named(debt)} kept")


def break_(session: Session, debt: DebtAccount, promise: Promise, today: date) -> None:
    """Mark a promise broken, ask the case's owner to follow up, and say so on the case."""
    promise.status, promise.closed_on = "broken", today
    case = session.get(Case, promise.case_id)
    what = "Instalment" if promise.plan_id else "Promise"
    title = (f"{what} of {accounts.money(promise.amount_cents, debt.currency)} due "
             f"{accounts.day(promise.due_on)} on {accounts.named(debt)} broken: follow up")
    task = Task(client_id=case.client_id, case_id=case.id, kind="follow_up", title=title,
                status="open", assignee_id=case.owner_id,
                due_at=datetime.combine(today, time(9), tzinfo=UTC))
    session.add(task)
    session.flush()
    audit.record(session, None, "promise.broken", promise,
                 after={"paid_cents": promise.paid_cents, "task_id": task.id})
    events.emit(session, events.TASK_CREATED, task_id=task.id, case_id=case.id,
                client_id=case.client_id)
    accounts.on_case(session, debt, None, title)
    if promise.plan_id is not None:
        plans.instalment_missed(session, debt, promise, today)


def sweep(session: Session, today: date | None = None, terms: Terms = DEFAULT) -> int:
    """Break every open promise whose deadline has passed (the periodic task); how many."""
    today = today or utcnow().date()
    latest = today - timedelta(days=terms.promise_grace_days + 1)
    done = 0
    while True:
        batch = session.scalars(select(Promise).where(
            Promise.status == "open", Promise.due_on <= latest)
            .order_by(Promise.due_on, Promise.id).limit(SWEEP_BATCH)).all()
        for promise in batch:
            if promise.status == "open":  # a plan broken by an earlier one cancels the rest
                break_(session, session.get(DebtAccount, promise.debt_account_id), promise,
                       today)
                done += 1
        session.flush()
        if len(batch) < SWEEP_BATCH:
            return done
