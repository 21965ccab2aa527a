"""The append-only audit trail (the database refuses updates and deletes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, utcnow


class AuditEvent(Base):
    """Who did what to which object, with the state before and after."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_object", "object_type", "object_id", "at"),
                      Index("ix_audit_events_actor", "actor_id", "action", "at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(320), default="system")
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(48))
    object_id: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"))
    # The case and customer the object belongs to, when it has one, so the audit viewer can
    # find everything that touched a case or a customer. Not foreign keys: the trail outlives
    # merges and must never block a delete elsewhere.
    case_id: Mapped[int | None] = mapped_column(BigId, index=True)
    customer_id: Mapped[int | None] = mapped_column(BigId, index=True)
    before: Mapped[dict | None]
    after: Mapped[dict | None]
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
