"""Payments on a debt account: posted once per reference, reversed only by another payment."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.collections import accounts, allocations, plans, promises
from crm.collections.terms import DEFAULT, Terms
from crm.core import audit, inputs
from crm.core.errors import Conflict, Invalid, NotFound
from crm.models import DebtAccount, Payment, User, utcnow
from crm.tenancy import access

METHODS = ("card", "bank_transfer", "ach", "check", "cash", "other")
MAX_REFERENCE = 100
MAX_LISTED = 200
REVERSERS = ("supervisor",)
_MAX_ID = 2**63 - 1


def post(session: Session, actor: User, debt_id: int, *, amount_cents, paid_on, reference,
         method, today: date | None = None, terms: Terms = DEFAULT) -> tuple[Payment, bool]:
    """Post a payment (and whether it is new): the same payment again (reference, amount,
    day and method) is the one posted; another payment under a used reference is refused.

    It lowers the balance, goes towards the oldest open promises, and at a zero balance the
    account is paid. Audited, on the case.
    """
    today = today or utcnow().date()
    debt = accounts.get(session, actor, debt_id, lock=True)
    reference = inputs.text(reference, "The payment reference", MAX_REFERENCE)
    existing = _by_reference(session, debt.id, reference)
    if existing is not None:
        return _same(existing, debt, amount_cents, paid_on, method), False
    accounts.workable(debt)
    amount = inputs.cents(amount_cents, "The payment", at_most=debt.balance_cents,
                          currency=debt.currency)
    paid = inputs.day(paid_on, "The payment's date")
    if paid > today:
        raise Invalid("The payment's date cannot be in the future")
    method = inputs.choice(method, "The payment method", METHODS)
    payment = Payment(client_id=debt.client_id, case_id=debt.case_id, debt_account_id=debt.id,
                      amount_cents=amount, paid_on=paid, method=method, reference=reference,
                      applied=[], created_by_id=actor.id)
    try:
        with session.begin_nested():
            session.add(payment)
    except IntegrityError:
        # The same reference posted at the same moment by a retry: the stored one stands.
        stored = _by_reference(session, debt.id, reference)
        if stored is None:
            raise
        return _same(stored, debt, amount, paid, method), False
    before = {"balance_cents": debt.balance_cents, "status": debt.status}
    debt.balance_cents -= amount
    promises.apply(session, debt, payment, terms)
    if debt.balance_cents <= 0 and debt.status not in accounts.FINISHED:
        debt.status = "paid"
        for plan in filter(None, [plans.running(session, debt.id)]):
            plan.status = "completed"
    audit.record(session, actor, "payment.posted", payment,
                 after={"debt_account_id": debt.id, "amount_cents": amount,
                        "paid_on": paid.isoformat(), "method": method, "reference": reference,
                        "applied": payment.applied})
    _account_changed(session, actor, debt, before)
    applied = allocations.words(allocations.of_payments(session, [payment])[payment.id],
                                debt.currency)
    accounts.on_case(session, debt, actor, f"Payment of {accounts.money(amount, debt.currency)}"
                     f" received on {accounts.named(debt)} ({method.replace('_', ' ')}, "
                     f"{reference}, paid {accounts.day(paid)}); {applied}")
    return payment, True


def reverse(session: Session, actor: User, payment_id: int, *, reason,
            today: date | None = None, terms: Terms = DEFAULT) -> Payment:
    """Undo a payment with a negative one naming it (supervisors; a reason is required)."""
    today = today or utcnow().date()
    original = _visible(session, actor, payment_id)
    access.require_role(actor, *REVERSERS)
    reason = inputs.text(reason, "The reason for the reversal", 2000)
    if original.reverses_payment_id is not None:
        raise Conflict("this is a reversal: post a new payment instead", code="is_reversal")
    if session.scalar(select(Payment.id).where(Payment.reverses_payment_id == original.id)):
        raise Conflict("this payment was already reversed", code="already_reversed")
    debt = session.get(DebtAccount, original.debt_account_id, with_for_update=True)
    reversal = Payment(client_id=debt.client_id, case_id=debt.case_id, debt_account_id=debt.id,
                       amount_cents=-original.amount_cents, paid_on=today,
                       method=original.method, reference=f"reversal-of-{original.id}",
                       reverses_payment_id=original.id, reason=reason, applied=[],
                       created_by_id=actor.id)
    try:
        with session.begin_nested():
            session.add(reversal)
    except IntegrityError:
        raise Conflict("this payment was already reversed", code="already_reversed") from None
    before = {"balance_cents": debt.balance_cents, "status": debt.status}
    debt.balance_cents += original.amount_cents
    promises.unapply(session, debt, original.applied or [], today, terms)
    if debt.status == "paid":
        debt.status = "active"
    audit.record(session, actor, "payment.reversed", reversal,
                 after={"reverses_payment_id": original.id,
                        "amount_cents": reversal.amount_cents, "reason": reason})
    _account_changed(session, actor, debt, before)
    accounts.on_case(session, debt, actor, f"Payment {original.reference} of "
                     f"{accounts.money(original.amount_cents, debt.currency)} on "
                     f"{accounts.named(debt)} reversed: {reason}")
    return reversal


def of_account(session: Session, actor: User, debt_id: int) -> list[Payment]:
    """The account's payments and reversals, newest first (by the day paid, then as posted:
    a payment keyed in late for an earlier day takes its place by that day)."""
    debt = accounts.get(session, actor, debt_id)
    return list(session.scalars(select(Payment).where(Payment.debt_account_id == debt.id)
                                .order_by(Payment.paid_on.desc(), Payment.id.desc())
                                .limit(MAX_LISTED)))


def _visible(session: Session, actor: User, payment_id: int) -> Payment:
    payment = (session.get(Payment, payment_id)
               if isinstance(payment_id, int) and 0 < payment_id <= _MAX_ID else None)
    if payment is None:
        raise NotFound("payment not found")
    try:
        accounts.get(session, actor, payment.debt_account_id)
    except NotFound:
        raise NotFound("payment not found") from None
    return payment


def _same(existing: Payment, debt: DebtAccount, amount_cents, paid_on, method) -> Payment:
    """The payment already posted under a reference, if this one repeats it (a retry); a
    different payment reusing the reference is a Conflict, not silently the old one."""
    if (amount_cents == existing.amount_cents and not isinstance(amount_cents, bool)
            and str(paid_on) == existing.paid_on.isoformat() and method == existing.method):
        return existing
    raise Conflict(f"The reference {existing.reference} is already used by another payment "
                   f"({accounts.money(existing.amount_cents, debt.currency)} on "
                   f"{accounts.day(existing.paid_on)}, {existing.method.replace('_', ' ')}): "
                   "give this payment its own reference", code="reference_used")


def _by_reference(session: Session, debt_id: int, reference: str) -> Payment | None:
    return session.scalars(select(Payment).where(Payment.debt_account_id == debt_id,
                                                 Payment.reference == reference)).first()


def _account_changed(session: Session, actor: User, debt: DebtAccount, before: dict) -> None:
    after = {"balance_cents": debt.balance_cents, "status": debt.status}
    audit.record(session, actor, "debt.updated", debt, before=before, after=after)
