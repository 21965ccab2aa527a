"""Loss soon after cover began or rose: a policy bought (or raised) for a loss already known."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.fraud.rules.base import Facts, Finding
from crm.models import Claim, CoverChange

NAME = "loss_soon_after_cover"


def starts_of_cover(session: Session, claim: Claim) -> list[tuple[date, str]]:
    """When cover began or rose for this claim's policy, with what happened then."""
    starts = [(claim.policy_start, "the policy started")] if claim.policy_start else []
    for change in session.scalars(select(CoverChange).where(
            CoverChange.claim_id == claim.id, CoverChange.kind == "increase")):
        rose = "the cover rose" + (f" to {change.sum_insured_cents / 100:,.0f}"
                                   if change.sum_insured_cents else "")
        starts.append((change.effective_on, rose))
    return starts


def evaluate(facts: Facts) -> list[Finding]:
    """A claim whose loss falls within N days after its policy began or its cover rose."""
    days = facts.thresholds.loss_after_start_days
    found = []
    for claim in facts.claims:
        if claim.loss_date is None:
            continue
        # The latest start before the loss is the one that matters (cover rose, then loss).
        before = [(d, what) for d, what in starts_of_cover(facts.session, claim)
                  if d <= claim.loss_date]
        if not before:
            continue
        start, what = max(before, key=lambda s: s[0])
        gap = (claim.loss_date - start).days
        if gap > days:
            continue
        found.append(Finding(
            NAME, f"claim:{claim.id}",
            f"Claim {claim.number}: the loss on {claim.loss_date.isoformat()} came {gap} "
            f"day{'s' if gap != 1 else ''} after {what} ({start.isoformat()}); "
            f"losses within {days} days are flagged.",
            {"claim": claim.number, "loss_date": claim.loss_date.isoformat(),
             "cover_start": start.isoformat(), "cover_event": what, "days_after": gap,
             "threshold_days": days},
            claim_id=claim.id))
    return found
