"""Lines of work inside a case: claims, fraud investigations, debt accounts and decisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from crm.models.base import Base, BigId, Json, utcnow

# retention: a policyholder who wants to cancel (no record of its own: a playbook run holds it)
LINES_OF_WORK = ("insurance", "fraud", "collections", "retention")


class Claim(Base):
    """An insurance claim."""

    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("client_id", "number"),
                      Index("ix_claims_bank_account_key", "client_id", "bank_account_key"),
                      Index("ix_claims_client_policy_number", "client_id", "policy_number"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[str] = mapped_column(String(64))
    policy_number: Mapped[str | None] = mapped_column(String(64))
    policy_start: Mapped[date | None]
    # fnol, triage, awaiting_documents, investigation, assessed, settlement_proposed, settled,
    # declined, closed, reopened (the table of allowed moves lives in crm.claims)
    status: Mapped[str] = mapped_column(String(24), default="fnol")
    status_reason: Mapped[str | None] = mapped_column(Text)  # why it was declined or reopened
    loss_date: Mapped[date | None]
    claim_type: Mapped[str | None] = mapped_column(String(32))
    reported_amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    reserve_cents: Mapped[int | None] = mapped_column(BigInteger)
    # What the insurer offers to pay: set when a settlement is proposed, paid once settled.
    settlement_amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    bank_account: Mapped[str | None] = mapped_column(String(64))  # as the customer gave it
    # The same account typed differently (spaces, case, dashes) has one key: rules match on it.
    bank_account_key: Mapped[str | None] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(Text, default="")
    # A move to settled or declined waits for four-eyes sign-off: where to, why, and the
    # decision it waits on (cleared when the decision is taken either way).
    pending_status: Mapped[str | None] = mapped_column(String(24))
    pending_reason: Mapped[str | None] = mapped_column(Text)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id",
                                                               ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Investigation(Base):
    """A fraud investigation."""

    __tablename__ = "investigations"
    __table_args__ = (UniqueConstraint("client_id", "reference"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    reference: Mapped[str] = mapped_column(String(64))
    # open (waiting in the fraud queue), investigating, escalated, closed
    status: Mapped[str] = mapped_column(String(24), default="open")
    # 0-100 from the case's active red flags (crm.fraud.risk), and the points behind it:
    # [{rule, flag_id, label, points}].
    risk_score: Mapped[int] = mapped_column(default=0)
    risk_reasons: Mapped[list] = mapped_column(Json, default=list, server_default="[]")
    severity: Mapped[str] = mapped_column(String(16), default="low")  # only ever rises
    summary: Mapped[str] = mapped_column(Text, default="")  # what the escalating agent saw
    # The claim on the case the escalation is about, when it is about one.
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="SET NULL"))
    # The escalation's entry on the timeline: the fraud queue's work item is offered on it.
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("interactions.id",
                                                                 ondelete="SET NULL"))
    assigned_to_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                  ondelete="SET NULL"))
    taken_at: Mapped[datetime | None]
    snoozed_until: Mapped[datetime | None]
    # false_positive, confirmed_fraud, inconclusive — with the investigator's summary
    outcome: Mapped[str | None] = mapped_column(String(24))
    outcome_summary: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DebtAccount(Base):
    """A debt under collection, with the contact restrictions that apply to it."""

    __tablename__ = "debt_accounts"
    __table_args__ = (UniqueConstraint("client_id", "account_number"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    account_number: Mapped[str] = mapped_column(String(64))
    creditor: Mapped[str] = mapped_column(String(200), default="")
    original_balance_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    balance_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    # active, disputed, ceased, payment_plan, settled, paid, closed, time_barred
    status: Mapped[str] = mapped_column(String(24), default="active")
    delinquent_since: Mapped[date | None]
    charge_off_date: Mapped[date | None]
    statute_of_limitations_on: Mapped[date | None]  # past it, the debt is time-barred
    validation_notice_sent_on: Mapped[date | None]
    validated_on: Mapped[date | None]  # verification of a disputed debt was sent
    attorney_represented: Mapped[bool] = mapped_column(default=False)
    disputed: Mapped[bool] = mapped_column(default=False)
    ceased: Mapped[bool] = mapped_column(default=False)
    # Why contact stopped (cease_request, bankrupt, deceased), and the debtor's attorney.
    stop_reason: Mapped[str | None] = mapped_column(String(32))
    attorney_name: Mapped[str | None] = mapped_column(String(200))
    attorney_phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Promise(Base):
    """A promise to pay on a debt account."""

    __tablename__ = "promises"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    debt_account_id: Mapped[int] = mapped_column(ForeignKey("debt_accounts.id"), index=True)
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    due_on: Mapped[date]
    # open, kept, broken; cancelled when the plan it belongs to broke before it fell due.
    status: Mapped[str] = mapped_column(String(16), default="open")
    paid_cents: Mapped[int] = mapped_column(BigInteger, default=0)  # payments applied to it
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("payment_plans.id"), index=True)
    settlement_id: Mapped[int | None] = mapped_column(ForeignKey("settlements.id"))
    closed_on: Mapped[date | None]  # the day it was kept or broken
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Decision(Base):
    """A judgement call that needs a second pair of eyes (maker-checker)."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(48))
    summary: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="pending")
    maker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checker_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    note: Mapped[str | None] = mapped_column(Text)  # the checker's reason (required to reject)
    # The sum decided on (a payout, a settlement, a write-off), in the currency of what the
    # case holds; none for a judgement without one.
    amount_cents: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The authority the checker approved under (crm.signoff.authority): "held" (their limit
    # for the kind and the qualification it needs) or "unrestricted" (the client sets none).
    authority_basis: Mapped[str | None] = mapped_column(String(16))
    authority_limit_cents: Mapped[int | None] = mapped_column(BigInteger)
    authority_qualification: Mapped[str | None] = mapped_column(String(120))

    @property
    def signed_under(self) -> str | None:
        """The authority it was approved under, in words (None until approved)."""
        if self.authority_basis == "unrestricted":
            return "the reviewer role (this client sets no approval limits)"
        if self.authority_basis != "held":
            return None
        parts = []
        if self.authority_limit_cents is not None:
            parts.append(f"a limit of {self.currency or ''} "
                         f"{self.authority_limit_cents / 100:,.2f}".replace("  ", " ").strip())
        if self.authority_qualification:
            parts.append(f"the qualification \"{self.authority_qualification}\"")
        return " and ".join(parts) or "their authority (no limit or qualification needed)"


class CustomerLink(Base):
    """Two customers a fraud investigator believes act together (a ring), and why.

    Stored once per pair, the lower id first; a ring is every customer reachable by links.
    """

    __tablename__ = "customer_links"
    __table_args__ = (UniqueConstraint("customer_id", "other_id"),
                      CheckConstraint("customer_id < other_id", name="ordered_pair"))

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    other_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"),
                                          index=True)
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id",
                                                                 ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
