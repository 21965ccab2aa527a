"""Payment plans: a schedule of instalments, each a promise kept or missed like any other."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crm.collections import accounts
from crm.core import audit, inputs
from crm.core.errors import Conflict, Invalid
from crm.models import DebtAccount, PaymentPlan, Promise, User, utcnow

FREQUENCIES = ("weekly", "fortnightly", "monthly")
MAX_INSTALMENTS = 120
MISSES_BREAK = 2  # this many missed instalments break the plan
MAX_START = timedelta(days=366)


def schedule(first: date, frequency: str, count: int) -> list[date]:
    """The due days of count instalments from first (monthly: the same day, or the month's
    last when it is shorter)."""
    if frequency != "monthly":
        step = timedelta(days=7 if frequency == "weekly" else 14)
        return [first + step * n for n in range(count)]
    out = []
    for n in range(count):
        year, month = divmod(first.month - 1 + n, 12)
        year += first.year
        last = calendar.monthrange(year, month + 1)[1]
        out.append(date(year, month + 1, min(first.day, last)))
    return out


def create(session: Session, actor: User, debt_id: int, *, instalment_cents, frequency,
           first_due_on, count, today: date | None = None) -> PaymentPlan:
    """Agree a plan of equal instalments; the account is on a payment plan while it runs."""
    today = today or utcnow().date()
    debt = accounts.workable(accounts.get(session, actor, debt_id, lock=True))
    amount = inputs.cents(instalment_cents, "The instalment", currency=debt.currency)
    n = instalment_count(count)
    if amount * n > debt.balance_cents:
        raise Invalid(f"{n} instalments of {accounts.money(amount, debt.currency)} are more "
                      f"than the balance ({accounts.money(debt.balance_cents, debt.currency)})")
    return start(session, actor, debt, [amount] * n, frequency, first_due_on, today)


def start(session: Session, actor: User, debt: DebtAccount, amounts: list[int], frequency,
          first_due_on, today: date, settlement_id: int | None = None) -> PaymentPlan:
    """A plan of these instalment amounts on a workable account (no other plan running)."""
    frequency = inputs.choice(frequency, "The plan's frequency", FREQUENCIES)
    first = inputs.day(first_due_on, "The first instalment's date")
    if not today <= first <= today + MAX_START:
        raise Invalid("The first instalment's date must be between today and a year from now")
    if running(session, debt.id) is not None:
        raise Conflict("a payment plan is already running on this account", code="plan_running")
    plan = PaymentPlan(client_id=debt.client_id, case_id=debt.case_id, debt_account_id=debt.id,
                       instalment_cents=amounts[0], frequency=frequency, first_due_on=first,
                       count=len(amounts), status="active", settlement_id=settlement_id,
                       created_by_id=actor.id)
    session.add(plan)
    session.flush()
    session.add_all(Promise(client_id=debt.client_id, case_id=debt.case_id,
                            debt_account_id=debt.id, amount_cents=amount, due_on=due,
                            status="open", paid_cents=0, plan_id=plan.id,
                            settlement_id=settlement_id, created_by_id=actor.id)
                    for amount, due in zip(amounts, schedule(first, frequency, len(amounts)),
                                           strict=True))
    before = debt.status
    if debt.status == "active":
        debt.status = "payment_plan"
    session.flush()
    audit.record(session, actor, "plan.created", plan,
                 before={"status": before},
                 after={"debt_account_id": debt.id, "instalments": amounts,
                        "frequency": frequency, "first_due_on": first.isoformat(),
                        "status": debt.status})
    accounts.on_case(session, debt, actor, f"Payment plan on {accounts.named(debt)}: "
                     f"{len(amounts)} {frequency} instalments of "
                     f"{accounts.money(amounts[0], debt.currency)} from {accounts.day(first)}")
    return plan


def instalment_count(value) -> int:
    """A number of instalments, 1 to MAX_INSTALMENTS, else Invalid."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_INSTALMENTS:
        raise Invalid("The number of instalments must be a whole number from 1 to "
                      f"{MAX_INSTALMENTS}")
    return value


def running(session: Session, debt_id: int) -> PaymentPlan | None:
    """The account's active plan, if any."""
    return session.scalars(select(PaymentPlan).where(
        PaymentPlan.debt_account_id == debt_id, PaymentPlan.status == "active")).first()


def of_account(session: Session, actor: User, debt_id: int) -> list[PaymentPlan]:
    """The account's plans, newest first."""
    debt = accounts.get(session, actor, debt_id)
    return list(session.scalars(select(PaymentPlan).where(
        PaymentPlan.debt_account_id == debt.id).order_by(PaymentPlan.id.desc()).limit(50)))


def instalment_kept(session: Session, debt: DebtAccount, promise: Promise) -> None:
    """An instalment was paid: when it was the plan's last one open, the plan is done."""
    plan = session.get(PaymentPlan, promise.plan_id)
    session.flush()
    unpaid = session.scalar(select(func.count()).where(
        Promise.plan_id == plan.id, Promise.status != "kept"))
    if plan.status == "active" and unpaid == 0:
        plan.status = "completed"
        audit.record(session, None, "plan.completed", plan, after={"status": "completed"})
        accounts.on_case(session, debt, None,
                         f"Payment plan on {accounts.named(debt)} completed")
        finish(session, debt, settled=plan.settlement_id is not None)


def instalment_missed(session: Session, debt: DebtAccount, promise: Promise,
                      today: date) -> None:
    """An instalment was missed: the second miss breaks the plan and cancels what is left."""
    plan = session.get(PaymentPlan, promise.plan_id)
    session.flush()
    missed = session.scalar(select(func.count()).where(
        Promise.plan_id == plan.id, Promise.status == "broken"))
    if plan.status != "active" or missed < MISSES_BREAK:
        return
    plan.status = "broken"
    session.execute(update(Promise).where(Promise.plan_id == plan.id, Promise.status == "open")
                    .values(status="cancelled", closed_on=today)
                    .execution_options(synchronize_session="fetch"))
    before = debt.status
    if debt.status == "payment_plan":
        debt.status = "active"
    audit.record(session, None, "plan.broken", plan, before={"status": "active"},
                 after={"status": "broken", "missed": missed, "account_status": debt.status,
                        "account_status_before": before})
    accounts.on_case(session, debt, None, f"Payment plan on {accounts.named(debt)} broken: "
                     f"{missed} instalments missed; the account is "
                     f"{debt.status.replace('_', ' ')} again")


def finish(session: Session, debt: DebtAccount, *, settled: bool) -> None:
    """A plan or settlement promise was paid as agreed: settled, else paid or active again."""
    before = debt.status
    if settled:
        debt.status = "settled"
    elif debt.status == "payment_plan":
        debt.status = "paid" if debt.balance_cents <= 0 else "active"
    if debt.status != before:
        audit.record(session, None, "debt.status_changed", debt, object_type="debt_account",
                     before={"status": before}, after={"status": debt.status,
                                                       "balance_cents": debt.balance_cents})
        if settled:
            accounts.on_case(session, debt, None, f"{accounts.named(debt).capitalize()} "
                             "settled as agreed; "
                             f"{accounts.money(debt.balance_cents, debt.currency)} forgiven")
