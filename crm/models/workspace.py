"""Workspace tables: name-word keys for search, recent cases, saved views, phone suffixes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, delete, event, insert, inspect
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, utcnow
from crm.models.customers import ContactPoint, Customer
from crm.models.timeline import Interaction

# Byte order on PostgreSQL too, so a prefix is a plain index range whatever the db collation.
KeyText = String(200).with_variant(String(200, collation="C"), "postgresql")


class CustomerNameKey(Base):
    """One searchable key per word of a customer's folded name: that word to the end."""

    __tablename__ = "customer_name_keys"
    __table_args__ = (Index("ix_customer_name_keys_client_key", "client_id", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    customer_id: Mapped[int] = mapped_column(
        ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(KeyText)


class RecentCase(Base):
    """When a member of staff last opened a case (their "recent cases")."""

    __tablename__ = "recent_cases"
    __table_args__ = (UniqueConstraint("user_id", "case_id"),
                      Index("ix_recent_cases_user_viewed", "user_id", "viewed_at"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    viewed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedView(Base):
    """A worklist view a member of staff named: which list, its filters and sort."""

    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("user_id", "name"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    # {"view": "assigned", "status": ..., "priority": ..., "line": ..., "due": ..., "sort": ...}
    filters: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


Index("ix_contact_points_digits_rev", ContactPoint.digits_rev)
# The digest's "last contact per medium" is one index seek per medium, even on huge cases.
Index("ix_interactions_case_medium_time", Interaction.case_id, Interaction.medium,
      Interaction.occurred_at)


def reversed_digits(value: str | None) -> str | None:
    """The digits of a phone number, last first ("+1 415 555 0100" -> "00105551415")."""
    digits = "".join(c for c in value or "" if c.isdigit())
    return digits[::-1][:32] or None


def name_keys(search_name: str) -> list[str]:
    """Every word-suffix of a folded name: "ana de lopez" -> itself, "de lopez", "lopez"."""
    words = search_name.split()
    return [" ".join(words[i:])[:200] for i in range(len(words))]


@event.listens_for(ContactPoint, "before_insert")
@event.listens_for(ContactPoint, "before_update")
def _set_digits(_mapper, _conn, cp: ContactPoint) -> None:
    cp.digits_rev = contact_digits(cp.kind, cp.value)


def contact_digits(kind: str, value: str) -> str | None:
    """A contact point's digits_rev (phones only; also for inserts that bypass the ORM)."""
    return reversed_digits(value) if kind == "phone" else None


@event.listens_for(Customer, "after_insert")
def _index_new_name(_mapper, conn, customer: Customer) -> None:
    write_name_keys(conn, customer.id, customer.client_id, customer.search_name or "",
                    replace=False)  # a new customer has no keys to replace


@event.listens_for(Customer, "after_update")
def _index_name(_mapper, conn, customer: Customer) -> None:
    if inspect(customer).attrs.search_name.history.has_changes():
        write_name_keys(conn, customer.id, customer.client_id, customer.search_name or "")


def write_name_keys(conn, customer_id: int, client_id: int, search_name: str,
                    replace: bool = True) -> None:
    """Replace a customer's name keys (also used by bulk loaders that bypass the ORM)."""
    table = CustomerNameKey.__table__
    if replace:
        conn.execute(delete(table).where(table.c.customer_id == customer_id))
    rows = name_key_rows(customer_id, client_id, search_name)
    if rows:
        conn.execute(insert(table), rows)


def name_key_rows(customer_id: int, client_id: int, search_name: str) -> list[dict]:
    """A customer's name keys as rows of customer_name_keys."""
    return [{"client_id": client_id, "customer_id": customer_id, "key": k}
            for k in name_keys(search_name)]
