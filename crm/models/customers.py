"""Customers, their contact points, and the one case each customer has."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from crm.models.base import Base, BigId, utcnow
from crm.models.tenancy import Client, User

CONTACT_KINDS = ("phone", "email", "chat")
CASE_STATUSES = ("open", "pending", "resolved", "closed")
# A customer who writes or calls on a case in one of these opens it again.
FINISHED_STATUSES = ("resolved", "closed")
PRIORITIES = ("low", "normal", "high", "urgent")


class Customer(Base):
    """A person or business the client deals with."""

    __tablename__ = "customers"
    __table_args__ = (
        Index("ix_customers_client_search_name", "client_id", "search_name"),
        # Partial: most customers have no account reference, and an index whose statistics
        # count a million NULLs as one value looks useless to SQLite's planner (it scanned).
        Index("ix_customers_client_external_ref", "client_id", "external_ref",
              sqlite_where=text("external_ref IS NOT NULL"),
              postgresql_where=text("external_ref IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    # Lower-cased, accents stripped: what name search compares against.
    search_name: Mapped[str] = mapped_column(String(200), default="")
    external_ref: Mapped[str | None] = mapped_column(String(64))
    timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(16))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    client: Mapped[Client] = relationship()
    contact_points: Mapped[list[ContactPoint]] = relationship(
        back_populates="customer", order_by="ContactPoint.id"
    )


class ContactPoint(Base):
    """A normalised way to reach a customer: a phone (E.164), an email, a chat identity."""

    __tablename__ = "contact_points"
    __table_args__ = (
        UniqueConstraint("client_id", "kind", "value"),
        Index("ix_contact_points_kind_value", "kind", "value"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(320))
    # A phone's digits reversed, so "ends with these digits" is an indexed prefix range.
    digits_rev: Mapped[str | None] = mapped_column(String(32).with_variant(
        String(32, collation="C"), "postgresql"))
    label: Mapped[str | None] = mapped_column(String(64))
    # Per medium ("sms", "whatsapp", "voice", "email"): ISO time of the opt-out / consent.
    opt_outs: Mapped[dict] = mapped_column(default=dict)
    consents: Mapped[dict] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    customer: Mapped[Customer] = relationship(back_populates="contact_points")


class Case(Base):
    """The single long-running case of one customer; every interaction lands here."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("customer_id"),
        Index("ix_cases_owner_status", "owner_id", "status"),
        Index("ix_cases_client_last_activity", "client_id", "last_activity_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    status_reason: Mapped[str | None] = mapped_column(Text)  # why it was last moved
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    flags: Mapped[list] = mapped_column(default=list)
    # Free labels agents sort their work by (flags are compliance controls; these are not).
    labels: Mapped[list] = mapped_column(default=list, server_default="[]")
    follow_up_on: Mapped[date | None]
    # A sensitive case (fraud) is audited on every view.
    sensitive: Mapped[bool] = mapped_column(default=False)
    summary: Mapped[str] = mapped_column(Text, default="")
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    customer: Mapped[Customer] = relationship(lazy="joined")
    owner: Mapped[User | None] = relationship()
