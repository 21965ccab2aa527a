"""Creating, listing and moving tasks: done, snoozed, reopened, handed to someone else."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.core import audit, events
from crm.core.errors import Forbidden, Invalid
from crm.models import Case, Task, User, utcnow
from crm.tasks import assignment
from crm.tenancy import access

STATUSES = ("open", "snoozed", "done")
MAX_TITLE = 300
MAX_LIST = 200
_AUDITED = ("title", "status", "due_at", "snoozed_until", "assignee_id", "team_id", "queue",
            "completed_at")


def get(session: Session, actor: User, task_id: int) -> Task:
    """A task of a case the actor may see (another client's reads as not found)."""
    task = access.ensure_visible(actor, session.get(Task, task_id), "task")
    cases.get(session, actor, task.case_id, audit_view=False)
    return task


def create(session: Session, actor: User, case_id: int, *, title: str,
           due_at: datetime | None = None, assignee_id: int | None = None,
           team_id: int | None = None, kind: str = "follow_up") -> Task:
    """A task on a case for a person or a team (neither named: the actor's own); audited."""
    case = cases.get(session, actor, case_id, audit_view=False)
    holder = _holder(session, actor, case, assignee_id, team_id)
    task = Task(client_id=case.client_id, case_id=case.id, kind=kind, title=_title(title),
                due_at=_aware(due_at, "due_at"), assignee_id=holder.assignee_id,
                team_id=holder.team_id, created_by_id=actor.id)
    session.add(task)
    session.flush()
    audit.record(session, actor, "task.created", task, object_type="task",
                 client_id=case.client_id, after=audit.snapshot(task, _AUDITED))
    announce(session, task, events.TASK_CREATED)
    return task


def add_for(session: Session, case: Case, *, title: str, holder: assignment.Holder,
            due_at: datetime | None, kind: str = "callback", actor: User | None = None,
            source_interaction_id: int | None = None) -> Task:
    """A task the system makes (a callback from a missed call or a wrap-up); announced."""
    task = Task(client_id=case.client_id, case_id=case.id, kind=kind, title=title[:MAX_TITLE],
                due_at=due_at, assignee_id=holder.assignee_id, team_id=holder.team_id,
                queue=holder.queue, created_by_id=actor.id if actor else None,
                source_interaction_id=source_interaction_id)
    session.add(task)
    session.flush()
    announce(session, task, events.TASK_CREATED)
    return task


def change(session: Session, actor: User, task_id: int, **changes) -> Task:
    """Complete, snooze, reopen, retitle, re-date or reassign a task; checked and audited."""
    task = get(session, actor, task_id)
    unknown = set(changes) - {"status", "snoozed_until", "title", "due_at", "assignee_id",
                              "team_id"}
    if unknown:
        raise Invalid(f"cannot change {', '.join(sorted(unknown))}")
    _check_allowed(actor, task)
    values = _validated(session, actor, task, changes)
    before = audit.snapshot(task, _AUDITED)
    previous = task.assignee_id
    for name, value in values.items():
        setattr(task, name, value)
    task.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "task.updated", task, object_type="task",
                 client_id=task.client_id, before=before, after=audit.snapshot(task, _AUDITED))
    announce(session, task, events.TASK_UPDATED, previous_assignee_id=previous,
             actor_id=actor.id)
    return task


def listed(session: Session, actor: User, *, case_id: int | None = None,
           assignee: str | None = None, status: str = "active",
           limit: int = 100, offset: int = 0) -> list[Task]:
    """Tasks the actor may see, soonest due first: of one case, and/or of one assignee
    ("me": the actor's own and their team's unassigned ones). status "active": open, or
    snoozed until a time now past. offset: skip that many (a later page)."""
    stmt = _matching(session, actor, case_id, assignee, status)
    stmt = stmt.order_by(Task.due_at.is_(None), Task.due_at, Task.id)
    return list(session.scalars(stmt.offset(max(0, offset))
                                .limit(max(1, min(limit, MAX_LIST)))))


def count(session: Session, actor: User, *, case_id: int | None = None,
          assignee: str | None = None, status: str = "active") -> int:
    """How many tasks listed() would find over all its pages."""
    stmt = _matching(session, actor, case_id, assignee, status)
    return session.scalar(select(func.count()).select_from(stmt.subquery())) or 0


def _matching(session: Session, actor: User, case_id: int | None, assignee: str | None,
              status: str):
    stmt = access.scope(select(Task), actor, Task.client_id)
    if case_id is not None:
        cases.get(session, actor, case_id, audit_view=False)
        stmt = stmt.where(Task.case_id == case_id)
    if assignee == "me":
        mine = Task.assignee_id == actor.id
        if actor.team_id is not None:
            mine = or_(mine, and_(Task.assignee_id.is_(None), Task.team_id == actor.team_id))
        stmt = stmt.where(mine)
    elif assignee is not None:
        if not assignee.isdigit() or len(assignee) > 18:
            raise Invalid("assignee must be a user id or 'me'")
        stmt = stmt.where(Task.assignee_id == int(assignee))
    if status == "active":
        stmt = stmt.where(or_(Task.status == "open", and_(
            Task.status == "snoozed", Task.snoozed_until <= utcnow())))
    elif status in STATUSES:
        stmt = stmt.where(Task.status == status)
    elif status != "all":
        raise Invalid(f"status must be active, all or one of {', '.join(STATUSES)}")
    return stmt


def announce(session: Session, task: Task, name: str, **extra) -> None:
    """Tell the console (the assignee, their team, the case's watchers) about a task."""
    events.emit(session, name, task_id=task.id, case_id=task.case_id,
                client_id=task.client_id, assignee_id=task.assignee_id, team_id=task.team_id,
                **extra)


def _holder(session, actor, case, assignee_id, team_id) -> assignment.Holder:
    if assignee_id is not None and team_id is not None:
        raise Invalid("assign a task to a person or a team, not both")
    if team_id is not None:
        return assignment.Holder(team_id=assignment.team(session, team_id).id)
    if assignee_id is not None:
        return assignment.Holder(assignee_id=assignment.assignee(session, case,
                                                                  assignee_id).id)
    return assignment.Holder(assignee_id=actor.id)


def _validated(session: Session, actor: User, task: Task, changes: dict) -> dict:
    values: dict = {}
    if "title" in changes:
        values["title"] = _title(changes["title"])
    if "due_at" in changes:
        values["due_at"] = _aware(changes["due_at"], "due_at")
    if "assignee_id" in changes or "team_id" in changes:
        if changes.get("assignee_id") is None and changes.get("team_id") is None:
            raise Invalid("a task is reassigned to a person (assignee_id) or a team (team_id)")
        holder = _holder(session, actor, session.get(Case, task.case_id),
                         changes.get("assignee_id"), changes.get("team_id"))
        values.update(assignee_id=holder.assignee_id, team_id=holder.team_id, queue=None)
    status = changes.get("status")
    if "status" in changes and status not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}")
    if status == "snoozed":
        until = _aware(changes.get("snoozed_until"), "snoozed_until")
        if until is None or until <= utcnow():
            raise Invalid("snoozing needs snoozed_until, a time in the future")
        values.update(status="snoozed", snoozed_until=until, completed_at=None)
    elif changes.get("snoozed_until") is not None:
        raise Invalid("snoozed_until goes with status snoozed")
    elif status == "done":
        values.update(status="done", completed_at=task.completed_at or utcnow(),
                      snoozed_until=None)
    elif status == "open":
        values.update(status="open", completed_at=None, snoozed_until=None)
    return values


def _check_allowed(actor: User, task: Task) -> None:
    """An agent works their own tasks, their team's, unassigned ones and those they set;
    anyone else's need a supervisor."""
    if actor.has_role("supervisor", "admin"):
        return
    if task.assignee_id in (None, actor.id) or task.created_by_id == actor.id:
        return
    raise Forbidden("only a supervisor may change a task assigned to someone else")


def _title(title) -> str:
    text = " ".join(title.split()) if isinstance(title, str) else ""
    if not text:
        raise Invalid("a task needs a title")
    if len(text) > MAX_TITLE:
        raise Invalid(f"a task title can have at most {MAX_TITLE} characters")
    return text


def _aware(value, name: str) -> datetime | None:
    # A time without a zone is read as UTC (what the API documents).
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise Invalid(f"{name} must be a date and time (ISO 8601)")
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
