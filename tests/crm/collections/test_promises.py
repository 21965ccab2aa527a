"""Promises to pay: kept by payments within the tolerance, oldest first; broken when overdue."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.collections import payments, promises
from crm.collections.terms import Terms
from crm.core.errors import Invalid
from crm.models import AuditEvent, Interaction, Promise, Task
from tests.crm.collections.conftest import TODAY

STRICT = Terms(promise_tolerance_cents=100, promise_grace_days=0)


def pay(session, actor, debt, cents, reference, on=TODAY, terms=STRICT):
    payment, _ = payments.post(session, actor, debt.id, amount_cents=cents, paid_on=on,
                               reference=reference, method="card", today=TODAY, terms=terms)
    session.commit()
    return payment


def test_a_promise_due_yesterday_without_payment_is_broken_and_a_task_exists(
        session, collector, debt, debtor_case, owner):
    yesterday = TODAY - timedelta(days=1)
    promise = promises.take(session, collector, debt.id, amount_cents=5000, due_on=yesterday,
                            today=yesterday)
    session.commit()

    assert promises.sweep(session, today=TODAY, terms=STRICT) == 1
    session.commit()

    assert session.get(Promise, promise.id).status == "broken"
    task = session.scalars(select(Task).where(Task.case_id == debtor_case.id)).one()
    assert (task.assignee_id, task.status, task.kind) == (owner.id, "open", "follow_up")
    assert "broken" in task.title
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "promise.broken"))
    assert promises.sweep(session, today=TODAY, terms=STRICT) == 0  # idempotent


def test_the_grace_period_holds_the_promise_open(session, collector, debt):
    yesterday = TODAY - timedelta(days=1)
    promise = promises.take(session, collector, debt.id, amount_cents=5000, due_on=yesterday,
                            today=yesterday)
    session.commit()
    assert promises.sweep(session, today=TODAY, terms=Terms(promise_grace_days=2)) == 0
    assert session.get(Promise, promise.id).status == "open"


def test_a_payment_inside_the_tolerance_keeps_the_promise(session, collector, debt):
    promise = promises.take(session, collector, debt.id, amount_cents=5000, due_on=TODAY,
                            today=TODAY)
    session.commit()
    pay(session, collector, debt, 4950, "R-1")  # 50 cents short; tolerance is 100
    promise = session.get(Promise, promise.id)
    assert (promise.status, promise.paid_cents) == ("kept", 4950)
    assert session.get(type(debt), debt.id).balance_cents == 100_000 - 4950


def test_a_payment_short_beyond_the_tolerance_keeps_nothing(session, collector, debt):
    promise = promises.take(session, collector, debt.id, amount_cents=5000, due_on=TODAY,
                            today=TODAY)
    session.commit()
    pay(session, collector, debt, 4800, "R-1")
    assert session.get(Promise, promise.id).status == "open"
    assert promises.sweep(session, today=TODAY + timedelta(days=1), terms=STRICT) == 1
    assert session.get(Promise, promise.id).status == "broken"


def test_payments_apply_to_the_oldest_open_promise_first(session, collector, debt):
    later = promises.take(session, collector, debt.id, amount_cents=3000,
                          due_on=TODAY + timedelta(days=20), today=TODAY)
    older = promises.take(session, collector, debt.id, amount_cents=2000,
                          due_on=TODAY + timedelta(days=5), today=TODAY)
    session.commit()
    pay(session, collector, debt, 2500, "R-1")
    older, later = session.get(Promise, older.id), session.get(Promise, later.id)
    assert (older.status, older.paid_cents) == ("kept", 2000)
    assert (later.status, later.paid_cents) == ("open", 500)
    pay(session, collector, debt, 2500, "R-2")
    assert (session.get(Promise, later.id).status, later.paid_cents) == ("kept", 3000)


def test_a_promise_is_on_the_timeline_and_audited(session, collector, debt, debtor_case):
    promises.take(session, collector, debt.id, amount_cents=5000,
                  due_on=TODAY + timedelta(days=3), today=TODAY)
    session.commit()
    bodies = session.scalars(select(Interaction.body).where(
        Interaction.case_id == debtor_case.id)).all()
    # For people: no ISO day, and the account named by number and creditor.
    assert bodies == ["Promise of USD 50.00 due 10 Dec 2026 on account ACC-1 (Acme Bank)"]
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "promise.taken"))


@pytest.mark.parametrize(("amount", "due"), [
    (0, TODAY), (-5, TODAY), (True, TODAY), (200_000, TODAY), ("50", TODAY),
    (5000, TODAY - timedelta(days=1)), (5000, TODAY + timedelta(days=400)),
    (5000, "tomorrow"), (5000, "2026-02-30"), (5000, None)])
def test_a_bad_promise_is_refused_and_nothing_is_stored(session, collector, debt, amount,
                                                        due):
    with pytest.raises(Invalid):
        promises.take(session, collector, debt.id, amount_cents=amount, due_on=due,
                      today=TODAY)
    session.rollback()
    assert session.scalars(select(Promise)).all() == []
