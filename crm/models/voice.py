"""Work items: one offer per routable interaction (calls, and since routing, messages too)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, literal_column, text
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, utcnow

OFFER_STATUSES = ("open", "accepted", "done", "abandoned", "voicemail")
# Live work (open or accepted) is a handful of rows; finished offers pile up for years. The
# partial indexes below cover live rows only, and queries over live work name the status as a
# SQL literal: a bound parameter cannot prove an index's condition in a cached or prepared plan.
OPEN = literal_column("'open'")
ACCEPTED = literal_column("'accepted'")
LIVE_INDEXES = {
    "ix_offers_waiting": (("client_id", "priority", "created_at"),
                          "status = 'open' AND offered_user_id IS NULL"),
    "ix_offers_open_offered": (("offered_user_id",), "status = 'open'"),
    "ix_offers_accepted_by": (("accepted_by_id",), "status = 'accepted'"),
    "ix_offers_live_case": (("case_id", "medium"), "status IN ('open', 'accepted')"),
}


class Offer(Base):
    """A call waiting in a queue, offered to available agents until one accepts it."""

    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_status_created", "status", "created_at"),
                      *(Index(name, *columns, sqlite_where=text(where),
                              postgresql_where=text(where))
                        for name, (columns, where) in LIVE_INDEXES.items()))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    interaction_id: Mapped[int] = mapped_column(
        ForeignKey("interactions.id", ondelete="CASCADE"), unique=True
    )
    queue: Mapped[str] = mapped_column(String(32), default="general")
    status: Mapped[str] = mapped_column(String(16), default="open")
    # Who was shown the offer, so the losers of an accept can be told it is gone.
    offered_to: Mapped[list] = mapped_column(default=list)
    declined_by: Mapped[list] = mapped_column(default=list)
    accepted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    accepted_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Routing (issue 4): one agent at a time is offered an open item, until the offer expires.
    medium: Mapped[str] = mapped_column(String(16), default="voice")
    priority: Mapped[int] = mapped_column(default=0)
    language: Mapped[str | None] = mapped_column(String(16))
    offered_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True)
    offered_at: Mapped[datetime | None]
    offer_expires_at: Mapped[datetime | None]
    # How many times the item has been offered: each offer of it to an agent is (id, attempt),
    # so news of an ended offer cannot be mistaken for the offer made after it.
    attempt: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    sla_due_at: Mapped[datetime | None]
    sla_breached: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[datetime | None]

    @property
    def state(self) -> str:
        """waiting, offered, assigned or done (the routing view of status)."""
        if self.status == "open":
            return "offered" if self.offered_user_id else "waiting"
        return "assigned" if self.status == "accepted" else "done"


class DispositionCode(Base):
    """A wrap-up code an agent may choose after a call, per client and line of work."""

    __tablename__ = "disposition_codes"
    __table_args__ = (Index("ix_disposition_codes_client_line", "client_id", "line_of_work",
                            "code", unique=True),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    # The client whose codes these are; None: every client's (codes set up before clients had
    # their own, kept as they were).
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    line_of_work: Mapped[str] = mapped_column(String(32), default="general")
    code: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
