"""The worklist's pages, filters and sorts; the sign-off queue and escalations named."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crm.customers import identity
from crm.models import Claim, Decision, Task, utcnow

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def many(session, default_client, agent):
    """30 cases the agent owns: every third urgent, every fifth with an open claim."""
    made = []
    for n in range(30):
        _, case, _ = identity.find_or_create(session, default_client.id, f"+1415555{n:04d}",
                                             display_name=f"Customer {n:02d}")
        case.owner_id = agent.id
        case.priority = "urgent" if n % 3 == 0 else "normal"
        case.status = "pending" if n % 4 == 0 else "open"
        case.last_activity_at = T0 + timedelta(hours=n)
        if n % 5 == 0:
            session.add(Claim(client_id=default_client.id, case_id=case.id, number=f"C-{n}"))
        made.append(case)
    session.flush()
    session.add(Task(client_id=default_client.id, case_id=made[7].id, title="soon",
                     due_at=utcnow() - timedelta(hours=1), assignee_id=agent.id))
    session.add(Task(client_id=default_client.id, case_id=made[3].id, title="later",
                     due_at=utcnow() + timedelta(days=3), assignee_id=agent.id))
    session.commit()
    return made


def test_the_worklist_pages_past_25(get, many):
    one = get("/worklist?view=assigned&page=1").get_json()
    two = get("/worklist?view=assigned&page=2").get_json()
    assert (one["page"], one["pages"], one["total"], one["per_page"]) == (1, 2, 30, 25)
    assert one["assigned_count"] == 30 and len(one["assigned"]) == 25
    assert len(two["assigned"]) == 5 and two["page"] == 2
    ids = [c["id"] for c in one["assigned"] + two["assigned"]]
    assert len(set(ids)) == 30  # no repeats, none skipped
    assert one["assigned"][0]["customer"]["display_name"] == "Customer 29"  # newest activity
    assert get("/worklist?view=assigned&page=9").get_json()["assigned"] == []
    small = get("/worklist?view=assigned&per_page=10&page=3").get_json()
    assert small["pages"] == 3 and len(small["assigned"]) == 10


def test_filters_narrow_the_paged_list(get, many):
    urgent = get("/worklist?priority=urgent").get_json()
    assert urgent["total"] == 10 and {c["priority"] for c in urgent["assigned"]} == {"urgent"}
    pending = get("/worklist?status=pending").get_json()
    assert {c["status"] for c in pending["assigned"]} == {"pending"} and pending["total"] == 8
    claims = get("/worklist?line=insurance").get_json()
    assert sorted(c["customer"]["display_name"] for c in claims["assigned"]) == [
        f"Customer {n:02d}" for n in range(0, 30, 5)]
    overdue = get("/worklist?due=overdue").get_json()
    assert [c["customer"]["display_name"] for c in overdue["assigned"]] == ["Customer 07"]
    week = get("/worklist?due=week").get_json()
    assert {c["customer"]["display_name"] for c in week["assigned"]} == {"Customer 07",
                                                                        "Customer 03"}
    assert get("/worklist?due=none").get_json()["total"] == 28
    both = get("/worklist?priority=urgent&line=insurance").get_json()
    assert {c["customer"]["display_name"] for c in both["assigned"]} == {
        "Customer 00", "Customer 15"}
    tasks = get("/worklist?view=tasks&due=overdue").get_json()
    assert [t["title"] for t in tasks["tasks"]] == ["soon"] and tasks["total"] == 1


def test_sorts_put_the_most_pressing_first(get, many):
    by_priority = get("/worklist?sort=priority&per_page=100").get_json()["assigned"]
    assert [c["priority"] for c in by_priority] == ["urgent"] * 10 + ["normal"] * 20
    by_due = get("/worklist?sort=due").get_json()["assigned"]
    assert [c["customer"]["display_name"] for c in by_due[:2]] == ["Customer 07", "Customer 03"]
    by_status = get("/worklist?sort=status&per_page=100").get_json()["assigned"]
    assert [c["status"] for c in by_status] == ["open"] * 22 + ["pending"] * 8


def test_closed_cases_only_when_asked_for(get, many, session):
    many[0].status = "closed"
    session.commit()
    assert get("/worklist").get_json()["total"] == 29
    closed = get("/worklist?status=closed").get_json()
    assert [c["id"] for c in closed["assigned"]] == [many[0].id]


@pytest.mark.parametrize("query", [
    "view=everything", "page=0", "page=abc", "per_page=1000", "status=sleeping",
    "priority=meh", "line=bakery", "due=yesterday", "sort=random", "page=99999999999"])
def test_bad_worklist_queries_are_4xx(get, many, query):
    resp = get(f"/worklist?{query}")
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)
    assert resp.get_json()["error"]["code"]


def test_sign_off_queue_names_customer_case_requester(client, session, default_client,
                                                      make_user, as_user, many):
    maker = make_user("agent", email="maker@example.com")
    session.add(Decision(client_id=default_client.id, case_id=many[2].id,
                         kind="claim_payout", summary="pay it", maker_id=maker.id))
    session.commit()
    _, headers = as_user("reviewer")
    items = client.get("/api/v1/decisions", headers=headers).get_json()["items"]
    assert items[0]["customer_name"] == "Customer 02"
    assert items[0]["case_reference"] == many[2].reference
    assert items[0]["requester"]["id"] == maker.id and items[0]["requester"]["name"]
    assert "amount_cents" in items[0]


def test_escalations_name_customer_case_and_requester(client, session, agent, token, as_user,
                                                      many):
    resp = client.post(f"/api/v1/cases/{many[4].id}/escalations",
                       json={"summary": "odd claim story", "severity": "high"},
                       headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 201, resp.get_json()
    _, headers = as_user("fraud")
    items = client.get("/api/v1/investigations/escalated", headers=headers).get_json()["items"]
    assert items[0]["customer_name"] == "Customer 04"
    assert items[0]["case_reference"] == many[4].reference
    assert items[0]["requester"] == {"id": agent.id, "name": agent.name}
