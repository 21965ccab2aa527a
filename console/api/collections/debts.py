"""Debt accounts through the API: the account, payments, promises, plans and settlements."""

from __future__ import annotations

from console.api.core.blueprint import actor, api, bp
from console.api.core.debt_schemas import (
    DebtOut,
    DebtPromiseOut,
    PaymentIn,
    PaymentList,
    PaymentOut,
    PlanIn,
    PlanList,
    PlanOut,
    PromiseIn,
    PromiseList,
    ReversalIn,
    SettlementIn,
    SettlementList,
    SettlementOut,
    debt_out,
    payments_out,
)
from console.collections.wiring import terms
from console.core import database
from crm.collections import accounts, payments, plans, promises, settlements
from crm.models import utcnow

TAGS = ["collections"]


def _done(out):
    database.session().commit()
    return out


@api.route(bp, "/debts/<int:debt_id>", summary="A debt account: balances, status, ageing, "
           "dates and what limits contact", response=DebtOut, tags=TAGS)
def get_debt(debt_id: int):
    """Visible to whoever may see its case."""
    debt = accounts.get(database.session(), actor(), debt_id, audit_view=True)
    return _done(debt_out(debt, utcnow().date()))


@api.route(bp, "/debts/<int:debt_id>/payments", summary="An account's payments and reversals",
           response=PaymentList, tags=TAGS)
def list_payments(debt_id: int):
    """Newest first."""
    items = payments.of_account(database.session(), actor(), debt_id)
    return _done(PaymentList(items=payments_out(database.session(), items)))


@api.route(bp, "/debts/<int:debt_id>/payments", "POST", summary="Post a payment (201; the "
           "same payment again answers 200 with the one already posted; another payment "
           "under a used reference is 409 reference_used)",
           body=PaymentIn, response=PaymentOut, status=201, also=(200,), tags=TAGS,
           errors=(409,))
def post_payment(debt_id: int, body: PaymentIn):
    """Lowers the balance and keeps promises, oldest first; a zero balance is paid."""
    payment, new = payments.post(database.session(), actor(), debt_id,
                                 amount_cents=body.amount_cents, paid_on=body.paid_on,
                                 reference=body.reference, method=body.method, terms=terms())
    out = _done(payments_out(database.session(), [payment])[0])
    return out if new else (out, 200)


@api.route(bp, "/payments/<int:payment_id>/reversal", "POST", summary="Reverse a payment "
           "with a negative one (supervisors)", body=ReversalIn, response=PaymentOut,
           status=201, tags=TAGS, errors=(403, 409))
def reverse_payment(payment_id: int, body: ReversalIn):
    """Never an edit: the reversal is a payment of its own; promises it kept reopen."""
    return _done(PaymentOut.model_validate(payments.reverse(
        database.session(), actor(), payment_id, reason=body.reason, terms=terms())))


@api.route(bp, "/debts/<int:debt_id>/promises", summary="An account's promises to pay "
           "(plans' instalments too), by due day", response=PromiseList, tags=TAGS)
def list_promises(debt_id: int):
    """Each open, kept, broken, or cancelled (its plan broke)."""
    items = promises.of_account(database.session(), actor(), debt_id)
    return _done(PromiseList(items=[DebtPromiseOut.model_validate(p) for p in items]))


@api.route(bp, "/debts/<int:debt_id>/promises", "POST", summary="Take a promise to pay",
           body=PromiseIn, response=DebtPromiseOut, status=201, tags=TAGS, errors=(409,))
def take_promise(debt_id: int, body: PromiseIn):
    """Kept when payments reach it within the tolerance by its day plus the grace period."""
    return _done(DebtPromiseOut.model_validate(promises.take(
        database.session(), actor(), debt_id, amount_cents=body.amount_cents,
        due_on=body.due_on)))


@api.route(bp, "/debts/<int:debt_id>/plans", summary="An account's payment plans",
           response=PlanList, tags=TAGS)
def list_plans(debt_id: int):
    """Newest first; the instalments are in its promises."""
    items = plans.of_account(database.session(), actor(), debt_id)
    return _done(PlanList(items=[PlanOut.model_validate(p) for p in items]))


@api.route(bp, "/debts/<int:debt_id>/plans", "POST", summary="Agree a payment plan",
           body=PlanIn, response=PlanOut, status=201, tags=TAGS, errors=(409,))
def create_plan(debt_id: int, body: PlanIn):
    """Its instalments are promises; two missed break it."""
    return _done(PlanOut.model_validate(plans.create(
        database.session(), actor(), debt_id, instalment_cents=body.instalment_cents,
        frequency=body.frequency, first_due_on=body.first_due_on, count=body.count)))


@api.route(bp, "/debts/<int:debt_id>/settlements", summary="An account's settlements: "
           "pending sign-off, applied or rejected", response=SettlementList, tags=TAGS)
def list_settlements(debt_id: int):
    """Newest first."""
    items = settlements.of_account(database.session(), actor(), debt_id)
    return _done(SettlementList(items=[SettlementOut.model_validate(s) for s in items]))


@api.route(bp, "/debts/<int:debt_id>/settlements", "POST", summary="Offer a settlement "
           "(a deep discount waits for sign-off)", body=SettlementIn, response=SettlementOut,
           status=201, tags=TAGS, errors=(409,))
def offer_settlement(debt_id: int, body: SettlementIn):
    """Applied at once within the free discount; else pending until a reviewer approves."""
    return _done(SettlementOut.model_validate(settlements.offer(
        database.session(), actor(), debt_id, amount_cents=body.amount_cents, as_=body.as_,
        due_on=body.due_on, frequency=body.frequency, first_due_on=body.first_due_on,
        count=body.count, terms=terms())))
