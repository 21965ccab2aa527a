"""Routing queues: one per line of work, with required skills, languages, priority and SLAs."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId


class RoutingQueue(Base):
    """A line of work's queue; client_id None is the default for every client."""

    __tablename__ = "routing_queues"
    __table_args__ = (Index("ix_routing_queues_client_name", "client_id", "name", unique=True),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(32))
    # {skill: minimum level}; an agent needs every one (levels 1-5).
    skills: Mapped[dict] = mapped_column(default=dict)
    # Any one of these (empty = any language).
    languages: Mapped[list] = mapped_column(default=list)
    priority: Mapped[int] = mapped_column(default=0)
    # {medium: seconds}: answer time for calls and chats, first response for messages, email.
    sla_seconds: Mapped[dict] = mapped_column(default=dict)
    # How long an item waits for its case owner / last agent before anyone may take it.
    sticky_seconds: Mapped[int] = mapped_column(default=0)
    escalate_to: Mapped[list] = mapped_column(default=list)  # supervisor user ids
    active: Mapped[bool] = mapped_column(default=True)
