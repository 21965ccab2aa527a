"""Web chat visits: who a visitor said they were, and whether staff have checked it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, utcnow


class ChatVisit(Base):
    """One chat visit (thread): the case it is on now, and its identity check.

    A visitor who types an existing customer's email or phone lands on that customer's case
    (claimed); until an agent verifies them, the visit is shown as unverified. An agent may
    instead move it to a case of its own (moved_from_case_id says where it was).
    """

    __tablename__ = "chat_visits"
    __table_args__ = (Index("ix_chat_visits_case_id", "case_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    thread_key: Mapped[str] = mapped_column(String(64), unique=True)
    visitor_name: Mapped[str] = mapped_column(String(100), default="")
    contact: Mapped[str] = mapped_column(String(320), default="")  # as given, normalised
    claimed: Mapped[bool] = mapped_column(default=False)  # landed on an existing customer
    verified_at: Mapped[datetime | None]
    verified_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    moved_from_case_id: Mapped[int | None] = mapped_column(
        ForeignKey("cases.id", ondelete="SET NULL"))
    # The visitor's language (the widget's page), for what the visit says to them.
    language: Mapped[str | None] = mapped_column(String(16))
    ended_at: Mapped[datetime | None]
    # The visitor's answer to "how did we do?" at the end: 1-5 and an optional comment.
    csat_score: Mapped[int | None]
    csat_comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def unverified(self) -> bool:
        """Claims to be the case's customer, and nobody has checked."""
        return self.claimed and self.verified_at is None
