"""Red flags (what a rule found on a case, why, the facts it matched), the identifiers rules
compare, the links they suggest, and an investigation's pinned evidence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, Json, utcnow


class RedFlag(Base):
    """One rule firing on a case (once per rule and matched thing; cleared, never deleted)."""

    __tablename__ = "red_flags"
    # `key` names what matched (a claim id, an account key, two quoted sources): evaluating
    # again finds the same row instead of adding a second one.
    __table_args__ = (UniqueConstraint("case_id", "rule", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="SET NULL"))
    rule: Mapped[str] = mapped_column(String(48))
    key: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)  # why it fired, in words an investigator reads
    facts: Mapped[dict] = mapped_column(Json, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active, cleared
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Evidence(Base):
    """A timeline item or attachment an investigator pinned to an investigation, and why."""

    __tablename__ = "investigation_evidence"
    # `key` is "interaction:<id>" or "attachment:<id>": one pin per thing per investigation.
    __table_args__ = (UniqueConstraint("investigation_id", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    investigation_id: Mapped[int] = mapped_column(
        ForeignKey("investigations.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(48))
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id",
                                                           ondelete="CASCADE"))
    attachment_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id",
                                                                 ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    pinned_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FraudIdentifier(Base):
    """An identifier a claim or a customer's profile carries besides contact points: an
    address, a device, a third party's phone or name. Rules compare them by `key`."""

    __tablename__ = "fraud_identifiers"
    __table_args__ = (Index("ix_fraud_identifiers_client_kind_key", "client_id", "kind", "key"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"),
                                             index=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))  # address, device, third_party_phone, …
    value: Mapped[str] = mapped_column(String(500))  # as it was given
    key: Mapped[str] = mapped_column(String(500))  # normalised (crm.fraud.identifiers)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LinkSuggestion(Base):
    """Two customers a rule found sharing something, offered to an investigator as a link.

    Stored once per pair and shared thing (the lower customer id first); accepted becomes a
    CustomerLink with the investigator's reason, dismissed stays dismissed.
    """

    __tablename__ = "link_suggestions"
    __table_args__ = (UniqueConstraint("customer_id", "other_id", "key"),
                      CheckConstraint("customer_id < other_id", name="ordered_pair"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"),
                                          index=True)
    rule: Mapped[str] = mapped_column(String(48))
    key: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)  # what the rule found, in words
    status: Mapped[str] = mapped_column(String(16), default="suggested")  # accepted, dismissed
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
