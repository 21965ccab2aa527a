"""Tasks: follow-ups and callbacks, created, listed, completed, snoozed and reassigned."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import select

from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.times import IsoDateTime
from console.api.core.workspace_schemas import TaskOut
from console.core import database
from crm.models import Case, Customer
from crm.tasks import records as tasks


class TaskIn(BaseModel):
    """A task on a case, for a person or a team (neither: yourself)."""

    case_id: int
    title: str = Field(json_schema_extra=documented(**NOT_BLANK, maxLength=tasks.MAX_TITLE))
    due_at: IsoDateTime | None = Field(default=None,
                                    description="when it is due (ISO 8601; UTC if no zone)")
    assignee_id: int | None = Field(default=None, description="an active user of the case's "
                                    "client")
    team_id: int | None = Field(default=None, description="a team (not with assignee_id)")


class TaskChange(BaseModel):
    """What changes on a task; omitted fields stay as they are."""

    status: str | None = Field(default=None, json_schema_extra=documented(
        nullable=False, enum=list(tasks.STATUSES)))
    snoozed_until: IsoDateTime | None = Field(default=None, description="with "
                                           "status snoozed: when it comes back (future)")
    title: str | None = Field(default=None, json_schema_extra=documented(
        nullable=False, **NOT_BLANK, maxLength=tasks.MAX_TITLE))
    due_at: IsoDateTime | None = None
    assignee_id: int | None = Field(default=None, description="reassign to this person")
    team_id: int | None = Field(default=None, description="reassign to this team")


class TaskQuery(BaseModel):
    """Which tasks: of a case, of an assignee, in a state."""

    case_id: int | None = None
    assignee: str | None = Field(default=None, max_length=20, description="a user id, or "
                                 "`me`: yours and your team's unassigned ones")
    status: str = Field(default="active", max_length=16, description="active (open, or "
                        "snoozed until a time now past), all, open, snoozed or done")
    limit: int = Field(100, ge=1, le=tasks.MAX_LIST, description="tasks a page")
    page: int = Field(1, ge=1, le=100_000, description="which page of `limit` tasks")


class TaskListOut(BaseModel):
    """Tasks, soonest due first (no due date last), one page of them, each with whose it is."""

    items: list[TaskOut]
    total: int = Field(0, description="tasks matching, over all pages")
    page: int = 1
    pages: int = 0


@api.route(bp, "/tasks", summary="Tasks of a case or an assignee, soonest due first",
           query=TaskQuery, response=TaskListOut, tags=["tasks"], errors=(404,))
def list_tasks(query: TaskQuery):
    """The tasks the actor may see that match, a page at a time, with customer and case."""
    session = database.session()
    given = {"case_id": query.case_id, "assignee": query.assignee, "status": query.status}
    rows = tasks.listed(session, actor(), **given, limit=query.limit,
                        offset=(query.page - 1) * query.limit)
    total = tasks.count(session, actor(), **given)
    whose = dict((r.id, r) for r in session.execute(
        select(Case.id, Case.reference, Customer.display_name)
        .join(Customer, Customer.id == Case.customer_id)
        .where(Case.id.in_({t.case_id for t in rows})))) if rows else {}
    out = TaskListOut(items=[TaskOut.model_validate(t).model_copy(update={
        "customer_name": whose[t.case_id].display_name,
        "case_reference": whose[t.case_id].reference}) for t in rows],
        total=total, page=query.page, pages=-(-total // query.limit))
    session.commit()
    return out


@api.route(bp, "/tasks", "POST", summary="Create a task on a case (audited; the assignee "
           "is told live)", body=TaskIn, response=TaskOut, status=201, tags=["tasks"],
           errors=(404,))
def create_task(body: TaskIn):
    """201 with the task."""
    session = database.session()
    task = tasks.create(session, actor(), body.case_id, title=body.title, due_at=body.due_at,
                        assignee_id=body.assignee_id, team_id=body.team_id)
    out = TaskOut.model_validate(task)
    session.commit()
    return out


@api.route(bp, "/tasks/<int:task_id>", "PATCH", summary="Complete, snooze, reopen, re-date "
           "or reassign a task (someone else's needs a supervisor)", body=TaskChange,
           response=TaskOut, tags=["tasks"], errors=(403,))
def change_task(task_id: int, body: TaskChange):
    """The task as it is now."""
    session = database.session()
    task = tasks.change(session, actor(), task_id, **body.model_dump(exclude_unset=True))
    out = TaskOut.model_validate(task)
    session.commit()
    return out
