"""In-app notices: one person is told that their sign-off was decided, or that someone gave
them a task. Only to that person's tabs, and only what they may see anyway."""

from __future__ import annotations

from flask import Flask

from console.core import database
from console.core.extensions import socketio
from console.realtime.rooms import AGENT_NS, user_room
from crm.core import events
from crm.models import Decision, Task
from crm.signoff import decisions

_app: Flask | None = None  # the app whose context the listeners work in


def on_decided(name: str, payload: dict) -> None:
    """A decision was approved or rejected: its maker hears the outcome (not the summary, which
    the case shows them)."""
    with _app.app_context():
        decision = database.session().get(Decision, payload["decision_id"])
        if decision is None or decision.maker_id is None:
            return
        _tell(
            decision.maker_id,
            {
                "kind": "signoff_decided",
                "case_id": decision.case_id,
                "at": payload["at"],
                "decision_id": decision.id,
                "status": decision.status,
                "label": decisions.kind_label(decision.kind),
            },
        )


def on_task(name: str, payload: dict) -> None:
    """A task was given to someone by someone else (made for them, or handed over)."""
    assignee = payload.get("assignee_id")
    if assignee is None or (
        name == events.TASK_UPDATED
        and (payload.get("previous_assignee_id") == assignee or payload.get("actor_id") == assignee)
    ):
        return
    with _app.app_context():
        task = database.session().get(Task, payload["task_id"])
        # One's own task needs no notice; a task the system made (a callback) does.
        if (
            task is None
            or task.assignee_id != assignee
            or (name == events.TASK_CREATED and task.created_by_id == assignee)
        ):
            return
        _tell(
            assignee,
            {
                "kind": "task_assigned",
                "case_id": task.case_id,
                "at": payload["at"],
                "task_id": task.id,
                "title": task.title,
            },
        )


def _tell(user_id: int, notice: dict) -> None:
    socketio.emit(events.NOTICE, notice, to=user_room(user_id), namespace=AGENT_NS)


LISTENERS = (
    (events.DECISION_DECIDED, on_decided),
    (events.TASK_CREATED, on_task),
    (events.TASK_UPDATED, on_task),
)


def register_notice_listeners(app: Flask) -> None:
    """Subscribe the notices."""
    global _app
    _app = app
    events.subscribe_all(LISTENERS)
