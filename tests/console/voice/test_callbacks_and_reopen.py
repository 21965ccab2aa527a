"""Callbacks reach someone (the case owner, else the queue); a call reopens a closed case."""

from sqlalchemy import select

from crm.customers import identity
from crm.models import AuditEvent, Interaction, Task
from tests import voice_support as tw

CALL = "CA" + "e" * 32


def _callers_case(session, default_client, **values):
    _, case, _ = identity.find_or_create(session, default_client.id, tw.CALLER)
    for name, value in values.items():
        setattr(case, name, value)
    session.commit()
    return case


def test_a_missed_call_on_an_owned_case_is_a_callback_for_the_owner(
        client, session, default_client, make_user):
    owner = make_user("agent")
    case = _callers_case(session, default_client, owner_id=owner.id)
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    tw.post(client, tw.HOOKS + "/status", tw.status(CALL, "no-answer", 1, duration=0))
    [task] = session.scalars(select(Task)).all()
    assert task.kind == "callback" and task.case_id == case.id
    assert task.assignee_id == owner.id and task.queue is None


def test_a_missed_call_on_an_unowned_case_waits_in_its_queue(client, session, default_client):
    _callers_case(session, default_client)
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    tw.post(client, tw.HOOKS + "/status", tw.status(CALL, "busy", 1, duration=0))
    [task] = session.scalars(select(Task)).all()
    assert task.assignee_id is None and task.queue == "general"


def test_a_call_on_a_closed_case_opens_it_again(client, session, default_client):
    case = _callers_case(session, default_client, status="closed", status_reason="paid")
    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(CALL))
    session.expire_all()
    assert session.get(type(case), case.id).status == "open"
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.reopened")).one()
    assert audit.before["status"] == "closed" and audit.after["status"] == "open"
    system = session.scalars(select(Interaction).where(
        Interaction.case_id == case.id, Interaction.medium == "system")).one()
    assert "reopened" in system.body and "voice" in system.body


def test_callback_arranged_on_wrap_up_makes_the_agent_a_task(client, session, live_call,
                                                             token, agent):
    auth = {"Authorization": f"Bearer {token}"}
    assert client.post(f"/api/v1/calls/{live_call}/end", headers=auth).status_code == 200
    missing = client.post(f"/api/v1/calls/{live_call}/wrap-up", headers=auth,
                          json={"disposition": "callback"})
    past = client.post(f"/api/v1/calls/{live_call}/wrap-up", headers=auth,
                       json={"disposition": "callback", "callback_at": "2001-01-01T10:00:00Z"})
    garbled = client.post(f"/api/v1/calls/{live_call}/wrap-up", headers=auth,
                          json={"disposition": "callback", "callback_at": "tomorrow-ish"})
    assert [missing.status_code, past.status_code, garbled.status_code] == [422, 422, 422]
    assert "callback" in missing.get_json()["error"]["message"]
    assert session.scalars(select(Task)).all() == []
    done = client.post(f"/api/v1/calls/{live_call}/wrap-up", headers=auth,
                       json={"disposition": "callback", "callback_at": "2099-05-04T09:30:00Z"})
    assert done.status_code == 200, done.get_json()
    [task] = session.scalars(select(Task)).all()
    assert task.assignee_id == agent.id and task.kind == "callback"
    assert task.due_at.isoformat().startswith("2099-05-04T09:30")
    assert task.source_interaction_id == live_call and tw.CALLER in task.title
