"""Document summaries: the text of an attachment (PDF, Word) or a long email, read locally,
cut down to the sentences that carry its facts, and the facts themselves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, utcnow


class DocumentSummary(Base):
    """What was read from one attachment (or an email's own long body) and what it says."""

    __tablename__ = "document_summaries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # "attachment:<id>" or "body:<interaction id>": one summary each, however often asked.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"),
                                         index=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), index=True)
    attachment_id: Mapped[int | None] = mapped_column(
        ForeignKey("attachments.id", ondelete="CASCADE"), index=True)
    # pending | done | empty (no text: a scan) | encrypted | too_large | unreadable
    status: Mapped[str] = mapped_column(String(16), default="pending")
    message: Mapped[str | None] = mapped_column(Text)  # the status in words, for people
    pages: Mapped[int | None] = mapped_column(Integer)  # pages read (a PDF's first ones)
    characters: Mapped[int | None] = mapped_column(Integer)
    sentences: Mapped[list] = mapped_column(default=list)  # the summary, in document order
    facts: Mapped[dict] = mapped_column(default=dict)  # policy_number, loss_date, amounts …
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
