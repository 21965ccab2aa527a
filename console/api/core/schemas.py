"""Shapes of what the API, the socket and the pages show: built once, here."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from console.api.core.openapi import documented
from crm.models.customers import CASE_STATUSES, PRIORITIES
from crm.models.tenancy import ROLES
from crm.models.timeline import DIRECTIONS, MEDIA

# Values the services write (documented for clients; not re-checked when read back).
CASE_STATUS = Field(json_schema_extra=documented(enum=list(CASE_STATUSES)))
PRIORITY = Field(json_schema_extra=documented(enum=list(PRIORITIES)))


class Out(BaseModel):
    """Base of response schemas: read from ORM objects by attribute."""

    model_config = ConfigDict(from_attributes=True)


class UserOut(Out):
    """A member of staff as others see them."""

    id: int
    name: str
    email: str
    roles: list[str] = Field(json_schema_extra=documented(items={"enum": list(ROLES)}))
    timezone: str


class ContactPointOut(Out):
    """A normalised way to reach a customer and its opt-out/consent state."""

    id: int
    kind: str
    value: str
    label: str | None = None
    opt_outs: dict
    consents: dict


class CustomerOut(Out):
    """A customer with their contact points."""

    id: int
    client_id: int
    display_name: str
    external_ref: str | None = None
    timezone: str | None = None
    language: str | None = None
    contact_points: list[ContactPointOut]


class CaseOut(Out):
    """A case header."""

    id: int
    client_id: int
    customer_id: int
    reference: str
    status: str = CASE_STATUS
    priority: str = PRIORITY
    owner_id: int | None = None
    flags: list[str]
    labels: list[str] = []
    status_reason: str | None = None
    follow_up_on: date | None = None
    sensitive: bool
    last_activity_at: datetime
    created_at: datetime


class AgentRef(Out):
    """The member of staff on an interaction."""

    id: int
    name: str


class DocumentSummaryOut(Out):
    """A document read locally: its status, the sentences carrying its facts, the facts."""

    status: str = Field(description="pending, done, empty (no text: a scan), encrypted, "
                        "too_large or unreadable")
    message: str | None = Field(None, description="the status in words (why not read, or "
                                "that only the first pages were)")
    pages: int | None = None
    sentences: list[dict] = Field(default_factory=list, description="[{text, tags}] in the "
                                  "document's order; tags: number, amount, date, name")
    facts: dict = Field(default_factory=dict, description="policy_number, claim_number, "
                        "names, loss_date, amount, amounts, bank_account ({value, shown, "
                        "quote})")


class AttachmentOut(Out):
    """A file on an interaction (downloaded through our own routes)."""

    id: int
    kind: str
    filename: str
    content_type: str
    size: int
    summary: DocumentSummaryOut | None = Field(None, description="a PDF or Word file's "
                                               "summary, once read")


class RecentContactOut(Out):
    """One contact in brief: a screen pop's digest row (a timeline row adds the rest)."""

    id: int
    medium: str = Field(json_schema_extra=documented(enum=list(MEDIA)))
    direction: str = Field(json_schema_extra=documented(enum=list(DIRECTIONS)))
    status: str
    subject: str | None = None
    body: str
    agent: AgentRef | None = None
    occurred_at: datetime


class InteractionOut(RecentContactOut):
    """One timeline row."""

    case_id: int
    from_addr: str | None = None
    to_addr: str | None = None
    disposition: str | None = None
    duration_seconds: int | None = None
    updated_at: datetime
    attachments: list[AttachmentOut] = []
    error: dict | None = None
    wrap_ups: list[dict] = []  # calls: each handling agent's disposition and notes
    unverified: bool = False  # a chat whose visitor claims to be this customer, unchecked
    visitor_name: str | None = None  # the name that unverified visitor gave
    summary: DocumentSummaryOut | None = Field(None, description="a long email's own text, "
                                               "summarised")


def present(schema: type[Out], obj) -> dict:
    """obj as the JSON-ready dict of its schema (the one shape for API, socket and page)."""
    return schema.model_validate(obj).model_dump(mode="json")


class ChatVisitOut(Out):
    """A web chat visit and the check of who the visitor is."""

    id: int
    case_id: int
    visitor_name: str
    contact: str = ""  # the email or phone they typed
    claimed: bool  # landed on an existing customer's case by that email or phone
    unverified: bool
    verified_at: datetime | None = None
    verified_by_id: int | None = None
    moved_from_case_id: int | None = None
    created_at: datetime


class ScreenPopOut(Out):
    """The offer of a call: who is calling and the case at a glance, before answering."""

    offer_id: int
    attempt: int  # the item's nth offer: a re-offer is told apart from the offer it replaces
    queue: str
    interaction: InteractionOut
    customer: CustomerOut
    case: CaseOut
    recent: list[RecentContactOut]
    open_lines: list[str]
    flags: list[str]


class DispositionOut(Out):
    """A wrap-up code."""

    code: str
    label: str
    line_of_work: str
