"""Red flags (what a rule found on a case, and why) and an investigation's pinned evidence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, Json, utcnow


class RedFlag(Base):
    """One rule firing on a case (once per rule and matched thing; cleared, never deleted)."""

    __tablename__ = "red_flags"
    # `key` names what matched (a claim id, an account key, two quoted sources): evaluating
    # again finds the same row instead of adding a second one.
    __table_args__ = (UniqueConstraint("case_id", "rule", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="SET NULL"))
    rule: Mapped[str] = mapped_column(String(48))
    key: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)  # why it fired, in words an investigator reads
    facts: Mapped[dict] = mapped_column(Json, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active, cleared
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Evidence(Base):
    """A timeline item or attachment an investigator pinned to an investigation, and why."""

    __tablename__ = "investigation_evidence"
    # `key` is "interaction:<id>" or "attachment:<id>": one pin per thing per investigation.
    __table_args__ = (UniqueConstraint("investigation_id", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    investigation_id: Mapped[int] = mapped_column(
        ForeignKey("investigations.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(48))
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id",
                                                           ondelete="CASCADE"))
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id",
                                                                 ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    pinned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
