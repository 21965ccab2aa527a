"""The agent's worklist, and the collections worklist."""

from __future__ import annotations

from pydantic import BaseModel, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import documented
from console.api.core.workspace_schemas import (
    CaseSummaryOut,
    RecentCaseOut,
    TaskOut,
    WorklistOut,
)
from console.core import database
from crm.cases import collections_worklist, worklist
from crm.models.customers import CASE_STATUSES, PRIORITIES
from crm.models.work import LINES_OF_WORK


class WorklistQuery(BaseModel):
    """Which list to page, which page, and its filters and sort."""

    view: str = Field(default="assigned", description="the list paged (the others come as "
                      "their first page)", json_schema_extra=documented(
                          nullable=False, enum=list(worklist.VIEWS)))
    page: int = Field(default=1, ge=1, le=worklist.MAX_PAGE)
    per_page: int = Field(default=worklist.LIMIT, ge=1, le=worklist.MAX_PER_PAGE)
    status: str | None = Field(default=None, description="the case's status",
                               json_schema_extra=documented(nullable=False,
                                                            enum=list(CASE_STATUSES)))
    priority: str | None = Field(default=None, json_schema_extra=documented(
        nullable=False, enum=list(PRIORITIES)))
    line: str | None = Field(default=None, description="line of work: cases with an open "
                             "claim, investigation or debt account", json_schema_extra=documented(
                                 nullable=False, enum=list(LINES_OF_WORK)))
    due: str | None = Field(default=None, description="a task's due time (a case's: its "
                            "earliest open task's)", json_schema_extra=documented(
                                nullable=False, enum=list(worklist.DUE)))
    sort: str | None = Field(default=None, description="most pressing first; ties keep the "
                             "list's own order", json_schema_extra=documented(
                                 nullable=False, enum=list(worklist.SORTS)))


@api.route(bp, "/worklist", query=WorklistQuery, summary="The signed-in agent's assigned "
           "cases, recent cases and open tasks, with counts; `view` is paged and filtered",
           response=WorklistOut, tags=["worklist"])
def get_worklist(query: WorklistQuery):
    """The left pane."""
    session = database.session()
    w = worklist.for_actor(session, actor(), view=query.view, page=query.page,
                           limit=query.per_page, filters=worklist.Filters(
                               status=query.status, priority=query.priority, line=query.line,
                               due=query.due, sort=query.sort))
    out = WorklistOut(
        assigned=[CaseSummaryOut.model_validate(c) for c in w.assigned],
        assigned_count=w.assigned_count,
        recent=[RecentCaseOut.model_validate({**CaseSummaryOut.model_validate(c).model_dump(),
                                              "viewed_at": at}) for c, at in w.recent],
        recent_count=w.recent_count,
        tasks=[TaskOut.model_validate(t) for t in w.tasks],
        tasks_count=w.tasks_count, tasks_due_count=w.tasks_due_count,
        view=w.view, page=w.page, per_page=w.per_page, pages=w.pages, total=w.total)
    session.commit()
    return out


class CollectionsQuery(BaseModel):
    """Which page of the collections worklist, and its filters."""

    page: int = Field(default=1, ge=1, le=1_000_000)
    per_page: int = Field(default=collections_worklist.PER_PAGE, ge=1,
                          le=collections_worklist.MAX_PER_PAGE)
    client: int | None = Field(default=None, ge=1, le=2**62, description="a client's id")
    bucket: str | None = Field(default=None, description="ageing bucket (days past due)",
                               json_schema_extra=documented(
                                   nullable=False, enum=list(collections_worklist.BUCKETS)))
    status: str | None = Field(default=None, json_schema_extra=documented(
        nullable=False, enum=list(collections_worklist.STATUSES)))


class CollectionsRowOut(BaseModel):
    """One account due for contact now, and why it is where it is."""

    debt_id: int
    case_id: int
    case_reference: str
    client_id: int
    customer_id: int
    customer_name: str
    customer_timezone: str | None = None
    account_number: str
    creditor: str
    balance_cents: int
    currency: str
    status: str = Field(description="as the status filter reads it (time_barred also when "
                        "past its limitations date)")
    ageing_bucket: str
    days_past_due: int
    priority: int = Field(description="the sum of the points its reasons give")
    reasons: list[str]
    calls_left: int | None = Field(description="call attempts left in the last 7 days")
    blocked_reason: str | None = Field(description="why a call now would still be refused")


class ClientChoiceOut(BaseModel):
    """A client the worklist can be filtered to."""

    id: int
    name: str


class CollectionsPageOut(BaseModel):
    """A page of the collections worklist."""

    items: list[CollectionsRowOut]
    clients: list[ClientChoiceOut] = Field(description="the clients the user works for, by "
                                                       "name: what the client filter offers")
    total: int
    page: int
    per_page: int
    pages: int


@api.route(bp, "/worklists/collections", query=CollectionsQuery, response=CollectionsPageOut,
           tags=["worklist"], errors=(403,),
           summary="Debt accounts the guardrail lets us contact now, most urgent first, "
                   "with the reasons (collections, supervisor)")
def collections_list(query: CollectionsQuery):
    """Paged; filters by client, ageing bucket and status."""
    session = database.session()
    me = actor()
    got = collections_worklist.due_now(session, me, page=query.page,
                                       per_page=query.per_page, client_id=query.client,
                                       bucket=query.bucket, status=query.status)
    out = CollectionsPageOut(
        items=[CollectionsRowOut(
            debt_id=r.debt.id, case_id=r.case.id, case_reference=r.case.reference,
            client_id=r.debt.client_id, customer_id=r.case.customer_id,
            customer_name=r.case.customer.display_name,
            customer_timezone=r.case.customer.timezone, account_number=r.debt.account_number,
            creditor=r.debt.creditor, balance_cents=r.debt.balance_cents,
            currency=r.debt.currency, status=r.status, ageing_bucket=r.ageing_bucket,
            days_past_due=r.days_past_due, priority=r.score, reasons=r.reasons,
            calls_left=r.calls_left, blocked_reason=r.blocked_reason) for r in got.items],
        total=got.total, page=got.page, per_page=got.per_page, pages=got.pages,
        clients=[ClientChoiceOut(id=c.id, name=c.name)
                 for c in sorted(me.clients, key=lambda c: c.name)])
    session.commit()
    return out
