"""Tasks through the API: create, list, complete, snooze, reassign; roles and tenancy."""

import pytest
from sqlalchemy import select

from crm.customers import identity
from crm.models import AuditEvent, Task, Team
from crm.tenancy import users


def _auth(raw):
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def auth(token):
    return _auth(token)


@pytest.fixture
def token_of(session):
    def make(user):
        raw = users.issue_token(session, user)
        session.commit()
        return _auth(raw)
    return make


def _new(client, auth, case, **body):
    return client.post("/api/v1/tasks", headers=auth, json={
        "case_id": case.id, "title": "Send the claim form", "due_at": "2099-01-02T09:00:00Z",
        **body})


def test_a_task_made_without_an_assignee_is_the_makers_and_is_listed(client, auth, case,
                                                                      agent, session):
    resp = _new(client, auth, case)
    assert resp.status_code == 201, resp.get_json()
    task = resp.get_json()
    assert task["assignee_id"] == agent.id and task["status"] == "open"
    assert task["due_at"].startswith("2099-01-02T09:00")
    for query in (f"case_id={case.id}", "assignee=me", f"assignee={agent.id}"):
        items = client.get(f"/api/v1/tasks?{query}", headers=auth).get_json()["items"]
        assert [t["id"] for t in items] == [task["id"]], query
    assert session.scalars(select(AuditEvent).where(
        AuditEvent.action == "task.created")).one().actor_id == agent.id


def test_complete_snooze_and_reopen(client, auth, case):
    task = _new(client, auth, case).get_json()
    url = f"/api/v1/tasks/{task['id']}"
    past = client.patch(url, headers=auth, json={"status": "snoozed",
                                                 "snoozed_until": "2001-01-01T00:00:00Z"})
    bare = client.patch(url, headers=auth, json={"status": "snoozed"})
    assert [past.status_code, bare.status_code] == [422, 422]
    snoozed = client.patch(url, headers=auth, json={"status": "snoozed",
                                                    "snoozed_until": "2099-03-01T08:00:00Z"})
    assert snoozed.status_code == 200 and snoozed.get_json()["status"] == "snoozed"
    listed = client.get(f"/api/v1/tasks?case_id={case.id}", headers=auth).get_json()["items"]
    assert listed == []  # snoozed until a time to come: out of the active list
    done = client.patch(url, headers=auth, json={"status": "done"}).get_json()
    assert done["status"] == "done" and done["completed_at"] and done["snoozed_until"] is None
    assert [t["id"] for t in client.get(f"/api/v1/tasks?case_id={case.id}&status=done",
                                        headers=auth).get_json()["items"]] == [task["id"]]
    reopened = client.patch(url, headers=auth, json={"status": "open"}).get_json()
    assert reopened["status"] == "open" and reopened["completed_at"] is None


def test_reassigning_to_a_colleague_or_a_team(client, auth, case, make_user, session,
                                              token_of):
    colleague = make_user("agent")
    team = Team(name="Claims desk")
    session.add(team)
    session.commit()
    task = _new(client, auth, case).get_json()
    url = f"/api/v1/tasks/{task['id']}"
    moved = client.patch(url, headers=auth, json={"assignee_id": colleague.id}).get_json()
    assert moved["assignee_id"] == colleague.id
    theirs = client.get("/api/v1/tasks?assignee=me", headers=token_of(colleague)).get_json()
    assert [t["id"] for t in theirs["items"]] == [task["id"]]
    boss = token_of(make_user("supervisor"))
    to_team = client.patch(url, headers=boss, json={"team_id": team.id}).get_json()
    assert to_team["team_id"] == team.id and to_team["assignee_id"] is None
    assert client.patch(url, headers=boss, json={"assignee_id": None, "team_id": None}
                        ).status_code == 422


def test_an_agent_may_not_move_a_colleagues_task(client, case, make_user, token_of, session):
    owner, other = make_user("agent"), make_user("agent")
    task = _new(client, token_of(owner), case).get_json()
    url = f"/api/v1/tasks/{task['id']}"
    resp = client.patch(url, headers=token_of(other), json={"status": "done"})
    assert resp.status_code == 403
    assert session.get(Task, task["id"]).status == "open"
    assert client.patch(url, headers=token_of(make_user("supervisor")),
                        json={"status": "done"}).status_code == 200


@pytest.mark.parametrize(("body", "status"), [
    ({"title": "  "}, 422), ({"title": "x" * 301}, 422), ({"due_at": "soon"}, 422),
    ({"assignee_id": 2**62}, 422), ({"assignee_id": "7"}, 422), ({"team_id": 999}, 422),
    ({"assignee_id": 1, "team_id": 1}, 422), ({"case_id": 2**62}, 404),
    ({"case_id": None}, 422),
])
def test_bad_new_tasks_are_4xx_and_leave_nothing(client, auth, case, session, body, status):
    resp = _new(client, auth, case, **body)
    assert resp.status_code == status, resp.get_json()
    assert session.scalars(select(Task)).all() == []


def test_bad_changes_and_queries_are_4xx(client, auth, case):
    task = _new(client, auth, case).get_json()
    url = f"/api/v1/tasks/{task['id']}"
    for body in ({"status": "finished"}, {"snoozed_until": "2099-01-01T00:00:00Z"},
                 {"title": None}):
        assert client.patch(url, headers=auth, json=body).status_code == 422, body
    for query in ("assignee=someone", "status=sleepy", "case_id=x", "limit=0"):
        assert client.get(f"/api/v1/tasks?{query}", headers=auth).status_code == 422, query
    assert client.patch("/api/v1/tasks/999999", headers=auth,
                        json={"status": "done"}).status_code == 404


def test_another_clients_tasks_read_as_not_found(client, auth, case, session, make_user,
                                                 other_client, token_of):
    _, theirs, _ = identity.find_or_create(session, other_client.id, "+14155550177")
    outsider = token_of(make_user("agent", clients=[other_client]))
    task = _new(client, auth, case).get_json()
    assert client.patch(f"/api/v1/tasks/{task['id']}", headers=outsider,
                        json={"status": "done"}).status_code == 404
    assert client.get(f"/api/v1/tasks?case_id={case.id}", headers=outsider).status_code == 404
    assert client.get("/api/v1/tasks?assignee=me", headers=outsider).get_json()["items"] == []
    assert _new(client, outsider, case).status_code == 404
    assert _new(client, auth, theirs).status_code == 404
    # A colleague of another client cannot be handed the task either.
    stranger = make_user("agent", clients=[other_client])
    assert client.patch(f"/api/v1/tasks/{task['id']}", headers=auth,
                        json={"assignee_id": stranger.id}).status_code == 422


def test_my_tasks_come_a_page_at_a_time_with_customer_and_case(client, auth, case, agent,
                                                               session):
    """More than a page of tasks: every one reachable, counted, and named by its case."""
    session.add_all([Task(client_id=case.client_id, case_id=case.id, kind="follow_up",
                          title=f"Task {n:03d}", status="open", assignee_id=agent.id,
                          created_by_id=agent.id) for n in range(130)])
    session.commit()
    seen, page = [], 1
    while True:
        got = client.get(f"/api/v1/tasks?assignee=me&limit=50&page={page}", headers=auth)
        assert got.status_code == 200, got.get_json()
        body = got.get_json()
        assert (body["total"], body["pages"], body["page"]) == (130, 3, page)
        seen += body["items"]
        if page == body["pages"]:
            break
        page += 1
    assert sorted(t["title"] for t in seen) == [f"Task {n:03d}" for n in range(130)]
    assert {(t["customer_name"], t["case_reference"]) for t in seen} == {
        (case.customer.display_name, case.reference)}
    beyond = client.get("/api/v1/tasks?assignee=me&limit=50&page=9", headers=auth).get_json()
    assert (beyond["items"], beyond["total"]) == ([], 130)
    assert client.get("/api/v1/tasks?assignee=me&page=0", headers=auth).status_code == 422
