"""Payments: idempotent on the reference, lower the balance, reversed only by a new payment."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from crm.collections import allocations, payments, plans, promises
from crm.core.errors import Conflict, Forbidden, Invalid
from crm.models import AuditEvent, DebtAccount, Interaction, Payment, Promise
from tests.crm.collections.conftest import TODAY


def pay(session, actor, debt_id, cents=2500, reference="R-1", on=TODAY):
    made = payments.post(session, actor, debt_id, amount_cents=cents, paid_on=on,
                         reference=reference, method="card", today=TODAY)
    session.commit()
    return made


def test_the_same_reference_twice_is_one_payment(session, collector, debt, debtor_case):
    first, new = pay(session, collector, debt.id)
    again, new_again = pay(session, collector, debt.id)
    assert (new, new_again, again.id) == (True, False, first.id)
    assert session.scalar(select(func.count()).select_from(Payment)) == 1
    assert session.get(DebtAccount, debt.id).balance_cents == 100_000 - 2500
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "payment.posted"))
    assert any("Payment of USD 25.00" in b for b in session.scalars(
        select(Interaction.body).where(Interaction.case_id == debtor_case.id)))


@pytest.mark.parametrize("other", [{"cents": 9999}, {"on": TODAY - timedelta(days=1)}])
def test_another_payment_under_a_used_reference_is_refused(session, collector, debt, other):
    pay(session, collector, debt.id)
    with pytest.raises(Conflict) as refused:
        pay(session, collector, debt.id, **other)
    assert refused.value.code == "reference_used"
    assert "R-1" in refused.value.message and "USD 25.00" in refused.value.message
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Payment)) == 1
    assert session.get(DebtAccount, debt.id).balance_cents == 100_000 - 2500


def test_the_same_reference_on_another_account_is_another_payment(session, collector, debt,
                                                                   make_debt):
    other = make_debt(5000)
    pay(session, collector, debt.id)
    _, new = pay(session, collector, other.id)
    assert new


def test_paying_the_balance_makes_the_account_paid(session, collector, make_debt):
    debt = make_debt(5000)
    pay(session, collector, debt.id, cents=5000)
    debt = session.get(DebtAccount, debt.id)
    assert (debt.balance_cents, debt.status) == (0, "paid")
    with pytest.raises(Conflict):
        pay(session, collector, debt.id, cents=1, reference="R-2")


@pytest.mark.parametrize(("cents", "on", "method", "reference"), [
    (0, TODAY, "card", "R"), (100_001, TODAY, "card", "R"), (100, TODAY + timedelta(days=1),
                                                             "card", "R"),
    (100, TODAY, "bitcoin", "R"), (100, TODAY, "card", "  "), (100, "07/12/2026", "card", "R")])
def test_bad_payments_are_refused_and_store_nothing(session, collector, debt, cents, on,
                                                    method, reference):
    with pytest.raises(Invalid):
        payments.post(session, collector, debt.id, amount_cents=cents, paid_on=on,
                      reference=reference, method=method, today=TODAY)
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Payment)) == 0
    assert session.get(DebtAccount, debt.id).balance_cents == 100_000


def test_a_reversal_is_a_payment_of_its_own_and_needs_a_supervisor(session, collector, debt,
                                                                    make_user):
    payment, _ = pay(session, collector, debt.id)
    with pytest.raises(Forbidden):
        payments.reverse(session, collector, payment.id, reason="Bounced", today=TODAY)
    session.rollback()
    supervisor = make_user("supervisor")
    reversal = payments.reverse(session, supervisor, payment.id, reason="Card chargeback",
                                today=TODAY)
    session.commit()
    assert (reversal.amount_cents, reversal.reverses_payment_id) == (-2500, payment.id)
    assert session.get(Payment, payment.id).amount_cents == 2500  # never edited
    assert session.get(DebtAccount, debt.id).balance_cents == 100_000
    with pytest.raises(Conflict):
        payments.reverse(session, supervisor, payment.id, reason="Again", today=TODAY)
    session.rollback()
    with pytest.raises(Conflict):
        payments.reverse(session, supervisor, reversal.id, reason="Undo", today=TODAY)


def test_reversing_the_payment_that_kept_a_promise_reopens_it(session, collector, debt,
                                                               make_user):
    promise = promises.take(session, collector, debt.id, amount_cents=2500,
                            due_on=TODAY + timedelta(days=3), today=TODAY)
    session.commit()
    payment, _ = pay(session, collector, debt.id)
    assert session.get(Promise, promise.id).status == "kept"
    payments.reverse(session, make_user("supervisor"), payment.id, reason="Bounced",
                     today=TODAY)
    session.commit()
    promise = session.get(Promise, promise.id)
    assert (promise.status, promise.paid_cents) == ("open", 0)


def test_another_clients_account_is_not_found(session, debt, make_user, other_client):
    from crm.core.errors import NotFound

    stranger = make_user("supervisor", clients=[other_client])
    with pytest.raises(NotFound):
        pay(session, stranger, debt.id)


def test_a_payment_says_which_instalment_it_went_to_when_not_the_new_promise(
        session, collector, debt, debtor_case):
    # A weekly plan from today; the first instalment is paid on time.
    plans.create(session, collector, debt.id, instalment_cents=10_000, frequency="weekly",
                 first_due_on=TODAY, count=4, today=TODAY)
    pay(session, collector, debt.id, cents=10_000, reference="P-1")
    # A week on, the debtor promises USD 100.00 for the day instalment 2 is due, and pays it.
    week = TODAY + timedelta(days=7)
    promise = promises.take(session, collector, debt.id, amount_cents=10_000, due_on=week,
                            today=week)
    session.commit()
    payment, _ = payments.post(session, collector, debt.id, amount_cents=10_000, paid_on=week,
                               reference="P-2", method="card", today=week)
    session.commit()
    # Oldest first (the rule stands): the instalment is kept, the new promise still open...
    assert session.get(Promise, promise.id).status == "open"
    # ...and the payment says so, in the words the agent reads.
    note = session.scalars(select(Interaction.body).where(
        Interaction.case_id == debtor_case.id).order_by(Interaction.id.desc())).first()
    assert note == ("Payment of USD 100.00 received on account ACC-1 (Acme Bank) (card, P-2, "
                    "paid 14 Dec 2026); applied to instalment 2 of 4 due 14 Dec 2026")
    shares = allocations.of_payments(session, [payment])[payment.id]
    assert [(a.amount_cents, a.instalment, a.instalments, a.words()) for a in shares] == [
        (10_000, 2, 4, "instalment 2 of 4 due 14 Dec 2026")]


def test_a_payment_split_over_two_promises_names_each_share(session, collector, debt,
                                                            debtor_case):
    for days in (1, 2):
        promises.take(session, collector, debt.id, amount_cents=3_000,
                      due_on=TODAY + timedelta(days=days), today=TODAY)
    pay(session, collector, debt.id, cents=4_000, reference="S-1")
    note = session.scalars(select(Interaction.body).where(
        Interaction.case_id == debtor_case.id).order_by(Interaction.id.desc())).first()
    assert note.endswith("applied USD 30.00 to the promise due 8 Dec 2026 and USD 10.00 to "
                         "the promise due 9 Dec 2026")
    pay(session, collector, debt.id, cents=1_000, reference="S-2", on=TODAY)
    first = session.scalars(select(Interaction.body).where(
        Interaction.case_id == debtor_case.id).order_by(Interaction.id.desc())).first()
    assert first.endswith("applied to the promise due 9 Dec 2026")
