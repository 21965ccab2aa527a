"""Settling and declining a claim wait for a second person's approval (four eyes)."""

import pytest
from sqlalchemy import select

from crm.claims import transitions
from crm.core.errors import Conflict, Forbidden
from crm.models import AuditEvent, Claim, Decision
from crm.signoff import decisions


def to_settlement(session, handler, claim):
    for to in ("triage", "assessed"):
        transitions.move(session, handler, claim.id, to)
    transitions.move(session, handler, claim.id, "settlement_proposed",
                     settlement_amount_cents=450_000)
    session.commit()


def test_a_settlement_waits_for_a_reviewer_then_the_claim_is_settled(
        session, handler, make_user, claim):
    to_settlement(session, handler, claim)
    transitions.move(session, handler, claim.id, "settled")
    session.commit()
    claim = session.get(Claim, claim.id)
    assert (claim.status, claim.pending_status) == ("settlement_proposed", "settled")
    decision = session.get(Decision, claim.decision_id)
    assert (decision.kind, decision.status, decision.maker_id) == (
        "claim_payout", "pending", handler.id)
    assert decision.summary.startswith("Pay claim CLM-1 (property, loss on 2026-11-20): "
                                       "settlement USD 4,500.00, reported USD 5,000.00")
    with pytest.raises(Conflict, match="waiting for sign-off to be settled"):
        transitions.move(session, handler, claim.id, "assessed")
    with pytest.raises(Forbidden):  # a claims handler is no checker
        decisions.decide(session, handler, decision.id, approve=True)

    reviewer = make_user("reviewer")
    decisions.decide(session, reviewer, decision.id, approve=True)
    session.commit()
    claim = session.get(Claim, claim.id)
    assert (claim.status, claim.pending_status) == ("settled", None)
    assert claim.settlement_amount_cents == 450_000
    moved = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "claim.transitioned").order_by(AuditEvent.id.desc())).first()
    assert (moved.actor_id, moved.after["status"]) == (reviewer.id, "settled")


def test_a_rejected_decline_leaves_the_claim_where_it_was(session, handler, make_user, claim):
    transitions.move(session, handler, claim.id, "triage")
    transitions.move(session, handler, claim.id, "declined", "loss before the policy began")
    session.commit()
    claim = session.get(Claim, claim.id)
    decision = session.get(Decision, claim.decision_id)
    assert (claim.status, decision.kind) == ("triage", "claim_rejection")
    assert decision.summary.endswith(". loss before the policy began")

    decisions.decide(session, make_user("supervisor"), decision.id, approve=False,
                     note="the policy had started")
    session.commit()
    claim = session.get(Claim, claim.id)
    assert (claim.status, claim.pending_status, claim.status_reason) == ("triage", None, None)
    assert session.scalars(select(AuditEvent.action).where(
        AuditEvent.action == "claim.signoff_rejected")).one()
    transitions.move(session, handler, claim.id, "assessed")  # free to move again


def test_a_supervisor_cannot_approve_their_own_decline(session, make_user, claim):
    boss = make_user("supervisor")
    transitions.move(session, boss, claim.id, "declined", "no cover for floods")
    session.commit()
    decision_id = session.get(Claim, claim.id).decision_id
    with pytest.raises(Forbidden, match="four eyes"):
        decisions.decide(session, boss, decision_id, approve=True)
    session.rollback()
    assert session.get(Claim, claim.id).status == "fnol"
    decisions.decide(session, make_user("reviewer"), decision_id, approve=True)
    session.commit()
    claim = session.get(Claim, claim.id)
    assert (claim.status, claim.status_reason) == ("declined", "no cover for floods")
