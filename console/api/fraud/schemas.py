"""Shapes of fraud investigations in the API (seen only by those crm.fraud.visibility allows)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import AgentRef, Out
from console.api.core.workspace_schemas import TimelineItemOut
from crm.fraud.investigations import OUTCOMES, SEVERITIES


class EscalationIn(BaseModel):
    """What looks wrong on the case, and how bad it looks (default low)."""

    summary: str = Field(max_length=2000, json_schema_extra=documented(**NOT_BLANK))
    severity: str = Field("low", json_schema_extra=documented(enum=list(SEVERITIES)))
    claim_id: int | None = Field(None, gt=0, lt=2**63,
                                 description="the case's claim it concerns, if any")


class RiskReason(BaseModel):
    """The points one active red flag adds to the risk score (weights: FRAUD_WEIGHT_*)."""

    rule: str
    flag_id: int | None = None
    label: str = Field(description='the flag in a few words ("bank account shared")')
    points: int


class InvestigationOut(Out):
    """A fraud investigation: open (waiting in the fraud queue), investigating, escalated
    (sent up further) or closed with an outcome."""

    id: int
    case_id: int
    reference: str
    status: str
    severity: str
    risk_score: int = Field(description="0-100: the points of the case's active red flags")
    risk_reasons: list[RiskReason] = Field(
        default_factory=list, description="why the score is what it is, heaviest first")
    summary: str
    claim_id: int | None = Field(None, description="the case's claim it concerns, if any")
    assigned_to: AgentRef | None = None
    taken_at: datetime | None = None
    snoozed_until: datetime | None = None
    outcome: str | None = None
    outcome_summary: str | None = None
    closed_at: datetime | None = None
    created_at: datetime
    case_reference: str = ""
    customer_name: str = ""
    requester: AgentRef | None = Field(None, description="who escalated the case")


class EscalatedOut(BaseModel):
    """The case is under review; the investigation itself only for those who may see it."""

    case_id: int
    status: str
    investigation: InvestigationOut | None = None


class InvestigationList(BaseModel):
    """Investigations (the fraud queue, or a case's), most severe then oldest first."""

    items: list[InvestigationOut]
    under_review: bool = False  # a case's: it has investigations this reader may not see


class QueueQuery(BaseModel):
    """Which part of the fraud queue: by status, only mine, or the snoozed ones."""

    status: Literal["open", "investigating", "escalated"] | None = None
    mine: bool = False
    snoozed: bool = False


class EvidenceIn(BaseModel):
    """A timeline item of the case (and optionally one of its attachments) to pin."""

    interaction_id: int = Field(ge=1)
    attachment_id: int | None = Field(None, ge=1)
    note: str = Field("", max_length=2000)


class EvidenceOut(Out):
    """A pinned item, with the timeline entry it points at."""

    id: int
    key: str
    interaction_id: int
    attachment_id: int | None = None
    note: str
    pinned_by_id: int | None = None
    created_at: datetime
    item: TimelineItemOut | None = None


class EvidenceList(BaseModel):
    """What is pinned, oldest first."""

    items: list[EvidenceOut]


class InvestigationDetailOut(InvestigationOut):
    """An investigation with its evidence."""

    escalation_id: int | None = None
    evidence: list[EvidenceOut] = []


class InvestigationChange(BaseModel):
    """Raise the severity; snooze until a time (null: wake it now)."""

    severity: Literal["low", "medium", "high", "critical"] | None = None
    snoozed_until: str | None = Field(None, max_length=40, description="ISO 8601 date-time "
                                      "in the future (UTC when no offset is given)",
                                      json_schema_extra=documented(format="date-time"))


class SendUpIn(BaseModel):
    """Where the investigation goes further (SIU, legal) and why."""

    reason: str = Field(max_length=2000, json_schema_extra=documented(**NOT_BLANK))


class CloseIn(BaseModel):
    """The outcome and what was found."""

    outcome: str = Field(json_schema_extra=documented(enum=list(OUTCOMES)))
    summary: str = Field(max_length=20_000, json_schema_extra=documented(**NOT_BLANK))


class InvestigationNoteIn(BaseModel):
    """A note on the investigation."""

    body: str = Field(max_length=20_000, json_schema_extra=documented(**NOT_BLANK))


class NoteList(BaseModel):
    """The investigation's notes, newest first."""

    items: list[TimelineItemOut]
