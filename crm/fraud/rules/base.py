"""What every rule shares: its thresholds, what it is given, and what it finds."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.models import Case, Claim, FraudIdentifier


@dataclass(frozen=True)
class Thresholds:
    """The knobs of the rules (FRAUD_* in the environment, set by the console)."""

    loss_after_start_days: int = 30  # a loss this soon after cover began (or rose) is a flag
    prior_claims: int = 3  # this many earlier claims of one customer …
    prior_claims_days: int = 365  # … within this many days before a claim's loss
    match_score: int = 90  # a near-match of names and addresses scores at least this (0-100)
    match_scan: int = 2000  # near-matches are looked for among this many newest candidates
    referral_flags: int = 3  # this many active flags on a case recommend a referral
    statement_scan: int = 200  # the newest notes, wrap-ups and emails read for stated facts
    phone_region: str = "US"
    # Risk points each active flag of a rule adds to an investigation's risk score (capped
    # at 100, crm.fraud.risk): a thing seen on confirmed fraud weighs most, a stated fact
    # disagreeing with the record least (a slip of memory is common).
    weight_loss_soon_after_cover: int = 30
    weight_prior_claims: int = 20
    weight_shared_identifier: int = 30
    weight_seen_on_confirmed_fraud: int = 40
    weight_statement_mismatch: int = 15

    def weight(self, rule: str) -> int:
        """The risk points one active flag of the rule adds (0 for a rule without a weight)."""
        return max(0, getattr(self, f"weight_{rule}", 0))


DEFAULT = Thresholds()


@dataclass(frozen=True)
class Finding:
    """One thing a rule found on a case: `key` names what matched, `reason` says why in words.

    related: other cases the finding points at (evaluated again when this one changes).
    customers: other customers sharing the thing (offered as links).
    """

    rule: str
    key: str
    reason: str
    facts: dict
    claim_id: int | None = None
    related: tuple[int, ...] = ()
    customers: tuple[int, ...] = ()


@dataclass
class Facts:
    """The case being evaluated and what rules read about it (loaded once, on first use)."""

    session: Session
    case: Case
    thresholds: Thresholds = DEFAULT
    interaction_ids: tuple[int, ...] = ()  # just written: read for stated facts
    extra: dict = field(default_factory=dict)

    @cached_property
    def claims(self) -> list[Claim]:
        """The case's claims, oldest first."""
        return list(self.session.scalars(select(Claim).where(Claim.case_id == self.case.id)
                                         .order_by(Claim.id)))

    @cached_property
    def identifiers(self) -> list[FraudIdentifier]:
        """Addresses, devices and third parties on the customer's profile and claims."""
        return list(self.session.scalars(select(FraudIdentifier).where(
            FraudIdentifier.customer_id == self.case.customer_id).order_by(FraudIdentifier.id)))

    def claim_number(self, claim_id: int | None) -> str | None:
        """The number of one of the case's claims."""
        return next((c.number for c in self.claims if c.id == claim_id), None)
