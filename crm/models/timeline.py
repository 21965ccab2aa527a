"""The case timeline: interactions, their attachments, and follow-up tasks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, and_
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship

from crm.models.base import Base, BigId, utcnow
from crm.models.documents import DocumentSummary
from crm.models.tenancy import User

MEDIA = ("voice", "sms", "whatsapp", "email", "chat", "note", "system")
DIRECTIONS = ("inbound", "outbound", "internal")


class Interaction(Base):
    """One row of a case timeline: a call, a message, an email, a note, a system event."""

    __tablename__ = "interactions"
    __table_args__ = (
        # Idempotency: a provider's retry of the same CallSid / MessageSid / Message-ID.
        UniqueConstraint("client_id", "medium", "provider_id"),
        # Keyset order of the timeline: newest first by (occurred_at, id).
        Index("ix_interactions_case_time_id", "case_id", "occurred_at", "id"),
        Index("ix_interactions_thread_key", "thread_key"),
        Index("ix_interactions_status_medium", "status", "medium"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    medium: Mapped[str] = mapped_column(String(16))
    direction: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(24), default="received")
    provider_id: Mapped[str | None] = mapped_column(String(255))
    # Email Message-ID (or chat session) used to thread replies.
    thread_key: Mapped[str | None] = mapped_column(String(998))
    subject: Mapped[str | None] = mapped_column(String(998))
    body: Mapped[str] = mapped_column(Text, default="")
    from_addr: Mapped[str | None] = mapped_column(String(320))
    to_addr: Mapped[str | None] = mapped_column(String(998))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    disposition: Mapped[str | None] = mapped_column(String(64))
    duration_seconds: Mapped[int | None] = mapped_column(Integer)
    # Highest provider sequence number applied, so late callbacks never regress a status.
    status_seq: Mapped[int] = mapped_column(Integer, default=-1)
    meta: Mapped[dict] = mapped_column(default=dict)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    next_attempt_at: Mapped[datetime | None]  # a queued send's retry is due (after a backoff)

    agent: Mapped[User | None] = relationship(lazy="joined")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="interaction", order_by="Attachment.id", lazy="selectin"
    )
    # A long email's own text, summarised (crm.documents); its files' summaries are theirs.
    summary: Mapped[DocumentSummary | None] = relationship(
        primaryjoin=lambda: and_(foreign(DocumentSummary.interaction_id) == Interaction.id,
                                 DocumentSummary.attachment_id.is_(None)),
        viewonly=True, uselist=False, lazy="selectin")

    @property
    def error(self) -> dict | None:
        """The provider's reason a message failed ({code, message}), shown to the agent."""
        return (self.meta or {}).get("error")

    @property
    def unverified(self) -> bool:
        """Part of a chat whose visitor claims to be the case's customer, unchecked."""
        return bool((self.meta or {}).get("unverified"))

    @property
    def visitor_name(self) -> str | None:
        """The name a chat visitor gave on the pre-chat form (the timeline names their
        thread by it; an unverified visitor's is shown instead of the customer's)."""
        return ((self.meta or {}).get("visitor") or None) if self.medium == "chat" else None

    @property
    def wrap_ups(self) -> list[dict]:
        """A call's wrap-ups, one per agent who handled it: disposition (code and label), notes."""
        return [{"agent_id": w.get("agent_id"), "disposition": w.get("disposition"),
                 "label": w.get("label") or w.get("disposition"), "notes": w.get("notes") or "",
                 "at": w.get("at")}
                for w in (self.meta or {}).get("wrap_ups", [])]


class Attachment(Base):
    """A file on an interaction: an email attachment, MMS media, a call recording."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(24), default="file")
    filename: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(255), default="application/octet-stream")
    size: Mapped[int] = mapped_column(Integer, default=0)
    storage_key: Mapped[str | None] = mapped_column(String(512))
    source_url: Mapped[str | None] = mapped_column(String(1024))
    sha256: Mapped[str | None] = mapped_column(String(64))
    meta: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    interaction: Mapped[Interaction] = relationship(back_populates="attachments")
    # Its text read and summarised (a PDF or Word document), once the task has run.
    summary: Mapped[DocumentSummary | None] = relationship(
        primaryjoin=lambda: foreign(DocumentSummary.attachment_id) == Attachment.id,
        viewonly=True, uselist=False, lazy="selectin")


class Task(Base):
    """A follow-up or callback due on a case."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_assignee_status_due", "assignee_id", "status", "due_at"),
        Index("ix_tasks_case_status", "case_id", "status"),
        Index("ix_tasks_team_status_due", "team_id", "status", "due_at"),
        Index("ix_tasks_client_queue_status", "client_id", "queue", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    kind: Mapped[str] = mapped_column(String(24), default="follow_up")
    title: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open, snoozed, done
    due_at: Mapped[datetime | None]
    snoozed_until: Mapped[datetime | None]
    # Whose it is: a person, else a team, else whoever works the line of work's queue.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    queue: Mapped[str | None] = mapped_column(String(32))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source_interaction_id: Mapped[int | None] = mapped_column(
        ForeignKey("interactions.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None]
