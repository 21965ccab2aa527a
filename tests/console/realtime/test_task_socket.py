"""Task events reach the assignee's sockets live (and not another agent's)."""

from __future__ import annotations

from crm.customers import identity
from crm.tenancy import users
from tests.voice_support import received


def test_a_task_assigned_and_done_reaches_the_assignee_live(app, client, session, connect,
                                                            make_user, default_client):
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    assignee, maker, bystander = make_user("agent"), make_user("agent"), make_user("agent")
    theirs, others = connect(assignee, available=False), connect(bystander, available=False)
    auth = {"Authorization": f"Bearer {users.issue_token(session, maker)}"}
    session.commit()
    made = client.post("/api/v1/tasks", headers=auth, json={
        "case_id": case.id, "title": "Call back about the excess", "assignee_id": assignee.id})
    assert made.status_code == 201
    [created] = received(theirs, "task.created")
    assert created["task"]["title"] == "Call back about the excess"
    assert created["case_id"] == case.id and created["at"]
    client.patch(f"/api/v1/tasks/{created['task_id']}", headers=auth, json={"status": "done"})
    [updated] = received(theirs, "task.updated")
    assert updated["task"]["status"] == "done"
    assert received(others, "task.created") == [] and received(others, "task.updated") == []
