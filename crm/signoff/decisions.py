"""Four-eyes sign-off: one person asks for a judgement call, another (a reviewer) decides it.

The maker can never be the checker, a decision is decided once (a conditional UPDATE: of two
reviewers at once exactly one wins), a rejection says why, and every step is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.cases import timeline
from crm.core import audit, events
from crm.core.errors import Conflict, Forbidden, Invalid, required_text
from crm.models import Case, Customer, Decision, User, utcnow
from crm.tenancy import access

CHECKERS = ("reviewer", "supervisor")
KINDS_BY_LINE = {"insurance": ("claim_payout", "ex_gratia_payment", "claim_rejection"),
                 "fraud": ("account_freeze", "fraud_referral", "refund_unauthorised"),
                 "collections": ("settlement_offer", "hardship_plan", "write_off")}
KINDS = (*(k for kinds in KINDS_BY_LINE.values() for k in kinds), "other")
MAX_TEXT = 2000


def request(session: Session, actor: User, case_id: int, *, kind: str, summary: str) -> Decision:
    """Ask for a decision on a case; it waits for a checker who is not the actor."""
    case = cases.get(session, actor, case_id, audit_view=False)
    if kind not in KINDS:
        raise Invalid(f"kind must be one of {', '.join(KINDS)}")
    summary = required_text(summary, "say what is to be decided (summary)", MAX_TEXT)
    decision = Decision(client_id=case.client_id, case_id=case.id, kind=kind, summary=summary,
                        maker_id=actor.id)
    session.add(decision)
    session.flush()
    audit.record(session, actor, "decision.requested", decision, client_id=case.client_id,
                 after={"case_id": case.id, "kind": kind, "summary": summary})
    _on_timeline(session, case, actor, f"Asked for sign-off: {_label(kind)} — {summary}")
    events.emit(session, events.CASE_UPDATED, case_id=case.id, client_id=case.client_id)
    return decision


def decide(session: Session, actor: User, decision_id: int, *, approve: bool,
           note: str | None = None) -> Decision:
    """Approve or reject a pending decision: a reviewer's, never its maker's, and once."""
    decision = access.ensure_visible(actor, session.get(Decision, decision_id), "decision")
    access.require_role(actor, *CHECKERS)
    if decision.maker_id == actor.id:
        raise Forbidden("four eyes: you asked for this decision, so another reviewer decides it",
                        code="own_decision")
    note = required_text(note, "say why it is rejected (note)", MAX_TEXT) if not approve else (
        " ".join((note or "").split())[:MAX_TEXT] or None)
    status = "approved" if approve else "rejected"
    won = session.execute(
        update(Decision).where(Decision.id == decision.id, Decision.status == "pending")
        .values(status=status, checker_id=actor.id, decided_at=utcnow(), note=note)
        .execution_options(synchronize_session=False)).rowcount
    session.refresh(decision)
    if won != 1:
        raise Conflict(f"this decision was already {decision.status}", code="already_decided")
    audit.record(session, actor, f"decision.{status}", decision, client_id=decision.client_id,
                 before={"status": "pending"}, after={"status": status, "note": note})
    # The maker (and everyone on the case) reads the outcome and its reason on the timeline.
    _on_timeline(session, session.get(Case, decision.case_id), actor,
                 f"Sign-off {status}: {_label(decision.kind)} — {decision.summary}"
                 + (f". {note}" if note else ""))
    events.emit(session, events.CASE_UPDATED, case_id=decision.case_id,
                client_id=decision.client_id)
    events.emit(session, events.DECISION_DECIDED, decision_id=decision.id, status=status,
                kind=decision.kind, case_id=decision.case_id, client_id=decision.client_id)
    return decision


def waiting_for(session: Session, actor: User, limit: int = 100) -> list[Decision]:
    """Pending decisions a checker may decide (not their own), oldest first."""
    access.require_role(actor, *CHECKERS)
    return list(session.scalars(select(Decision).where(
        Decision.status == "pending", Decision.client_id.in_(access.client_ids(actor)),
        (Decision.maker_id != actor.id) | Decision.maker_id.is_(None))
        .order_by(Decision.created_at, Decision.id).limit(limit)))


@dataclass(frozen=True)
class Waiting:
    """A decision in the sign-off queue, named: whose case, which, and who asked."""

    decision: Decision
    case_reference: str
    customer_name: str
    maker: User | None


def queue(session: Session, actor: User, limit: int = 100) -> list[Waiting]:
    """waiting_for(), each with its case reference, customer name and maker (one query)."""
    found = waiting_for(session, actor, limit)
    if not found:
        return []
    rows = session.execute(select(Case.id, Case.reference, Customer.display_name).join(
        Customer, Customer.id == Case.customer_id).where(
        Case.id.in_({d.case_id for d in found}))).all()
    named = {r.id: (r.reference, r.display_name) for r in rows}
    makers = {u.id: u for u in session.scalars(select(User).where(
        User.id.in_({d.maker_id for d in found if d.maker_id})))}
    return [Waiting(d, *named[d.case_id], makers.get(d.maker_id)) for d in found]


def _label(kind: str) -> str:
    return kind.replace("_", " ").capitalize()


def _on_timeline(session: Session, case: Case, actor: User, text: str) -> None:
    timeline.record(session, case, medium="note", direction="internal", body=text,
                    agent_id=actor.id, status="saved", occurred_at=utcnow())
