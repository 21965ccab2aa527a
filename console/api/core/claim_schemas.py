"""Shapes of claims work: a claim with its next moves, documents asked for, cover changes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from console.api.core.openapi import NOT_BLANK, documented
from console.api.core.schemas import Out
from crm.claims import cover, documents, lifecycle, records, transitions
from crm.core.inputs import MAX_CENTS
from crm.models import Attachment, Claim, Interaction

_CENTS = {"minimum": 1, "maximum": MAX_CENTS}
_DATE = {"format": "date"}


class MoveOut(BaseModel):
    """A status the claim may move to next, and what that move asks for."""

    to: str
    label: str
    needs_reason: bool
    needs_signoff: bool
    needs_amount: bool = Field(description="the move states settlement_amount_cents (settling "
                               "defaults to the proposed amount)")
    documents_outstanding: list[str] = Field(
        default=[], description="documents still awaited that hold this move back (409 "
        "documents_outstanding) unless waived with a reason")


class PendingOut(BaseModel):
    """A settlement or decline waiting for a reviewer's sign-off."""

    to: str
    label: str
    reason: str | None = None
    decision_id: int | None = None


class ClaimDocumentOut(Out):
    """A document asked for on a claim: requested (its task open) or received (as a file)."""

    id: int
    claim_id: int
    name: str
    status: Literal["requested", "received", "waived"]
    task_id: int | None = None
    attachment_id: int | None = None
    attachment_filename: str | None = None
    requested_by_id: int | None = None
    received_by_id: int | None = None  # null once received: matched on arrival
    created_at: datetime
    received_at: datetime | None = None


class CoverChangeOut(Out):
    """A change of the policy's cover from a day, with the sum insured from then on."""

    id: int
    claim_id: int
    kind: str
    effective_on: date
    sum_insured_cents: int | None = None
    note: str = ""
    created_at: datetime


class ClaimOut(Out):
    """A claim: its facts, status, the moves it may make next, documents and cover changes."""

    kind: Literal["claim"] = "claim"
    id: int
    case_id: int
    number: str
    policy_number: str | None = None
    policy_start: date | None = None
    loss_date: date | None = None
    type: str | None = None
    reported_amount_cents: int | None = None
    reserve_cents: int | None = None
    settlement_amount_cents: int | None = None
    currency: str
    bank_account: str | None = None
    description: str = ""
    status: str = Field(json_schema_extra=documented(enum=list(lifecycle.STATUSES)))
    status_label: str
    status_reason: str | None = None
    next_moves: list[MoveOut]
    pending_signoff: PendingOut | None = None
    documents: list[ClaimDocumentOut] = []
    cover_changes: list[CoverChangeOut] = []
    created_at: datetime
    updated_at: datetime


def claim_out(session: Session, claim: Claim) -> ClaimOut:
    """A claim with its documents and cover changes (while it waits, it has no next moves)."""
    docs = documents.of_claim(session, claim.id)
    names = _filenames(session, [d.attachment_id for d in docs if d.attachment_id])
    pending = (PendingOut(to=claim.pending_status, label=lifecycle.label(claim.pending_status),
                          reason=claim.pending_reason, decision_id=claim.decision_id)
               if claim.pending_status else None)
    awaited = [d.name for d in documents.awaited(session, claim.id)] if not pending else []
    moves = [] if pending else [
        MoveOut(to=s, label=lifecycle.label(s), needs_reason=s in lifecycle.NEEDS_REASON,
                needs_signoff=s in lifecycle.NEEDS_SIGNOFF,
                needs_amount=s in lifecycle.NEEDS_AMOUNT,
                documents_outstanding=awaited if s in lifecycle.NEEDS_DOCUMENTS else [])
        for s in lifecycle.allowed(claim.status)]
    return ClaimOut.model_validate({
        **{k: getattr(claim, k) for k in ClaimOut.model_fields if hasattr(claim, k)
           and k not in ("kind", "type", "documents")},
        "type": claim.claim_type, "status_label": lifecycle.label(claim.status),
        "next_moves": moves, "pending_signoff": pending,
        "documents": [ClaimDocumentOut.model_validate(d).model_copy(
            update={"attachment_filename": names.get(d.attachment_id)}) for d in docs],
        "cover_changes": [CoverChangeOut.model_validate(c)
                          for c in cover.of_claim(session, claim.id)]})


def _filenames(session: Session, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(session.execute(select(Attachment.id, Attachment.filename).where(
        Attachment.id.in_(ids))).all())


class ClaimList(BaseModel):
    """A case's claims, oldest first."""

    items: list[ClaimOut]


class ClaimIn(BaseModel):
    """A first notice of loss: the claim starts at fnol."""

    number: str | None = Field(default=None, max_length=64, description="the claim number "
                               "(unique for the client); omitted: one is made from the case's "
                               "reference")
    policy_number: str | None = Field(default=None, max_length=64)
    policy_start: str | None = Field(default=None, description="YYYY-MM-DD, not in the future",
                                     json_schema_extra=documented(**_DATE))
    loss_date: str = Field(description="the day of the loss (YYYY-MM-DD), not in the future",
                           json_schema_extra=documented(**_DATE))
    type: str | None = Field(default=None, json_schema_extra=documented(
        enum=[*records.TYPES, None]))
    reported_amount_cents: int | None = Field(default=None, description="what the customer "
                                              "claims, in cents",
                                              json_schema_extra=documented(**_CENTS))
    bank_account: str | None = Field(default=None, max_length=64,
                                     description="where a payout would go, as given")
    description: str | None = Field(default=None, max_length=4000)


class ClaimChange(BaseModel):
    """Facts of a claim to correct; omitted fields stay as they are. The reserve is for
    claims handlers and supervisors (403 otherwise). The status moves only by a transition,
    so any other field (status, say) is refused rather than ignored."""

    model_config = ConfigDict(extra="forbid")

    policy_number: str | None = Field(default=None, max_length=64)
    policy_start: str | None = Field(default=None, json_schema_extra=documented(**_DATE))
    loss_date: str | None = Field(default=None, json_schema_extra=documented(
        nullable=False, **_DATE))
    type: str | None = Field(default=None, json_schema_extra=documented(
        enum=[*records.TYPES, None]))
    reported_amount_cents: int | None = Field(default=None,
                                              json_schema_extra=documented(**_CENTS))
    reserve_cents: int | None = Field(default=None, json_schema_extra=documented(**_CENTS))
    bank_account: str | None = Field(default=None, max_length=64)
    description: str | None = Field(default=None, max_length=4000)


class TransitionIn(BaseModel):
    """Move the claim; settled and declined wait for a reviewer's sign-off."""

    to: str = Field(description="the new status (one the claim's next_moves lists; another "
                    "answers 409 naming the allowed moves)",
                    json_schema_extra=documented(enum=list(lifecycle.STATUSES)))
    reason: str | None = Field(default=None, max_length=transitions.MAX_REASON,
                               description="why: required to decline or reopen, and to "
                               "waive documents")
    settlement_amount_cents: int | None = Field(
        default=None, description="what is paid, in cents: required to propose a settlement; "
        "settling pays the proposed amount unless another is given; 422 with other moves",
        json_schema_extra=documented(**_CENTS))
    documents_waived: bool = Field(default=False, description="go on although requested "
                                   "documents are still awaited (they become waived; a reason "
                                   "is required); otherwise assessing, proposing a settlement "
                                   "or settling answers 409 documents_outstanding")


class DocumentRequestIn(BaseModel):
    """A document to ask the customer for; it becomes a task until it comes in."""

    name: str = Field(max_length=documents.MAX_NAME, description="e.g. Police report",
                      json_schema_extra=documented(**NOT_BLANK))
    due_on: str | None = Field(default=None, description="YYYY-MM-DD, today or later "
                               "(default: in a week)", json_schema_extra=documented(**_DATE))


class ReceiptIn(BaseModel):
    """Which attachment on the case is the requested document."""

    attachment_id: int = Field(json_schema_extra=documented(minimum=1))


class AttachmentChoiceOut(Out):
    """An attachment a customer sent on the case, that could be a requested document."""

    id: int
    filename: str
    content_type: str
    size: int
    medium: str
    received_at: datetime


def attachment_choice(attachment: Attachment) -> AttachmentChoiceOut:
    """The attachment with the medium and time it came by."""
    item: Interaction = attachment.interaction
    return AttachmentChoiceOut(id=attachment.id, filename=attachment.filename,
                               content_type=attachment.content_type, size=attachment.size,
                               medium=item.medium, received_at=item.occurred_at)


class AttachmentChoiceList(BaseModel):
    """Attachments on the case, newest first."""

    items: list[AttachmentChoiceOut]


class CoverChangeIn(BaseModel):
    """A change of cover: increase or decrease (with the new sum insured), or other."""

    kind: str = Field(json_schema_extra=documented(enum=list(cover.KINDS)))
    effective_on: str = Field(description="the day it took effect (YYYY-MM-DD)",
                              json_schema_extra=documented(**_DATE))
    sum_insured_cents: int | None = Field(default=None, description="the cover from then on; "
                                          "required for an increase or decrease",
                                          json_schema_extra=documented(**_CENTS))
    note: str | None = Field(default=None, max_length=2000)
