"""Settlements: within the free discount they apply at once; deeper ones wait for sign-off."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.collections import payments, plans, promises, settlements
from crm.collections.terms import Terms
from crm.core.errors import Conflict, Invalid
from crm.models import (
    AuditEvent,
    DebtAccount,
    Decision,
    Interaction,
    PaymentPlan,
    Promise,
    Settlement,
)
from crm.signoff import decisions
from tests.crm.collections.conftest import TODAY

TERMS = Terms(settlement_free_discount_pct=10)


def offer(session, actor, debt, amount, **shape):
    shape = shape or {"as_": "promise", "due_on": TODAY + timedelta(days=10)}
    made = settlements.offer(session, actor, debt.id, amount_cents=amount, today=TODAY,
                             terms=TERMS, **shape)
    session.commit()
    return made


def test_a_small_discount_applies_at_once_and_paying_it_settles(session, collector, debt):
    settlement = offer(session, collector, debt, 92_000)
    assert (settlement.status, settlement.decision_id) == ("applied", None)
    promise = session.scalars(select(Promise).where(
        Promise.settlement_id == settlement.id)).one()
    assert promise.amount_cents == 92_000
    payments.post(session, collector, debt.id, amount_cents=92_000, paid_on=TODAY,
                  reference="S-1", method="bank_transfer", today=TODAY, terms=TERMS)
    session.commit()
    debt = session.get(DebtAccount, debt.id)
    assert (debt.status, debt.balance_cents) == ("settled", 8_000)


def test_a_deep_discount_waits_for_sign_off_then_becomes_the_plan(session, collector, debt,
                                                                   make_user):
    settlement = offer(session, collector, debt, 60_000, as_="plan", frequency="monthly",
                       first_due_on=TODAY + timedelta(days=3), count=3)
    assert settlement.status == "pending"
    decision = session.get(Decision, settlement.decision_id)
    assert (decision.kind, decision.status) == ("settlement_offer", "pending")
    assert "60%" not in decision.summary and "40.0% off" in decision.summary
    # The reviewer reads it as people write it: the account named, the day in words.
    assert decision.summary == ("Settle account ACC-1 (Acme Bank) for USD 600.00 (balance "
                                "USD 1,000.00, 40.0% off) as 3 monthly instalments from "
                                "10 Dec 2026")
    assert session.scalars(select(PaymentPlan)).all() == []

    decisions.decide(session, make_user("reviewer"), decision.id, approve=True)
    session.commit()
    assert session.get(Settlement, settlement.id).status == "applied"
    plan = session.scalars(select(PaymentPlan)).one()
    amounts = session.scalars(select(Promise.amount_cents).where(Promise.plan_id == plan.id)
                              ).all()
    assert (plan.settlement_id, sum(amounts), len(amounts)) == (settlement.id, 60_000, 3)
    assert session.get(DebtAccount, debt.id).status == "payment_plan"


def test_a_rejected_settlement_becomes_nothing(session, collector, debt, make_user):
    settlement = offer(session, collector, debt, 50_000)
    decisions.decide(session, make_user("reviewer"), settlement.decision_id, approve=False,
                     note="Too generous")
    session.commit()
    assert session.get(Settlement, settlement.id).status == "rejected"
    assert session.scalars(select(Promise)).all() == []


def test_a_second_offer_waits_until_the_first_is_decided(session, collector, debt, make_user):
    first = offer(session, collector, debt, 50_000)
    with pytest.raises(Conflict, match="already waiting for sign-off"):
        offer(session, collector, debt, 55_000)
    session.rollback()
    assert session.scalars(select(Settlement)).all() == [first]
    decisions.decide(session, make_user("reviewer"), first.decision_id, approve=False,
                     note="Too generous")
    session.commit()
    assert offer(session, collector, debt, 70_000).status == "pending"  # now it may


def test_an_agreed_settlement_supersedes_the_earlier_plan_and_promises(session, collector,
                                                                        debt, make_user):
    plans.create(session, collector, debt.id, instalment_cents=10_000, frequency="weekly",
                 first_due_on=TODAY, count=5, today=TODAY)
    session.commit()
    earlier = session.scalars(select(Promise.id).where(Promise.debt_account_id == debt.id)
                              ).all()
    settlement = offer(session, collector, debt, 60_000, as_="plan", frequency="monthly",
                       first_due_on=TODAY + timedelta(days=3), count=2)
    decisions.decide(session, make_user("reviewer"), settlement.decision_id, approve=True)
    session.commit()
    statuses = dict(session.execute(select(Promise.id, Promise.status).where(
        Promise.debt_account_id == debt.id)).all())
    assert {statuses[i] for i in earlier} == {"superseded"}
    new = [i for i, status in statuses.items() if i not in earlier]
    assert len(new) == 2 and {statuses[i] for i in new} == {"open"}
    assert sorted(session.scalars(select(PaymentPlan.status))) == ["active", "superseded"]
    assert session.get(DebtAccount, debt.id).status == "payment_plan"
    event = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "collections.superseded")).one()
    assert sorted(event.after["promise_ids"]) == sorted(earlier)
    notes = session.scalars(select(Interaction.body).where(
        Interaction.case_id == debt.case_id)).all()
    assert ("Superseded by the settlement of account ACC-1 (Acme Bank): the payment plan and "
            "5 open promises closed") in notes
    assert ("Settlement of account ACC-1 (Acme Bank) agreed: USD 600.00 as 2 monthly "
            "instalments") in notes
    # A payment goes to the settlement's instalments, never to what it replaced.
    payments.post(session, collector, debt.id, amount_cents=30_000, paid_on=TODAY,
                  reference="S-2", method="card", today=TODAY, terms=TERMS)
    session.commit()
    assert session.scalar(select(Promise.status).where(Promise.id == min(new))) == "kept"


def test_a_settlement_as_one_payment_closes_open_promises_and_ends_the_plan(session,
                                                                           collector, debt):
    promises.take(session, collector, debt.id, amount_cents=5_000,
                  due_on=TODAY + timedelta(days=2), today=TODAY)
    plans.create(session, collector, debt.id, instalment_cents=10_000, frequency="weekly",
                 first_due_on=TODAY, count=3, today=TODAY)
    session.commit()
    settlement = offer(session, collector, debt, 95_000)
    assert settlement.status == "applied"
    open_ = session.scalars(select(Promise).where(Promise.status == "open")).all()
    assert [p.settlement_id for p in open_] == [settlement.id]
    assert session.scalars(select(PaymentPlan.status)).all() == ["superseded"]
    assert session.get(DebtAccount, debt.id).status == "active"


@pytest.mark.parametrize("shape", [
    {"as_": "lump"}, {"as_": "promise"}, {"as_": "promise", "due_on": "2026-12-01"},
    {"as_": "plan", "frequency": "weekly", "first_due_on": TODAY},
    {"as_": "plan", "frequency": "yearly", "first_due_on": TODAY, "count": 2}])
def test_bad_terms_are_refused_before_anything_is_stored(session, collector, debt, shape):
    with pytest.raises(Invalid):
        settlements.offer(session, collector, debt.id, amount_cents=50_000, today=TODAY,
                          terms=TERMS, **shape)
    session.rollback()
    assert session.scalars(select(Settlement)).all() == []
    assert session.scalars(select(Decision)).all() == []
