"""Business hours: when a client's (or one queue's) lines are open, and what happens outside."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, utcnow


class BusinessHours(Base):
    """A client's opening hours, or one queue's (which then override the client's)."""

    __tablename__ = "business_hours"
    __table_args__ = (UniqueConstraint("client_id", "scope"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    queue_id: Mapped[int | None] = mapped_column(
        ForeignKey("routing_queues.id", ondelete="CASCADE"))
    # "client" for the client's own hours, "queue:<id>" for a queue's: NULL queue ids are
    # never equal in a unique index, so the key is spelt out.
    scope: Mapped[str] = mapped_column(String(32))
    timezone: Mapped[str] = mapped_column(String(64))
    # {"mon": [["09:00", "17:00"]], ...}: local wall-clock intervals, an end before its start
    # runs past midnight into the next day.
    weekly: Mapped[dict] = mapped_column(default=dict)
    holidays: Mapped[list] = mapped_column(default=list)  # ["2026-12-25", ...]: closed all day
    voice_announcement: Mapped[str] = mapped_column(Text, default="")
    voice_language: Mapped[str] = mapped_column(String(16), default="en-US")
    message_auto_reply: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
