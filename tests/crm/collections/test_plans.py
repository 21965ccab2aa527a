"""Payment plans: instalments are promises; two misses break the plan and say so."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from crm.collections import payments, plans, promises
from crm.collections.terms import Terms
from crm.core.errors import Conflict, Invalid
from crm.models import DebtAccount, Interaction, PaymentPlan, Promise
from tests.crm.collections.conftest import TODAY

STRICT = Terms(promise_tolerance_cents=0, promise_grace_days=0)


def test_monthly_instalments_fall_on_the_day_or_the_months_last():
    assert plans.schedule(date(2027, 1, 31), "monthly", 3) == [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31)]
    assert plans.schedule(date(2026, 12, 7), "fortnightly", 2) == [
        date(2026, 12, 7), date(2026, 12, 21)]


def make_plan(session, actor, debt, count=4, first=TODAY):
    plan = plans.create(session, actor, debt.id, instalment_cents=10_000, frequency="weekly",
                        first_due_on=first, count=count, today=TODAY)
    session.commit()
    return plan


def test_a_plan_puts_the_account_on_a_plan_with_one_promise_per_instalment(
        session, collector, debt):
    plan = make_plan(session, collector, debt)
    dues = session.scalars(select(Promise.due_on).where(Promise.plan_id == plan.id)
                           .order_by(Promise.due_on)).all()
    assert dues == [TODAY + timedelta(days=7 * n) for n in range(4)]
    assert session.get(DebtAccount, debt.id).status == "payment_plan"
    with pytest.raises(Conflict):
        make_plan(session, collector, debt, count=1)


def test_two_missed_instalments_break_the_plan_and_say_so(session, collector, debt,
                                                          debtor_case):
    plan = make_plan(session, collector, debt)
    promises.sweep(session, today=TODAY + timedelta(days=1), terms=STRICT)
    session.commit()
    assert session.get(PaymentPlan, plan.id).status == "active"  # one miss
    promises.sweep(session, today=TODAY + timedelta(days=8), terms=STRICT)
    session.commit()
    assert session.get(PaymentPlan, plan.id).status == "broken"
    assert session.get(DebtAccount, debt.id).status == "active"
    statuses = session.scalars(select(Promise.status).where(Promise.plan_id == plan.id)
                               .order_by(Promise.due_on)).all()
    assert statuses == ["broken", "broken", "cancelled", "cancelled"]
    notes = session.scalars(select(Interaction.body).where(
        Interaction.case_id == debtor_case.id)).all()
    # Said for people: the account by number and creditor, days as they are written.
    assert "Payment plan on account ACC-1 (Acme Bank) broken: 2 instalments missed; the " \
           "account is active again" in notes
    assert "Payment plan on account ACC-1 (Acme Bank): 4 weekly instalments of USD 100.00 " \
           "from 7 Dec 2026" in notes
    assert "Instalment of USD 100.00 due 14 Dec 2026 on account ACC-1 (Acme Bank) broken: " \
           "follow up" in notes


def test_paying_every_instalment_completes_the_plan(session, collector, debt):
    plan = make_plan(session, collector, debt, count=2)
    for n in range(2):
        payments.post(session, collector, debt.id, amount_cents=10_000,
                      paid_on=TODAY + timedelta(days=7 * n), reference=f"I-{n}", method="ach",
                      today=TODAY + timedelta(days=7 * n), terms=STRICT)
        session.commit()
    assert session.get(PaymentPlan, plan.id).status == "completed"
    debt = session.get(DebtAccount, debt.id)
    assert (debt.status, debt.balance_cents) == ("active", 80_000)


@pytest.mark.parametrize("changes", [
    {"count": 0}, {"count": 11}, {"frequency": "daily"}, {"first_due_on": "2026-12-06"},
    {"instalment_cents": -1}])
def test_a_bad_plan_is_refused_and_stores_nothing(session, collector, debt, changes):
    values = {"instalment_cents": 10_000, "frequency": "weekly", "first_due_on": TODAY,
              "count": 4, **changes}
    with pytest.raises(Invalid):
        plans.create(session, collector, debt.id, today=TODAY, **values)
    session.rollback()
    assert session.scalars(select(PaymentPlan)).all() == []
    assert session.scalars(select(Promise)).all() == []
    assert session.get(DebtAccount, debt.id).status == "active"
