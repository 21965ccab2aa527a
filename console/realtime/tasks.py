"""Task events become socket emits: to the assignee (or their team) and the case's watchers."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import select

from console.api.core.schemas import present
from console.api.core.workspace_schemas import TaskOut
from console.core import database
from console.core.extensions import socketio
from console.realtime.rooms import AGENT_NS, case_room, user_room
from crm.core import events
from crm.models import Task, User

_app: Flask | None = None  # the app whose context the listener works in
MAX_TEAM_ROOMS = 200  # a team's members are told one by one; a bigger team is not a team


def on_task(name: str, payload: dict) -> None:
    """A new or changed task, to whoever must do it and to everyone on its case."""
    with _app.app_context():
        session = database.session()
        task = session.get(Task, payload["task_id"])
        if task is None:
            return
        rooms = [case_room(task.case_id)]
        if task.assignee_id is not None:
            rooms.append(user_room(task.assignee_id))
        elif task.team_id is not None:
            rooms += [user_room(uid) for uid in session.scalars(
                select(User.id).where(User.team_id == task.team_id, User.active.is_(True))
                .limit(MAX_TEAM_ROOMS))]
        # Whoever held it before a reassignment sees it leave their list.
        if payload.get("previous_assignee_id") not in (None, task.assignee_id):
            rooms.append(user_room(payload["previous_assignee_id"]))
        socketio.emit(name, {"id": task.id, "task_id": task.id, "case_id": task.case_id,
                             "at": payload["at"], "task": present(TaskOut, task)},
                      to=rooms, namespace=AGENT_NS)


LISTENERS = (
    (events.TASK_CREATED, on_task),
    (events.TASK_UPDATED, on_task),
)


def register_task_listeners(app: Flask) -> None:
    """Subscribe the task fan-out."""
    global _app
    _app = app
    events.subscribe_all(LISTENERS)
