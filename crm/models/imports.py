"""Portfolio imports: an uploaded CSV worked through in batches, and the rows it refused."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, utcnow

IMPORT_STATUSES = ("queued", "running", "done", "failed")


class Import(Base):
    """One uploaded file and how far its import has got (`processed` rows are committed)."""

    __tablename__ = "imports"
    __table_args__ = (Index("ix_imports_client_created", "client_id", "created_at"),
                      Index("ix_imports_status", "status"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    kind: Mapped[str] = mapped_column(String(16), default="debts")
    filename: Mapped[str] = mapped_column(String(200), default="")
    storage_key: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(String(64), default="")
    columns: Mapped[list] = mapped_column(default=list)  # the file's header row, as given
    status: Mapped[str] = mapped_column(String(16), default="queued")
    total: Mapped[int | None]  # data rows in the file, once counted
    processed: Mapped[int] = mapped_column(default=0)
    accepted: Mapped[int] = mapped_column(default=0)
    rejected: Mapped[int] = mapped_column(default=0)
    customers_created: Mapped[int] = mapped_column(default=0)
    accounts_created: Mapped[int] = mapped_column(default=0)
    accounts_updated: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)  # why the whole file failed
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class ImportReject(Base):
    """A row an import refused: its number in the file, its values and the reason."""

    __tablename__ = "import_rejects"
    __table_args__ = (Index("ix_import_rejects_import_row", "import_id", "row"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"))
    row: Mapped[int]  # the header is row 1
    values: Mapped[list] = mapped_column(default=list)
    reason: Mapped[str] = mapped_column(Text)
