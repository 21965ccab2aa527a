"""What the debtor told us about reaching them, and the attempts the guardrail blocked."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, utcnow


class ContactRestriction(Base):
    """A time or place the debtor named as inconvenient (Regulation F, 12 CFR 1006.6(b)(1)).

    A window of local time (`starts`..`ends`, either open) on some weekdays (none: every
    day), on one contact point (a place: "not at work") or on all of them.
    """

    __tablename__ = "contact_restrictions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    contact_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_points.id", ondelete="CASCADE"))
    days: Mapped[list] = mapped_column(default=list)  # 0 = Monday … 6 = Sunday
    starts: Mapped[time | None]
    ends: Mapped[time | None]
    note: Mapped[str] = mapped_column(Text, default="")  # what the debtor said
    source: Mapped[str] = mapped_column(String(16), default="spoken")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BlockedAttempt(Base):
    """A contact the guardrail refused, with its rule; a supervisor may override some."""

    __tablename__ = "blocked_attempts"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    medium: Mapped[str] = mapped_column(String(16))
    rule: Mapped[str] = mapped_column(String(48))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    override_reason: Mapped[str | None] = mapped_column(Text)
    overridden_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    overridden_at: Mapped[datetime | None]
    override_used_at: Mapped[datetime | None]  # the one contact the override let through
