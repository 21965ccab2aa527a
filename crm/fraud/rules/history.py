"""Prior claims: one customer claiming again and again within a period."""

from __future__ import annotations

from datetime import date, timedelta

from crm.fraud.rules.base import Facts, Finding
from crm.models import Claim

NAME = "prior_claims"


def _when(claim: Claim) -> date:
    return claim.loss_date or claim.created_at.date()


def evaluate(facts: Facts) -> list[Finding]:
    """A claim with at least N earlier claims of the same customer in the days before it."""
    need, days = facts.thresholds.prior_claims, facts.thresholds.prior_claims_days
    found = []
    # One customer has one case: the case's claims are the customer's claims.
    claims = sorted(facts.claims, key=lambda c: (_when(c), c.id))
    for n, claim in enumerate(claims):
        since = _when(claim) - timedelta(days=days)
        prior = [c for c in claims[:n] if _when(c) >= since]
        if need <= 0 or len(prior) < need:
            continue
        found.append(Finding(
            NAME, f"claim:{claim.id}",
            f"Claim {claim.number} follows {len(prior)} earlier claim"
            f"{'s' if len(prior) != 1 else ''} of the same customer within {days} days "
            f"({', '.join(c.number for c in prior)}); {need} or more are flagged.",
            {"claim": claim.number, "date": _when(claim).isoformat(),
             "prior_claims": [{"number": c.number, "date": _when(c).isoformat()}
                              for c in prior],
             "threshold": need, "period_days": days},
            claim_id=claim.id))
    return found
