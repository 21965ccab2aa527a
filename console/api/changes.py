"""Changing customers and cases through the API (audited in the services)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from console.api.core.blueprint import actor, api, bp
from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import CaseOut, CustomerOut
from console.api.core.times import IsoDate
from console.core import database
from crm.cases import records, workflow
from crm.customers import details as customers
from crm.models.customers import CASE_STATUSES, PRIORITIES


class CustomerChange(BaseModel):
    """Fields of a customer that staff may change; omitted fields stay as they are."""

    display_name: str | None = Field(default=None, max_length=200,
                                     json_schema_extra=documented(nullable=False, **NOT_BLANK))
    timezone: str | None = Field(default=None, max_length=64,
                                 description="an IANA time zone such as Europe/London")
    language: str | None = Field(default=None, max_length=16)
    external_ref: str | None = Field(default=None, max_length=64)


class CaseChange(BaseModel):
    """Fields of a case that staff may change; omitted fields stay as they are."""

    status: str | None = Field(default=None, json_schema_extra=documented(
        nullable=False, enum=list(CASE_STATUSES)))
    priority: str | None = Field(default=None, json_schema_extra=documented(
        nullable=False, enum=list(PRIORITIES)))
    owner_id: int | None = Field(
        default=None, description="An active user of the case's client, or null to unassign. "
        "An agent may only take an unowned case or release their own; a supervisor assigns.")
    flags: list[str] | None = Field(
        default=None, max_length=20, description="Compliance flags (supervisor only): tokens of "
        "1-40 lowercase letters, digits, '_' or '-'; duplicates are dropped.",
        json_schema_extra=documented(nullable=False, items={"pattern": "^[a-z0-9_-]{1,40}$"}))
    summary: str | None = Field(default=None, max_length=5000, description="Not null.",
                                json_schema_extra=documented(nullable=False))
    reason: str | None = Field(default=None, max_length=workflow.MAX_REASON, description=(
        "Why the status changes (required to resolve or close); only with `status`."))
    labels: list[str] | None = Field(
        default=None, max_length=records.MAX_LABELS, description="Free labels (1-40 "
        "characters each); duplicates are dropped.",
        json_schema_extra=documented(nullable=False))
    follow_up_on: IsoDate | None = Field(default=None, description="The day to "
                                      "look at the case again (YYYY-MM-DD), or null")


@api.route(bp, "/customers/<int:customer_id>", "PATCH", summary="Change a customer",
           body=CustomerChange, response=CustomerOut, tags=["customers"])
def patch_customer(customer_id: int, body: CustomerChange):
    """Change a customer's name, timezone, language or account reference."""
    session = database.session()
    customer = customers.update(session, actor(), customer_id,
                                **body.model_dump(exclude_unset=True))
    session.commit()
    return CustomerOut.model_validate(customer)


@api.route(bp, "/cases/<int:case_id>", "PATCH", summary="Change a case", body=CaseChange,
           response=CaseOut, tags=["cases"], errors=(403, 409))
def patch_case(case_id: int, body: CaseChange):
    """Change a case's status (with a reason), priority, owner, labels, follow-up day, flags
    or summary (403 without the role; 409 playbook_incomplete to resolve or close it while a
    required playbook step is open)."""
    session = database.session()
    case = workflow.update(session, actor(), case_id, **body.model_dump(exclude_unset=True))
    session.commit()
    return CaseOut.model_validate(case)
