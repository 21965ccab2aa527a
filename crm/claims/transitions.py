"""Moving a claim through its lifecycle: checked against the one table, audited, on the case.

A move to settled or declined does not happen at once: it asks for four-eyes sign-off (the
decisions service) and the claim keeps its status, marked as waiting, until a reviewer decides.
The approval event, not the decisions module, applies the move here (in the approval's
transaction); a rejection leaves the claim where it was. While it waits, the claim does not
move otherwise, so what the reviewer approves is what happens.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.claims import lifecycle, records
from crm.core import audit, events, inputs
from crm.core.errors import Conflict
from crm.models import Claim, Decision, User, utcnow
from crm.signoff import decisions
from crm.tenancy import access

MAX_REASON = 2000


def move(session: Session, actor: User, claim_id: int, to, reason=None) -> Claim:
    """Move a claim to `to` if the table allows it; settled and declined wait for sign-off."""
    access.require_role(actor, *(records.HANDLERS if to == "reopened" else records.WORKERS))
    claim = records.get(session, actor, claim_id, lock=True)
    if claim.pending_status:
        raise Conflict(f"Claim {claim.number} is waiting for sign-off to be "
                       f"{lifecycle.label(claim.pending_status)}; a reviewer decides first",
                       code="awaiting_signoff")
    to = lifecycle.check(claim.status, to)
    reason = inputs.text(reason, "The reason", MAX_REASON,
                         required=to in lifecycle.NEEDS_REASON)
    if to in lifecycle.NEEDS_SIGNOFF:
        decision = decisions.request(session, actor, claim.case_id,
                                     kind=lifecycle.NEEDS_SIGNOFF[to],
                                     summary=_summary(claim, to, reason))
        claim.pending_status, claim.pending_reason, claim.decision_id = to, reason, decision.id
        claim.updated_at = utcnow()
        session.flush()
        audit.record(session, actor, "claim.signoff_requested", claim,
                     before={"status": claim.status},
                     after={"pending_status": to, "reason": reason, "decision_id": decision.id})
        records.changed(session, claim)
        return claim
    apply(session, actor, claim, to, reason)
    return claim


def apply(session: Session, actor: User, claim: Claim, to: str, reason: str | None) -> None:
    """Put the claim in its new status; audited and said on the case."""
    before = claim.status
    claim.status, claim.status_reason = to, reason
    claim.pending_status = claim.pending_reason = None
    claim.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "claim.transitioned", claim,
                 before={"status": before}, after={"status": to, "reason": reason})
    records.on_case(session, claim, actor, f"moved from {lifecycle.label(before)} to "
                    f"{lifecycle.label(to)}" + (f" — {reason}" if reason else ""))


def on_decided(session: Session, _name: str, payload: dict) -> None:
    """A claim's sign-off was decided: approved, the move happens; rejected, it stays put."""
    if payload.get("kind") not in lifecycle.NEEDS_SIGNOFF.values():
        return
    claim = session.scalars(select(Claim).where(
        Claim.case_id == payload["case_id"], Claim.decision_id == payload["decision_id"],
        Claim.pending_status.is_not(None)).with_for_update()).first()
    if claim is None:
        return
    decision = session.get(Decision, claim.decision_id)
    checker = session.get(User, decision.checker_id)
    to, reason = claim.pending_status, claim.pending_reason
    if decision.status == "approved" and to in lifecycle.allowed(claim.status):
        apply(session, checker, claim, to, reason)
        return
    claim.pending_status = claim.pending_reason = None
    claim.updated_at = utcnow()
    audit.record(session, checker, "claim.signoff_rejected", claim,
                 after={"status": claim.status, "not": to, "note": decision.note})
    records.changed(session, claim)


def _summary(claim: Claim, to: str, reason: str | None) -> str:
    what = "Pay" if to == "settled" else "Decline"
    facts = [claim.claim_type, claim.loss_date and f"loss on {claim.loss_date.isoformat()}"]
    money = [f"{name} {inputs.money(cents, claim.currency)}" for name, cents in (
        ("reported", claim.reported_amount_cents), ("reserve", claim.reserve_cents)) if cents]
    return (f"{what} claim {claim.number}"
            + (f" ({', '.join(f for f in facts if f)})" if any(facts) else "")
            + (f": {', '.join(money)}" if money else "")
            + (f". {reason}" if reason else ""))


IN_TRANSACTION = ((events.DECISION_DECIDED, on_decided),)
