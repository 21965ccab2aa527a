"""In-app notices, kept until read: one's sign-off was decided, someone gave one a task.

Written in the transaction of what they tell (so a decision never commits without its notice,
nor a notice without its decision); the console pushes each to its person's tabs after the
commit (NOTICE_CREATED) and lists the unread on every load.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from crm.core import events
from crm.models import Decision, Notice, Task, User, utcnow
from crm.signoff import decisions

LISTED = 50  # unread notices a page load shows (the newest)


def on_decided(session: Session, name: str, payload: dict) -> None:
    """A decision was approved or rejected: its maker is told the outcome."""
    decision = session.get(Decision, payload["decision_id"])
    if decision is None or decision.maker_id is None:
        return
    _tell(session, decision.maker_id, "signoff_decided", decision.case_id, {
        "decision_id": decision.id, "status": decision.status,
        "label": decisions.kind_label(decision.kind)})


def on_task(session: Session, name: str, payload: dict) -> None:
    """A task was given to someone by someone else (made for them, or handed over)."""
    assignee = payload.get("assignee_id")
    if assignee is None or (name == events.TASK_UPDATED and (
            payload.get("previous_assignee_id") == assignee
            or payload.get("actor_id") == assignee)):
        return
    task = session.get(Task, payload["task_id"])
    # One's own task needs no notice; a task the system made (a callback) does.
    if task is None or task.assignee_id != assignee or (
            name == events.TASK_CREATED and task.created_by_id == assignee):
        return
    _tell(session, assignee, "task_assigned", task.case_id,
          {"task_id": task.id, "title": task.title})


IN_TRANSACTION = (
    (events.DECISION_DECIDED, on_decided),
    (events.TASK_CREATED, on_task),
    (events.TASK_UPDATED, on_task),
)


def _tell(session: Session, user_id: int, kind: str, case_id: int | None, data: dict) -> None:
    notice = Notice(user_id=user_id, kind=kind, case_id=case_id, data=data)
    session.add(notice)
    session.flush()
    events.emit(session, events.NOTICE_CREATED, notice_id=notice.id, user_id=user_id)


def present(notice: Notice) -> dict:
    """A notice as the bell and the socket show it: {id, kind, case_id, at, read, ...data}."""
    return {**(notice.data or {}), "id": notice.id, "kind": notice.kind,
            "case_id": notice.case_id, "at": notice.created_at.isoformat(),
            "read": notice.read_at is not None}


def unread(session: Session, user: User) -> tuple[list[Notice], int]:
    """One's unread notices, newest first (at most LISTED), and how many there are."""
    where = (Notice.user_id == user.id, Notice.read_at.is_(None))
    rows = session.scalars(select(Notice).where(*where)
                           .order_by(Notice.id.desc()).limit(LISTED)).all()
    count = session.scalar(select(func.count()).select_from(Notice).where(*where))
    return list(rows), count or 0


def mark_read(session: Session, user: User, ids: list[int] | None = None,
              up_to: int | None = None) -> int:
    """Mark one's notices read: those named, else all up to an id (else all); how many."""
    stmt = update(Notice).where(Notice.user_id == user.id, Notice.read_at.is_(None))
    if ids is not None:
        stmt = stmt.where(Notice.id.in_(ids))
    elif up_to is not None:
        stmt = stmt.where(Notice.id <= up_to)
    now: datetime = utcnow()
    return session.execute(stmt.values(read_at=now)).rowcount or 0
