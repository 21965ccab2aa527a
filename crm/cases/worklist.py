"""An agent's worklist: cases they own, cases they opened lately, tasks they must do.

Every list pages (`view` names the one paged; the others come as their first page) and the
paged one filters by case status, priority, line of work and what is due, and sorts by
activity, priority, status or due time. A case's due time is its earliest open task's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from sqlalchemy import and_, case, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.cases.digest import CLOSED
from crm.core.errors import Invalid
from crm.models import (
    Case,
    Claim,
    DebtAccount,
    Investigation,
    PlaybookRun,
    RecentCase,
    Task,
    User,
    utcnow,
)
from crm.models.customers import CASE_STATUSES, PRIORITIES
from crm.models.work import LINES_OF_WORK
from crm.tenancy import access

LIMIT = 25
KEEP_RECENT = 50
MAX_PER_PAGE = 100
MAX_PAGE = 1_000_000
VIEWS = ("assigned", "recent", "tasks")
DUE = ("overdue", "today", "week", "none")
SORTS = ("activity", "priority", "status", "due")
# The record on a case that puts it in a line of work (open ones only).
_LINE_OF = {"insurance": Claim, "fraud": Investigation, "collections": DebtAccount}


@dataclass(frozen=True)
class Filters:
    """What narrows and orders the paged list; None is "any" (and the list's own order)."""

    status: str | None = None
    priority: str | None = None
    line: str | None = None
    due: str | None = None
    sort: str | None = None

    def check(self) -> Filters:
        """Self, or Invalid naming the first value that is not allowed."""
        for name, allowed in (("status", CASE_STATUSES), ("priority", PRIORITIES),
                              ("line", LINES_OF_WORK), ("due", DUE), ("sort", SORTS)):
            value = getattr(self, name)
            if value is not None and value not in allowed:
                raise Invalid(f"{name} must be one of {', '.join(allowed)}")
        return self


@dataclass(frozen=True)
class Worklist:
    """The left pane: three lists with their full counts, and which one is paged how."""

    assigned: list[Case]
    assigned_count: int
    recent: list[tuple[Case, datetime]]
    tasks: list[Task]
    tasks_count: int
    tasks_due_count: int
    recent_count: int = 0
    view: str = "assigned"
    page: int = 1
    per_page: int = LIMIT
    pages: int = 0
    total: int = 0
    filters: Filters = field(default_factory=Filters)


def for_actor(session: Session, actor: User, *, limit: int = LIMIT, now: datetime | None = None,
              view: str = "assigned", page: int = 1, filters: Filters | None = None
              ) -> Worklist:
    """The actor's worklist, limited to their clients; `view` is paged (`limit` a page)."""
    if view not in VIEWS:
        raise Invalid(f"view must be one of {', '.join(VIEWS)}")
    if not 1 <= page <= MAX_PAGE or not 1 <= limit <= MAX_PER_PAGE:
        raise Invalid(f"page starts at 1; per_page is 1-{MAX_PER_PAGE}")
    filters = (filters or Filters()).check()
    now = now or utcnow()
    clients = access.client_ids(actor)
    plain = Filters()
    lists = {}
    for name, build in (("assigned", _assigned), ("recent", _recent), ("tasks", _tasks)):
        mine = filters if name == view else plain
        stmt, order = build(actor, clients, mine, now)
        lists[name] = (stmt, order, page if name == view else 1)
    got = {}
    for name, (stmt, order, at) in lists.items():
        rows = session.execute(stmt.order_by(*order).limit(limit).offset((at - 1) * limit))
        got[name] = [tuple(r) if name == "recent" else r[0] for r in rows]
    counts = {name: _count(session, stmt) for name, (stmt, _, _) in lists.items()}
    tasks_stmt = lists["tasks"][0]
    return Worklist(
        assigned=got["assigned"], assigned_count=counts["assigned"],
        recent=got["recent"], recent_count=counts["recent"],
        tasks=got["tasks"], tasks_count=counts["tasks"],
        tasks_due_count=_count(session, tasks_stmt.where(Task.due_at <= now)),
        view=view, page=page, per_page=limit, pages=math.ceil(counts[view] / limit),
        total=counts[view], filters=filters)


def _next_due():
    """The case's earliest open task's due time (NULL when none has one)."""
    return (select(func.min(Task.due_at)).where(Task.case_id == Case.id, Task.status == "open")
            .correlate(Case).scalar_subquery())


def _rank(column, values):
    return case(*[(column == v, n) for n, v in enumerate(values)], else_=len(values))


def _narrow(stmt, f: Filters, due_col, now: datetime):
    """The filters on cases (status, priority, line) and on a due time."""
    if f.status is not None:
        stmt = stmt.where(Case.status == f.status)
    if f.priority is not None:
        stmt = stmt.where(Case.priority == f.priority)
    if f.line in _LINE_OF:
        model = _LINE_OF[f.line]
        stmt = stmt.where(exists().where(model.case_id == Case.id,
                                         model.status.not_in(CLOSED)))
    elif f.line is not None:  # retention has no record of its own: its playbook run marks it
        stmt = stmt.where(exists().where(PlaybookRun.case_id == Case.id,
                                         PlaybookRun.line_of_work == f.line))
    if f.due is not None:
        midnight = datetime.combine(now.date(), time(), tzinfo=now.tzinfo)
        stmt = stmt.where({
            "overdue": due_col <= now,
            "today": and_(due_col >= midnight, due_col < midnight + timedelta(days=1)),
            "week": due_col < now + timedelta(days=7),
            "none": due_col.is_(None),
        }[f.due])
    return stmt


def _order(f: Filters, due_col, default: list) -> list:
    """The chosen sort, ties by the list's own order; the most pressing first."""
    first = {
        None: [], "activity": [Case.last_activity_at.desc()],
        "priority": [_rank(Case.priority, tuple(reversed(PRIORITIES)))],
        "status": [_rank(Case.status, CASE_STATUSES)],
        "due": [due_col.is_(None), due_col],
    }[f.sort]
    return [*first, *default]


def _assigned(actor: User, clients, f: Filters, now: datetime):
    due = _next_due()
    stmt = select(Case).where(Case.owner_id == actor.id, Case.client_id.in_(clients))
    if f.status is None:
        stmt = stmt.where(Case.status != "closed")  # closed ones only when asked for
    stmt = _narrow(stmt, f, due, now)
    return stmt, _order(f, due, [Case.last_activity_at.desc(), Case.id.desc()])


def _recent(actor: User, clients, f: Filters, now: datetime):
    due = _next_due()
    stmt = (select(Case, RecentCase.viewed_at).join(RecentCase, RecentCase.case_id == Case.id)
            .where(RecentCase.user_id == actor.id, Case.client_id.in_(clients)))
    return _narrow(stmt, f, due, now), _order(f, due, [RecentCase.viewed_at.desc(),
                                                       Case.id.desc()])


def _tasks(actor: User, clients, f: Filters, now: datetime):
    stmt = (select(Task).join(Case, Case.id == Task.case_id)
            .where(Task.assignee_id == actor.id, Task.status == "open",
                   Task.client_id.in_(clients)))
    return _narrow(stmt, f, Task.due_at, now), _order(
        f, Task.due_at, [Task.due_at.is_(None), Task.due_at, Task.id])


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

