"""Settlements: close an account for less than its balance, paid as a promise or a plan.

A discount deeper than the client allows an agent alone waits for four-eyes sign-off (the
decisions service); the approval event, not the decisions module, applies it here.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.collections import accounts, plans
from crm.collections.terms import DEFAULT, Terms
from crm.core import audit, events, inputs
from crm.core.errors import Conflict, Invalid
from crm.models import DebtAccount, Decision, Promise, Settlement, User, utcnow
from crm.signoff import decisions

SHAPES = ("promise", "plan")
DECISION_KIND = "settlement_offer"


def offer(session: Session, actor: User, debt_id: int, *, amount_cents, as_, due_on=None,
          frequency=None, first_due_on=None, count=None, today: date | None = None,
          terms: Terms = DEFAULT) -> Settlement:
    """Offer to settle; applied now when the discount is within the free one, else it waits
    for a reviewer's sign-off. Checked in full before anything is stored."""
    today = today or utcnow().date()
    debt = accounts.workable(accounts.get(session, actor, debt_id, lock=True))
    # One offer at a time: two waiting side by side could both be approved (the account row
    # is locked above, so two agents offering at once meet here one after the other).
    if session.scalar(select(Settlement.id).where(Settlement.debt_account_id == debt.id,
                                                  Settlement.status == "pending")):
        raise Conflict("A settlement of this account is already waiting for sign-off; it must "
                       "be approved or rejected first", code="settlement_pending")
    amount = inputs.cents(amount_cents, "The settlement", at_most=debt.balance_cents,
                          currency=debt.currency)
    shape = inputs.choice(as_, "The settlement's form", SHAPES)
    if shape == "promise":
        due = inputs.day(due_on, "The payment's date")
        if due < today:
            raise Invalid("The payment's date cannot be in the past")
        shaped = {"as": "promise", "due_on": due.isoformat()}
    else:
        n = plans.instalment_count(count)
        if n > amount:
            raise Invalid("The settlement is too small for that many instalments")
        first = inputs.day(first_due_on, "The first instalment's date")
        shaped = {"as": "plan", "frequency": inputs.choice(frequency, "The plan's frequency",
                                                            plans.FREQUENCIES),
                  "first_due_on": first.isoformat(),
                  "count": n}
        if date.fromisoformat(shaped["first_due_on"]) < today:
            raise Invalid("The first instalment's date cannot be in the past")
    settlement = Settlement(client_id=debt.client_id, case_id=debt.case_id,
                            debt_account_id=debt.id, amount_cents=amount,
                            balance_cents=debt.balance_cents, terms=shaped, status="pending",
                            created_by_id=actor.id)
    session.add(settlement)
    session.flush()
    pct = discount_pct(amount, debt.balance_cents)
    audit.record(session, actor, "settlement.offered", settlement,
                 after={"amount_cents": amount, "balance_cents": debt.balance_cents,
                        "discount_pct": pct, "terms": shaped})
    if pct > terms.settlement_free_discount_pct:
        decision = decisions.request(session, actor, debt.case_id, kind=DECISION_KIND,
                                     summary=_summary(debt, settlement, pct),
                                     amount_cents=amount, currency=debt.currency)
        settlement.decision_id = decision.id
        return settlement
    apply(session, actor, settlement, today)
    return settlement


def of_account(session: Session, actor: User, debt_id: int) -> list[Settlement]:
    """The account's settlements (pending, applied, rejected), newest first."""
    debt = accounts.get(session, actor, debt_id)
    return list(session.scalars(select(Settlement).where(
        Settlement.debt_account_id == debt.id).order_by(Settlement.id.desc()).limit(50)))


def by_decision(session: Session, decision_ids: list[int]
                ) -> dict[int, tuple[Settlement, DebtAccount]]:
    """The settlements (with their accounts) that these sign-off decisions are about."""
    if not decision_ids:
        return {}
    rows = session.execute(select(Settlement, DebtAccount)
                           .join(DebtAccount, DebtAccount.id == Settlement.debt_account_id)
                           .where(Settlement.decision_id.in_(decision_ids))).all()
    return {s.decision_id: (s, d) for s, d in rows}


def discount_pct(amount: int, balance: int) -> float:
    """How far below the balance the amount is, in percent (one decimal)."""
    return round((balance - amount) * 100 / balance, 1) if balance > 0 else 0.0


def apply(session: Session, actor: User, settlement: Settlement, today: date) -> None:
    """Turn the agreed amount into the promise or plan it was offered as."""
    debt = accounts.workable(session.get(DebtAccount, settlement.debt_account_id,
                                         with_for_update=True))
    supersede(session, actor, debt, settlement, today)
    terms = settlement.terms
    if terms["as"] == "promise":
        due = max(date.fromisoformat(terms["due_on"]), today)
        session.add(Promise(client_id=debt.client_id, case_id=debt.case_id,
                            debt_account_id=debt.id, amount_cents=settlement.amount_cents,
                            due_on=due, status="open", paid_cents=0,
                            settlement_id=settlement.id,
                            created_by_id=settlement.created_by_id))
        said = f"one payment by {accounts.day(due)}"
    else:
        n = terms["count"]
        share, rest = divmod(settlement.amount_cents, n)
        amounts = [share] * (n - 1) + [share + rest]  # the last instalment takes the cents
        plans.start(session, actor, debt, amounts, terms["frequency"],
                    max(date.fromisoformat(terms["first_due_on"]), today), today,
                    settlement_id=settlement.id)
        said = f"{n} {terms['frequency']} instalments"
    settlement.status = "applied"
    session.flush()
    audit.record(session, actor, "settlement.applied", settlement,
                 after={"status": "applied", "terms": terms})
    accounts.on_case(session, debt, actor, f"Settlement of {accounts.named(debt)} agreed: "
                     f"{accounts.money(settlement.amount_cents, debt.currency)} as {said}")


def supersede(session: Session, actor: User, debt: DebtAccount, settlement: Settlement,
              today: date) -> None:
    """The agreed settlement is now what the debtor owes: the account's earlier open promises
    and its running plan are closed as superseded (audited, on the case), so no payment goes
    to them, no sweep breaks them, and they no longer count as due."""
    plan = plans.running(session, debt.id)
    earlier = list(session.scalars(select(Promise).where(
        Promise.debt_account_id == debt.id, Promise.status == "open").order_by(Promise.id)))
    if plan is None and not earlier:
        return
    for promise in earlier:
        promise.status, promise.closed_on = "superseded", today
    before = debt.status
    if plan is not None:
        plan.status = "superseded"
        if debt.status == "payment_plan":
            debt.status = "active"  # the settlement's own plan (if any) puts it back
    session.flush()
    audit.record(session, actor, "collections.superseded", settlement,
                 before={"account_status": before},
                 after={"debt_account_id": debt.id, "promise_ids": [p.id for p in earlier],
                        "plan_id": plan.id if plan else None, "account_status": debt.status})
    what = [f"{len(earlier)} open promise{'s' if len(earlier) != 1 else ''}"] if earlier else []
    if plan is not None:
        what.insert(0, "the payment plan")
    accounts.on_case(session, debt, actor, f"Superseded by the settlement of "
                     f"{accounts.named(debt)}: {' and '.join(what)} closed")


def on_decided(session: Session, _name: str, payload: dict) -> None:
    """A settlement's sign-off was decided: approved, it applies; rejected, it is void."""
    settlement = session.scalars(select(Settlement).where(
        Settlement.decision_id == payload["decision_id"])).first()
    if settlement is None or settlement.status != "pending":
        return
    decision = session.get(Decision, settlement.decision_id)
    checker = session.get(User, decision.checker_id)
    if decision.status == "approved":
        apply(session, checker, settlement, utcnow().date())
    elif decision.status == "rejected":
        settlement.status = "rejected"
        audit.record(session, checker, "settlement.rejected", settlement,
                     after={"status": "rejected"})


def _summary(debt: DebtAccount, settlement: Settlement, pct: float) -> str:
    terms = settlement.terms
    how = (f"one payment by {accounts.day(terms['due_on'])}" if terms["as"] == "promise" else
           f"{terms['count']} {terms['frequency']} instalments from "
           f"{accounts.day(terms['first_due_on'])}")
    return (f"Settle {accounts.named(debt)} for "
            f"{accounts.money(settlement.amount_cents, debt.currency)} (balance "
            f"{accounts.money(settlement.balance_cents, debt.currency)}, {pct}% off) as {how}")


IN_TRANSACTION = ((events.DECISION_DECIDED, on_decided),)
