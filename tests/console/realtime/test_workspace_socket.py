"""Live workspace over /agent: presence per case and catch-up cursors on live items."""

from __future__ import annotations

import os

import pytest

from console.core.extensions import socketio
from crm.cases import timeline
from crm.core import events
from crm.customers import identity
from crm.tenancy import users


@pytest.fixture
def connect(app, session):
    """A connected /agent test client for a user."""
    opened = []

    def make(user):
        raw = users.issue_token(session, user)
        session.commit()
        sio = socketio.test_client(app, namespace="/agent", auth={"token": raw})
        assert sio.is_connected("/agent")
        opened.append(sio)
        return sio

    yield make
    for sio in opened:
        if sio.is_connected("/agent"):
            sio.disconnect(namespace="/agent")


def viewers_seen(sio):
    """The viewer names of the last case.viewers event this client received."""
    got = [m["args"][0] for m in sio.get_received("/agent") if m["name"] == events.CASE_VIEWERS]
    return sorted(v["name"] for v in got[-1]["viewers"]) if got else None


def watch(sio, case_id):
    return sio.emit(events.CASE_WATCH, {"case_id": case_id}, namespace="/agent", callback=True)


def test_two_agents_on_one_case_see_each_other(connect, make_user, case):
    ana, ben = make_user("agent"), make_user("agent")
    a, b = connect(ana), connect(ben)
    assert watch(a, case.id)["ok"]
    assert viewers_seen(a) == [ana.name]
    assert watch(b, case.id)["ok"]
    assert viewers_seen(a) == sorted([ana.name, ben.name])
    assert viewers_seen(b) == sorted([ana.name, ben.name])
    b.disconnect(namespace="/agent")
    assert viewers_seen(a) == [ana.name]


def test_unwatching_leaves_the_viewers_and_the_room(connect, make_user, case, session, agent):
    ana, ben = make_user("agent"), make_user("agent")
    a, b = connect(ana), connect(ben)
    watch(a, case.id)
    watch(b, case.id)
    a.get_received("/agent")
    ack = b.emit(events.CASE_UNWATCH, {"case_id": case.id}, namespace="/agent", callback=True)
    assert ack == {"ok": True}
    assert viewers_seen(a) == [ana.name]
    b.get_received("/agent")
    timeline.add_note(session, agent, case.id, "after unwatch")
    session.commit()
    assert not [m for m in b.get_received("/agent") if m["name"] == events.INTERACTION_CREATED]


def test_one_agent_in_two_tabs_is_one_viewer(connect, make_user, case):
    ana = make_user("agent")
    a1, a2 = connect(ana), connect(ana)
    watch(a1, case.id)
    watch(a2, case.id)
    assert viewers_seen(a1) == [ana.name]


def test_a_note_posted_through_the_api_reaches_watchers_with_its_cursor(
        connect, make_user, case, client, token):
    watcher = connect(make_user("agent"))
    watch(watcher, case.id)
    watcher.get_received("/agent")
    resp = client.post(f"/api/v1/cases/{case.id}/notes", json={"body": "<script>x</script>"},
                       headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 201
    got = [m["args"][0] for m in watcher.get_received("/agent")
           if m["name"] == events.INTERACTION_CREATED]
    assert len(got) == 1
    assert got[0]["interaction"]["body"] == "<script>x</script>"
    assert got[0]["cursor"] == resp.get_json()["cursor"]


def test_a_case_status_change_reaches_watchers(connect, make_user, case, session, agent):
    from crm.cases import records as cases

    watcher = connect(make_user("agent"))
    watch(watcher, case.id)
    watcher.get_received("/agent")
    cases.update(session, agent, case.id, status="pending")
    session.commit()
    got = [m["args"][0] for m in watcher.get_received("/agent")
           if m["name"] == events.CASE_UPDATED]
    assert got and got[-1]["case"]["status"] == "pending"


def test_an_escalation_reaches_watchers_with_the_cases_lines_of_work(connect, make_user, case,
                                                                    session, agent):
    from crm.fraud import investigations as fraud

    watcher = connect(make_user("agent"))
    watch(watcher, case.id)
    watcher.get_received("/agent")
    fraud.escalate(session, agent, case.id, "Same invoice twice")
    session.commit()
    got = [m["args"][0] for m in watcher.get_received("/agent")
           if m["name"] == events.CASE_UPDATED]
    # The room is anyone watching: the line says only that the case is under review.
    assert [(w["kind"], w["status"], w["reference"]) for w in got[-1]["case"]["open_work"]] == [
        ("investigation", "under review", "under review")]


def test_bad_unwatch_is_refused(connect, agent):
    sio = connect(agent)
    ack = sio.emit(events.CASE_UNWATCH, {"case_id": "x"}, namespace="/agent", callback=True)
    assert ack["ok"] is False and ack["error"]["code"] == "invalid"


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL")
def test_viewers_are_shared_by_web_processes_through_redis():
    """Two processes' stores on one Redis: each sees the other's watchers."""
    import redis

    from console.realtime.watchers import RedisViewers

    url = os.environ["TEST_REDIS_URL"]
    one, two = (RedisViewers(redis.Redis.from_url(url, decode_responses=True))
                for _ in range(2))
    case_id = 987_654_321
    one.add(case_id, "sid-a", 1, "Ana")
    two.add(case_id, "sid-b", 2, "Ben")
    assert sorted(one.people(case_id)) == [(1, "Ana"), (2, "Ben")]
    assert two.cases_of("sid-a") == [case_id]
    assert one.remove(case_id, "sid-b") and not one.remove(case_id, "sid-b")
    assert two.people(case_id) == [(1, "Ana")]
    two.remove(case_id, "sid-a")
    assert one.people(case_id) == []


def test_a_new_contact_point_reaches_watchers_of_the_customers_case(connect, make_user, case,
                                                                    session):
    from crm.models import Customer

    watcher = connect(make_user("agent"))
    watch(watcher, case.id)
    watcher.get_received("/agent")
    identity.add_contact_point(session, None, session.get(Customer, case.customer_id),
                               "ana@example.com")
    session.commit()
    got = [m["args"][0] for m in watcher.get_received("/agent")
           if m["name"] == events.CUSTOMER_UPDATED]
    assert got and got[-1]["case_id"] == case.id
    assert {c["value"] for c in got[-1]["customer"]["contact_points"]} >= {"ana@example.com"}
