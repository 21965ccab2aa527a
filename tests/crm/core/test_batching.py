"""Group commit on a real database: every unit stored once, in shared transactions, and a
failing unit costs no other unit its commit."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import event, func, select

from console.core.database import get_db
from crm.core.batching import GroupCommit
from crm.core.errors import Invalid
from crm.customers import identity
from crm.models import ContactPoint, Customer


@pytest.fixture
def group(app, default_client):
    """A GroupCommit over the test database, and a count of the transactions it committed."""
    db = get_db(app)
    commits = []

    def count(_conn):
        commits.append(1)

    event.listen(db.engine, "commit", count)
    yield GroupCommit(db.factory), commits
    event.remove(db.engine, "commit", count)


def _together(group: GroupCommit, works) -> tuple[dict, dict]:
    """Submit works[0] first and hold it until every other one is queued behind it, so the
    rest form one batch; (results by index, errors by index)."""
    started, release = threading.Event(), threading.Event()
    results, errors = {}, {}

    def first(session):
        started.set()
        release.wait(10)
        return works[0](session)

    def submit(i, work):
        try:
            results[i] = group.run(work)
        except Exception as exc:
            errors[i] = exc

    threads = [threading.Thread(target=submit, args=(0, first))]
    threads[0].start()
    assert started.wait(10)
    threads += [threading.Thread(target=submit, args=(i, w)) for i, w in enumerate(works)
                if i]
    for t in threads[1:]:
        t.start()
    while len(group._queue) < len(works) - 1:
        time.sleep(0.001)
    release.set()
    for t in threads:
        t.join(30)
    return results, errors


def _new_customer(client_id: int, phone: str):
    def work(session):
        customer, _, created = identity.find_or_create(session, client_id, phone)
        assert created
        return customer.id
    return work


def test_units_queued_together_commit_in_one_transaction(group, default_client, app):
    runner, commits = group
    phones = [f"+1415555{n:04d}" for n in range(8)]
    results, errors = _together(runner, [_new_customer(default_client.id, p) for p in phones])
    assert errors == {}
    assert len(set(results.values())) == 8
    # The first unit alone, then the seven queued behind it in one transaction.
    assert len(commits) == 2
    with get_db(app).factory() as s:
        assert sorted(s.scalars(select(ContactPoint.value))) == phones


def test_a_failing_unit_is_rolled_back_alone_and_the_others_are_stored(group, default_client,
                                                                       app):
    runner, _ = group

    def bad(session):
        identity.find_or_create(session, default_client.id, "+14155559999")
        raise Invalid("this message is refused")

    works = [_new_customer(default_client.id, "+14155550000"),
             _new_customer(default_client.id, "+14155550001"), bad,
             _new_customer(default_client.id, "+14155550002")]
    results, errors = _together(runner, works)
    assert set(errors) == {2} and isinstance(errors[2], Invalid)
    assert set(results) == {0, 1, 3}
    with get_db(app).factory() as s:
        assert sorted(s.scalars(select(ContactPoint.value))) == [
            "+14155550000", "+14155550001", "+14155550002"]
        assert s.scalar(select(func.count()).select_from(Customer)) == 3  # nothing of the bad one


def test_a_unit_alone_runs_at_once_in_its_own_transaction(group, default_client):
    runner, commits = group
    assert runner.run(_new_customer(default_client.id, "+14155550123"))
    assert len(commits) == 1
    with pytest.raises(Invalid):
        runner.run(lambda session: (_ for _ in ()).throw(Invalid("no")))
    assert len(commits) == 1
