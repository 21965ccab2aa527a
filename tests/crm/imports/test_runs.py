"""The import runner: batches, resuming after a crash, a second runner, rows within a batch."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm.core import events
from crm.imports import debts, runs
from crm.models import Case, ContactPoint, Customer, DebtAccount, Import
from tests.console.imports.conftest import csv_bytes, row


class Killed(Exception):
    """The worker died (a killed process takes its locks with it; an exception says as much
    to a test that goes on in the same process)."""


def _count(session, model) -> int:
    # Each read ends its transaction: on SQLite an open one holds the write lock the runner
    # needs next.
    n = session.scalar(select(func.count()).select_from(model))
    session.commit()
    return n


def _import(session, import_id) -> Import:
    item = session.get(Import, import_id, populate_existing=True)
    session.commit()
    return item


def test_batches_commit_progress_and_announce_it(session, started, factory, store):
    seen = []
    events.subscribe(events.IMPORT_PROGRESS, lambda name, p: seen.append(p["progress"]))
    import_id = started(csv_bytes([row(n) for n in range(1, 26)]))
    runs.run(factory, import_id, store, batch=10)
    item = _import(session, import_id)
    assert (item.status, item.total, item.processed, item.accepted) == ("done", 25, 25, 25)
    assert [p["processed"] for p in seen] == [0, 10, 20, 25, 25]
    assert seen[-1]["status"] == "done" and _count(session, DebtAccount) == 25


def test_a_run_that_died_resumes_where_it_got_to(session, started, factory, store,
                                                 monkeypatch):
    import_id = started(csv_bytes([row(n) for n in range(1, 31)]))
    real = debts.apply
    calls = iter(range(100))

    def dies_on_the_third_batch(*args):
        if next(calls) == 2:
            raise Killed  # mid-batch
        return real(*args)

    monkeypatch.setattr(debts, "apply", dies_on_the_third_batch)
    with pytest.raises(Killed):
        runs.run(factory, import_id, store, batch=10)
    item = _import(session, import_id)
    assert (item.status, item.processed) == ("running", 20)
    assert _count(session, DebtAccount) == 20  # the third batch left nothing behind
    monkeypatch.setattr(debts, "apply", real)
    runs.run(factory, import_id, store, batch=10)
    item = _import(session, import_id)
    assert (item.status, item.processed, item.accepted) == ("done", 30, 30)
    assert _count(session, DebtAccount) == 30 and _count(session, Customer) == 30


def test_a_finished_import_run_again_does_nothing(session, started, factory, store):
    import_id = started(csv_bytes([row(1)]))
    runs.run(factory, import_id, store)
    runs.run(factory, import_id, store)
    assert _import(session, import_id).accepted == 1


def test_a_runner_overtaken_by_another_stops(session, started, factory, store, monkeypatch):
    import_id = started(csv_bytes([row(n) for n in range(1, 11)]))
    real = debts.apply

    def another_runner_got_there_first(session_, *args):
        session_.execute(Import.__table__.update().values(processed=999))
        return real(session_, *args)

    monkeypatch.setattr(debts, "apply", another_runner_got_there_first)
    runs.run(factory, import_id, store, batch=5)
    item = _import(session, import_id)
    assert item.processed == 0 and item.status == "running"
    assert _count(session, DebtAccount) == 0


def test_rows_of_one_new_person_in_a_batch_make_one_customer(session, started, factory,
                                                             store):
    rows = [row(1), row(1, account_number="A-1b", external_ref="", email=""),
            row(1, account_number="A-1c", external_ref="", phone="", balance="5.00"),
            row(1, account_number="A-1c", external_ref="", phone="", balance="6.00")]
    import_id = started(csv_bytes(rows))
    runs.run(factory, import_id, store)
    assert _count(session, Customer) == 1 and _count(session, Case) == 1
    assert _count(session, ContactPoint) == 2
    balances = dict(session.execute(select(DebtAccount.account_number,
                                           DebtAccount.balance_cents)).all())
    session.commit()
    assert balances == {"A-1": 95050, "A-1b": 95050, "A-1c": 600}  # the later row wins
    assert _import(session, import_id).accepted == 4


def test_a_new_row_that_contradicts_an_earlier_one_in_its_batch_is_rejected(
        session, started, factory, store):
    rows = [row(1), row(2), row(3, phone=row(1)["phone"], email=row(2)["email"])]
    import_id = started(csv_bytes(rows))
    runs.run(factory, import_id, store)
    item = _import(session, import_id)
    assert (item.accepted, item.rejected) == (2, 1)
    assert _count(session, Customer) == 2


def test_stalled_imports_are_found_for_the_sweeper(session, started):
    from datetime import timedelta

    from crm.models.base import utcnow

    import_id = started(csv_bytes([row(1)]))
    assert runs.unfinished(session, utcnow() + timedelta(seconds=1)) == [import_id]
    assert runs.unfinished(session, utcnow() - timedelta(minutes=5)) == []
