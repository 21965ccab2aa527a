"""Shapes of the agent workspace: case header, timeline pages, digest, customer, worklist."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field

from console.api.core.claim_schemas import ClaimOut
from console.api.core.debt_schemas import DebtOut
from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import (
    CASE_STATUS,
    PRIORITY,
    AgentRef,
    CaseOut,
    ChatVisitOut,
    CustomerOut,
    InteractionOut,
    Out,
)
from crm.cases.timeline import MAX_NOTE, encode_cursor
from crm.fraud import visibility


class CustomerRef(Out):
    """A customer named in a list."""

    id: int
    display_name: str


class WorkLineOut(Out):
    """An open claim, investigation or debt account."""

    kind: Literal["claim", "investigation", "debt_account"]
    id: int
    reference: str
    status: str
    detail: str = ""


class CaseDetailOut(CaseOut):
    """The case header: customer, status, owner, priority, flags and open lines of work."""

    customer: CustomerRef
    owner: AgentRef | None = None
    team_id: int | None = None
    summary: str = ""
    open_work: list[WorkLineOut] = []
    # Chats whose visitor typed this customer's email or phone and nobody has verified.
    unverified_chats: list[ChatVisitOut] = []
    # Every debt account on the case (paid and closed too), with balances and ageing.
    debts: list[DebtOut] = []
    # Every claim on the case (finished ones too), with its next moves and documents.
    claims: list[ClaimOut] = []


class CaseSummaryOut(Out):
    """A case in a list."""

    id: int
    reference: str
    status: str = CASE_STATUS
    priority: str = PRIORITY
    flags: list[str]
    last_activity_at: datetime
    customer: CustomerRef


class TimelineItemOut(InteractionOut):
    """A timeline row with its own cursor (to page or catch up from it)."""

    cursor: str


class TimelinePageOut(BaseModel):
    """A page of the timeline; `next_cursor` continues in the same direction (null: no more)."""

    items: list[TimelineItemOut]
    next_cursor: str | None = None
    order: Literal["newest_first", "oldest_first"] = "newest_first"


class TimelineQuery(BaseModel):
    """Either `before` (older items, newest first) or `after` (newer items, oldest first)."""

    limit: int = Field(50, ge=1, le=200, description="items per page (1-200)")
    before: str | None = Field(None, max_length=200,
                               description="cursor: items older than this one (not with after)")
    after: str | None = Field(None, max_length=200,
                              description="cursor: items newer than this one (not with before)")
    medium: str | None = Field(None, max_length=200, description="only these media, "
                               "comma-separated (sms,email)")
    q: str | None = Field(None, max_length=200, description="only items with every one of "
                          "these words in the body or subject (any case)")
    until: str | None = Field(None, max_length=40, description="jump to a date: items up to "
                              "the end of this day (UTC), or up to a zoned date-time")


class NoteIn(BaseModel):
    """A note to add to a case."""

    body: str = Field(..., description="the note's text (plain text, up to 20,000 characters)",
                      json_schema_extra=documented(**NOT_BLANK, maxLength=MAX_NOTE))


class TaskOut(Out):
    """A follow-up or callback."""

    id: int
    case_id: int
    kind: str
    title: str
    status: str
    due_at: datetime | None = None
    assignee_id: int | None = None
    team_id: int | None = None
    queue: str | None = None
    snoozed_until: datetime | None = None
    created_by_id: int | None = None
    completed_at: datetime | None = None
    # Whose work it is, for a list across cases (GET /tasks): absent elsewhere.
    customer_name: str | None = None
    case_reference: str | None = None


class PromiseOut(Out):
    """An open promise to pay."""

    id: int
    debt_account_id: int
    amount_cents: int
    due_on: date
    status: str


class DecisionOut(Out):
    """A judgement call: pending until a checker (never its maker) approves or rejects it."""

    id: int
    case_id: int
    kind: str
    summary: str
    status: str
    maker_id: int | None = None
    checker_id: int | None = None
    decided_at: datetime | None = None
    note: str | None = None
    amount_cents: int | None = Field(None, description="the sum decided on, where the "
                                     "decision names one")
    currency: str | None = None
    created_at: datetime
    authority_basis: str | None = Field(None, description="what the approval was signed "
                                        "under: held (the checker's limit and qualification) "
                                        "or unrestricted (the client sets no authority)")
    authority_limit_cents: int | None = Field(None, description="the checker's limit for "
                                              "this kind when they approved it")
    authority_qualification: str | None = Field(None, description="the qualification the "
                                                "kind required, which the checker held")
    signed_under: str | None = Field(None, description="the authority used, in words")


class LastContactOut(Out):
    """The newest interaction in one medium."""

    medium: str
    interaction_id: int
    direction: str
    status: str
    occurred_at: datetime


class DigestOut(Out):
    """The case at a glance, computed from its records."""

    case_id: int
    last_contact: list[LastContactOut]
    open_work: list[WorkLineOut]
    next_task: TaskOut | None = None
    open_tasks: int
    open_promises: list[PromiseOut]
    pending_decisions: list[DecisionOut]


class LinkedOut(Out):
    """Another customer record tied to this one."""

    id: int
    display_name: str
    relation: str


class CustomerDetailOut(CustomerOut):
    """The customer pane: contact points with opt-outs, timezone and local time, links."""

    case_id: int
    case_reference: str
    local_time: datetime | None = None
    linked: list[LinkedOut]


class SearchQuery(BaseModel):
    """One search box: name, phone in any format (or its last digits), email, references."""

    q: str = Field(..., max_length=200, description="what the agent typed")
    limit: int = Field(20, ge=1, le=50, description="at most this many results (a page)")
    page: int = Field(1, ge=1, le=1000, description="which page of results")


class SearchHitOut(BaseModel):
    """A customer found, their case and what matched (phone, email, case, account, claim, name)."""

    customer: CustomerOut
    case_id: int
    case_reference: str = ""
    matched: str = Field(description="phone, email, case, account, claim, policy, "
                         "investigation or name")


class SearchOut(BaseModel):
    """Search results, best first, a page at a time."""

    items: list[SearchHitOut]
    page: int = 1
    per_page: int = 20
    has_more: bool = Field(False, description="another page follows")


class RecentCaseOut(CaseSummaryOut):
    """A case the agent opened lately."""

    viewed_at: datetime


class WorklistOut(BaseModel):
    """The agent's worklist with full counts."""

    assigned: list[CaseSummaryOut]
    assigned_count: int
    recent: list[RecentCaseOut]
    tasks: list[TaskOut]
    tasks_count: int
    tasks_due_count: int
    recent_count: int = 0
    view: str = Field("assigned", description="the list paged and filtered")
    page: int = 1
    per_page: int = 25
    pages: int = Field(0, description="pages of the paged list")
    total: int = Field(0, description="items in the paged list (filtered)")


def timeline_item(item, *, veil: bool = False, closed: frozenset[int] = frozenset()
                  ) -> TimelineItemOut:
    """An interaction as a timeline row, with its cursor.

    veil: the reader may not see fraud investigations, whose entries then read "under review"
    ("review finished" for those in closed: visibility.finished).
    """
    return TimelineItemOut.model_validate({**veiled(item, veil, closed),
                                           "cursor": encode_cursor(item)})


def veiled(item, veil: bool = True, closed: frozenset[int] = frozenset()) -> dict:
    """An interaction as InteractionOut's dict, an investigation's entry veiled when asked."""
    out = InteractionOut.model_validate(item).model_dump()
    if veil and visibility.veiled(item.meta):
        out.update(body=visibility.veil_word(item.meta, closed), subject=None, attachments=[],
                   wrap_ups=[], status=visibility.VEILED_STATUS, summary=None)
    return out
