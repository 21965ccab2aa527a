"""Collections: money on a debt account (payments, reversals, plans, settlements) and
portfolio imports (an uploaded CSV worked through in batches, and the rows it refused)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, Json, utcnow


class Payment(Base):
    """Money received on an account; a reversal is a negative payment naming the one undone."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("debt_account_id", "reference"),
                      UniqueConstraint("reverses_payment_id"),
                      Index("ix_payments_account_paid", "debt_account_id", "paid_on"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    debt_account_id: Mapped[int] = mapped_column(ForeignKey("debt_accounts.id"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date]
    method: Mapped[str] = mapped_column(String(24))
    reference: Mapped[str] = mapped_column(String(100))
    reverses_payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"))
    reason: Mapped[str | None] = mapped_column(Text)  # why a reversal was made
    # [[promise_id, cents], ...]: what it paid towards, so a reversal can take it back.
    applied: Mapped[list] = mapped_column(Json, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentPlan(Base):
    """An instalment schedule; its instalments are promises with this plan's id."""

    __tablename__ = "payment_plans"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    debt_account_id: Mapped[int] = mapped_column(ForeignKey("debt_accounts.id"), index=True)
    instalment_cents: Mapped[int] = mapped_column(BigInteger)
    frequency: Mapped[str] = mapped_column(String(16))  # weekly, fortnightly, monthly
    first_due_on: Mapped[date]
    count: Mapped[int]
    status: Mapped[str] = mapped_column(String(16), default="active")  # completed, broken
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlements.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Settlement(Base):
    """An offer to close an account for less than its balance, paid as a promise or a plan."""

    __tablename__ = "settlements"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    debt_account_id: Mapped[int] = mapped_column(ForeignKey("debt_accounts.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    balance_cents: Mapped[int] = mapped_column(BigInteger)  # the balance when offered
    terms: Mapped[dict] = mapped_column(Json)  # {"as": "promise"|"plan", due_on | schedule}
    # pending (waiting for sign-off), applied, rejected
    status: Mapped[str] = mapped_column(String(16), default="pending")
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


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
