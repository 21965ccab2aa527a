"""Domain events reach listeners only after their transaction commits."""

from crm.core import events
from crm.customers import identity


def test_events_wait_for_commit_and_vanish_on_rollback(session, default_client):
    seen = []
    events.subscribe(events.CASE_UPDATED, lambda name, payload: seen.append(payload["case_id"]))

    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    assert seen == []  # savepoint released, but nothing committed yet
    session.commit()
    assert seen == [case.id]

    identity.find_or_create(session, default_client.id, "+14155550111")
    session.rollback()
    session.commit()
    assert seen == [case.id]


def test_a_failing_listener_does_not_stop_the_others(session, default_client):
    seen = []

    def broken(name, payload):
        raise RuntimeError("boom")

    events.subscribe(events.CASE_UPDATED, broken)
    events.subscribe(events.CASE_UPDATED, lambda n, p: seen.append(n))
    identity.find_or_create(session, default_client.id, "+14155550100")
    session.commit()
    assert seen == [events.CASE_UPDATED]


def test_an_in_transaction_listener_commits_with_the_transaction(session, default_client):
    from crm.models import Case

    seen = []

    def flag(sess, name, payload):
        # Its change joins the transaction; what it raises is dispatched after the commit.
        sess.get(Case, payload["case_id"]).flags = ["joined"]
        events.emit(sess, events.TASK_CREATED, case_id=payload["case_id"])

    events.subscribe_in_transaction(events.CASE_UPDATED, flag)
    events.subscribe(events.TASK_CREATED, lambda n, p: seen.append(p["case_id"]))
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    assert case.flags == [] and seen == []
    session.commit()
    session.expire_all()
    assert session.get(Case, case.id).flags == ["joined"]
    assert seen == [case.id]


def test_an_urgent_listener_runs_before_the_ordinary_ones_of_earlier_events(
        session, default_client):
    # A screen pop must not wait for the case-room broadcast of the call raised before it.
    seen = []
    events.subscribe(events.CASE_UPDATED, lambda n, p: seen.append(("ordinary", n)))
    events.subscribe(events.TASK_CREATED, lambda n, p: seen.append(("urgent", n)), urgent=True)
    events.subscribe(events.TASK_CREATED, lambda n, p: seen.append(("ordinary", n)))
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    events.emit(session, events.TASK_CREATED, case_id=case.id)
    session.commit()
    assert seen == [("urgent", events.TASK_CREATED), ("ordinary", events.CASE_UPDATED),
                    ("ordinary", events.TASK_CREATED)]
