"""Case file exports: a case's record built as a PDF (or a ZIP with its files) for a referral."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, utcnow

FORMATS = ("pdf", "zip")
STATUSES = ("queued", "running", "done", "failed")


class CaseExport(Base):
    """One requested case file: how far its build has got, and where the result is kept."""

    __tablename__ = "exports"
    __table_args__ = (Index("ix_exports_case_created", "case_id", "created_at"),
                      Index("ix_exports_status", "status"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    format: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(16), default="queued")
    progress: Mapped[int] = mapped_column(default=0)  # percent of the build done
    storage_key: Mapped[str | None] = mapped_column(String(64))  # the file, once done
    filename: Mapped[str] = mapped_column(String(200), default="")
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)  # why the build failed
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                   ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
