"""Canned replies: shared (per client) and personal message snippets with merge fields."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, utcnow


class CannedReply(Base):
    """A reusable reply; shared with a client's staff when owner_id is empty."""

    __tablename__ = "canned_replies"
    __table_args__ = (Index("ix_canned_replies_client_owner", "client_id", "owner_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    # Personal to this user; None = shared with everyone working for the client.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
