"""Workspace services: local time, search keys, recent cases, digest on an empty case."""

from __future__ import annotations

from datetime import UTC, datetime

from crm.cases import digest, worklist
from crm.customers import identity, profile
from crm.models import RecentCase
from crm.models.workspace import name_keys, reversed_digits


def test_local_time_of_a_customer():
    now = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
    assert profile.local_time("Asia/Kolkata", now).isoformat() == "2025-06-01T17:30:00+05:30"
    assert profile.local_time("Not/AZone", now) is None
    assert profile.local_time(None, now) is None


def test_keys_for_search():
    assert name_keys("ana de lopez") == ["ana de lopez", "de lopez", "lopez"]
    assert name_keys("") == []
    assert reversed_digits("+1 (415) 555-0100") == "00105555141"
    assert reversed_digits("no digits") is None


def test_recent_cases_are_newest_first_and_never_repeat(session, default_client, agent):
    cases = [identity.find_or_create(session, default_client.id, f"+1415555010{n}")[1]
             for n in range(3)]
    session.commit()
    for case in (cases[0], cases[1], cases[0], cases[2]):
        worklist.touch(session, agent, case)
        session.commit()
    recent = worklist.for_actor(session, agent).recent
    assert [c.id for c, _ in recent] == [cases[2].id, cases[0].id, cases[1].id]
    assert session.query(RecentCase).count() == 3
    session.rollback()


def test_digest_of_a_new_case_is_empty(session, default_client, agent):
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    session.commit()
    d = digest.for_case(session, agent, case.id)
    assert (d.last_contact, d.open_work, d.next_task, d.open_tasks) == ([], [], None, 0)
    session.rollback()
