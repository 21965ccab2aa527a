"""A claim's paperwork and its policy's history: documents asked for, cover changes stated."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, utcnow


class ClaimDocument(Base):
    """A document asked for on a claim: its task stays open until an attachment is its copy."""

    __tablename__ = "claim_documents"
    __table_args__ = (Index("ix_claim_documents_case_status", "case_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"),
                                          index=True)
    name: Mapped[str] = mapped_column(String(200))  # "Police report", "Repair estimate"
    # requested, received, waived (the handler went on without it, saying why)
    status: Mapped[str] = mapped_column(String(16), default="requested")
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id",
                                                                 ondelete="SET NULL"))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                   ondelete="SET NULL"))
    # Who said this attachment is the document (None: matched on arrival, see crm.claims).
    received_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                  ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_at: Mapped[datetime | None]


class CoverChange(Base):
    """A change to the claim's policy cover (an increase, say) from a day, with its new sum."""

    __tablename__ = "claim_cover_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"),
                                          index=True)
    kind: Mapped[str] = mapped_column(String(16))  # increase, decrease, other
    effective_on: Mapped[date]
    sum_insured_cents: Mapped[int | None] = mapped_column(BigInteger)  # the cover from then on
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
