"""Moving a claim through its lifecycle: checked against the one table, audited, on the case.

A move to settled or declined does not happen at once: it asks for four-eyes sign-off (the
decisions service) and the claim keeps its status, marked as waiting, until a reviewer decides.
The approval event, not the decisions module, applies the move here (in the approval's
transaction); a rejection leaves the claim where it was. While it waits, the claim does not
move otherwise, so what the reviewer approves is what happens.

Proposing a settlement states its amount; settling pays it (or another amount given with the
move, which the reviewer then signs off). A claim is not assessed, offered or paid while a
document asked for is still awaited: the move is refused naming them, unless the handler
waives them with a reason (documents_waived).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.claims import documents, lifecycle, records
from crm.core import audit, events, inputs
from crm.core.errors import Conflict, Invalid
from crm.models import Case, Claim, Decision, User, utcnow
from crm.playbooks import progress
from crm.signoff import decisions
from crm.tenancy import access

MAX_REASON = 2000


def move(session: Session, actor: User, claim_id: int, to, reason=None, *,
         settlement_amount_cents=None, documents_waived: bool = False) -> Claim:
    """Move a claim to `to` if the table allows it; settled and declined wait for sign-off."""
    access.require_role(actor, *(records.HANDLERS if to == "reopened" else records.WORKERS))
    claim = records.get(session, actor, claim_id, lock=True)
    if claim.pending_status:
        raise Conflict(f"Claim {claim.number} is waiting for sign-off to be "
                       f"{lifecycle.label(claim.pending_status)}; a reviewer decides first",
                       code="awaiting_signoff")
    to = lifecycle.check(claim.status, to)
    if to == "closed":  # the claims line is done: its playbook's required steps must be too
        progress.require_complete(session, session.get(Case, claim.case_id), "closed",
                                  actor=actor, line="insurance")
    if documents_waived and not inputs.text(reason, "The reason", MAX_REASON, required=False):
        raise Invalid("Say why the claim goes on without the documents still awaited "
                      "(the reason)", field="reason")
    reason = inputs.text(reason, "The reason", MAX_REASON,
                         required=to in lifecycle.NEEDS_REASON)
    amount = _settlement_amount(claim, to, settlement_amount_cents)
    awaited = documents.awaited(session, claim.id) if to in lifecycle.NEEDS_DOCUMENTS else []
    if awaited and not documents_waived:
        raise Conflict(f"Claim {claim.number} is still waiting for "
                       f"{', '.join(d.name for d in awaited)}: mark "
                       f"{'it' if len(awaited) == 1 else 'them'} received, or waive "
                       f"{'it' if len(awaited) == 1 else 'them'} with a reason, before it is "
                       f"{lifecycle.label(to)}", code="documents_outstanding")
    if awaited:
        documents.waive(session, actor, claim, awaited, reason)
    if amount is not None:
        claim.settlement_amount_cents = amount
    if to in lifecycle.NEEDS_SIGNOFF:
        # A payout names its sum, so only a reviewer whose limit reaches it approves it.
        paying = claim.settlement_amount_cents if to == "settled" else None
        decision = decisions.request(session, actor, claim.case_id,
                                     kind=lifecycle.NEEDS_SIGNOFF[to],
                                     summary=_summary(claim, to, reason), amount_cents=paying,
                                     currency=claim.currency if paying else None)
        claim.pending_status, claim.pending_reason, claim.decision_id = to, reason, decision.id
        claim.updated_at = utcnow()
        session.flush()
        audit.record(session, actor, "claim.signoff_requested", claim,
                     before={"status": claim.status},
                     after={"pending_status": to, "reason": reason, "decision_id": decision.id,
                            **({"settlement_amount_cents": amount} if amount else {})})
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
    paid = claim.settlement_amount_cents if to in lifecycle.NEEDS_AMOUNT else None
    audit.record(session, actor, "claim.transitioned", claim,
                 before={"status": before}, after={"status": to, "reason": reason,
                                                   **({"settlement_amount_cents": paid}
                                                      if paid else {})})
    records.on_case(session, claim, actor, f"moved from {lifecycle.label(before)} to "
                    f"{lifecycle.label(to)}"
                    + (f" (settlement {inputs.money(paid, claim.currency)})" if paid else "")
                    + (f" — {reason}" if reason else ""))


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


def _settlement_amount(claim: Claim, to: str, given) -> int | None:
    """The amount a move to settlement_proposed or settled pays (Invalid when missing)."""
    if to not in lifecycle.NEEDS_AMOUNT:
        if given is not None:
            raise Invalid("A settlement amount goes only with proposing or settling a claim")
        return None
    if given is None and to == "settled":
        given = claim.settlement_amount_cents
    if given is None:
        raise Invalid(f"The settlement amount is required to "
                      f"{'propose a settlement' if to == 'settlement_proposed' else 'settle'}"
                      f" (claim {claim.number})")
    return inputs.cents(given, "The settlement amount", currency=claim.currency)


def _summary(claim: Claim, to: str, reason: str | None) -> str:
    what = "Pay" if to == "settled" else "Decline"
    facts = [claim.claim_type, claim.loss_date and f"loss on {claim.loss_date.isoformat()}"]
    money = [f"{name} {inputs.money(cents, claim.currency)}" for name, cents in (
        ("settlement", claim.settlement_amount_cents if to == "settled" else None),
        ("reported", claim.reported_amount_cents), ("reserve", claim.reserve_cents)) if cents]
    return (f"{what} claim {claim.number}"
            + (f" ({', '.join(f for f in facts if f)})" if any(facts) else "")
            + (f": {', '.join(money)}" if money else "")
            + (f". {reason}" if reason else ""))


IN_TRANSACTION = ((events.DECISION_DECIDED, on_decided),)
