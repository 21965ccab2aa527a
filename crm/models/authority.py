"""Approval authority: what a reviewer may sign for a client (limits, qualifications), and
the qualification a client requires for a kind of decision."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, utcnow


class SigningAuthority(Base):
    """A reviewer's authority for one client: the most they may approve per kind of decision
    (in cents of the decision's currency) and the qualifications they hold."""

    __tablename__ = "signing_authorities"
    __table_args__ = (UniqueConstraint("user_id", "client_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"),
                                           index=True)
    limits: Mapped[dict] = mapped_column(default=dict)  # {kind: amount_cents}
    qualifications: Mapped[list] = mapped_column(default=list)  # ["attorney, ZA", …]
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SignoffRequirement(Base):
    """A client's rule: approving this kind of decision needs this qualification."""

    __tablename__ = "signoff_requirements"
    __table_args__ = (UniqueConstraint("client_id", "kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(48))
    qualification: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
