"""The periodic sweep breaks overdue promises with the server's terms, once."""

from datetime import timedelta

from sqlalchemy import select

from console.collections.wiring import break_overdue_promises
from console.core.tasks import PERIODIC
from crm.customers import identity
from crm.models import DebtAccount, Promise, Task, utcnow


def test_the_sweep_is_periodic_and_breaks_what_is_overdue(app, session, default_client):
    assert "caseline.break_overdue_promises" in [name for _, name in PERIODIC]
    _, case, _ = identity.find_or_create(session, default_client.id, "+12125550100")
    debt = DebtAccount(client_id=case.client_id, case_id=case.id, account_number="A-1",
                       balance_cents=10_000)
    session.add(debt)
    session.flush()
    grace = app.config["CASELINE"].collections_promise_grace_days
    today = utcnow().date()
    for days, amount in ((grace + 1, 1000), (grace, 2000)):  # only the first is past its grace
        session.add(Promise(client_id=case.client_id, case_id=case.id, debt_account_id=debt.id,
                            amount_cents=amount, due_on=today - timedelta(days=days)))
    session.commit()
    assert break_overdue_promises.apply().get() == 1
    assert break_overdue_promises.apply().get() == 0
    assert session.scalars(select(Promise.status).order_by(Promise.amount_cents)).all() == [
        "broken", "open"]
    assert len(session.scalars(select(Task)).all()) == 1
