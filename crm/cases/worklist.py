"""An agent's worklist: cases they own, cases they opened lately, tasks they must do."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.models import Case, RecentCase, Task, User, utcnow
from crm.tenancy import access

LIMIT = 25
KEEP_RECENT = 50


@dataclass(frozen=True)
class Worklist:
    """The left pane: three lists with their full counts."""

    assigned: list[Case]
    assigned_count: int
    recent: list[tuple[Case, datetime]]
    tasks: list[Task]
    tasks_count: int
    tasks_due_count: int


def for_actor(session: Session, actor: User, *, limit: int = LIMIT,
              now: datetime | None = None) -> Worklist:
    """The actor's worklist, limited to their clients."""
    now = now or utcnow()
    clients = access.client_ids(actor)
    assigned = select(Case).where(Case.owner_id == actor.id, Case.status != "closed",
                                  Case.client_id.in_(clients))
    tasks = select(Task).where(Task.assignee_id == actor.id, Task.status == "open",
                               Task.client_id.in_(clients))
    recent = (select(Case, RecentCase.viewed_at).join(RecentCase, RecentCase.case_id == Case.id)
              .where(RecentCase.user_id == actor.id, Case.client_id.in_(clients))
              .order_by(RecentCase.viewed_at.desc()).limit(limit))
    return Worklist(
        assigned=list(session.scalars(assigned.order_by(
            Case.last_activity_at.desc(), Case.id.desc()).limit(limit))),
        assigned_count=_count(session, assigned),
        recent=[(case, at) for case, at in session.execute(recent)],
        tasks=list(session.scalars(tasks.order_by(Task.due_at.is_(None), Task.due_at, Task.id)
                                   .limit(limit))),
        tasks_count=_count(session, tasks),
        tasks_due_count=_count(session, tasks.where(Task.due_at <= now)),
    )


def touch(session: Session, actor: User, case: Case) -> None:
    """Remember that the actor opened this case now (their recent cases)."""
    now = utcnow()
    done = session.execute(update(RecentCase).where(
        RecentCase.user_id == actor.id, RecentCase.case_id == case.id).values(viewed_at=now))
    if done.rowcount:
        return
    try:
        with session.begin_nested():
            session.add(RecentCase(user_id=actor.id, case_id=case.id, viewed_at=now))
    except IntegrityError:
        pass  # another tab of the same agent recorded it a moment ago


def _count(session: Session, stmt) -> int:
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
