"""The lifecycle's one table: every move it allows works, every other is refused (409)."""

import pytest
from sqlalchemy import select

from crm.claims import lifecycle, transitions
from crm.core.errors import Conflict, Forbidden, Invalid
from crm.models import AuditEvent, Claim, Interaction


def test_every_status_is_in_the_table_and_only_goes_to_statuses():
    assert set(lifecycle.TRANSITIONS) == set(lifecycle.STATUSES)
    for targets in lifecycle.TRANSITIONS.values():
        assert set(targets) <= set(lifecycle.STATUSES)


@pytest.mark.parametrize("current", lifecycle.STATUSES)
def test_the_table_decides_each_move(current):
    for to in lifecycle.STATUSES:
        if to in lifecycle.TRANSITIONS[current]:
            assert lifecycle.check(current, to) == to
        else:
            with pytest.raises(Conflict) as refused:
                lifecycle.check(current, to)
            assert refused.value.code == "transition_not_allowed"


def test_a_forbidden_move_names_the_allowed_ones(session, handler, claim):
    with pytest.raises(Conflict, match="A claim in first notice of loss cannot move to "
                       "settled; it can move to: triage, declined, closed"):
        transitions.move(session, handler, claim.id, "settled")
    with pytest.raises(Invalid, match="The new status must be one of"):
        transitions.move(session, handler, claim.id, "lost")
    assert session.get(Claim, claim.id).status == "fnol"


def test_each_move_is_audited_and_on_the_timeline(session, handler, claim, holder_case):
    for to in ("triage", "awaiting_documents", "assessed", "settlement_proposed"):
        transitions.move(session, handler, claim.id, to, settlement_amount_cents=400_000
                         if to == "settlement_proposed" else None)
        session.commit()
    assert session.get(Claim, claim.id).status == "settlement_proposed"
    moves = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "claim.transitioned").order_by(AuditEvent.id)).all()
    assert [(a.before["status"], a.after["status"]) for a in moves] == [
        ("fnol", "triage"), ("triage", "awaiting_documents"), ("awaiting_documents", "assessed"),
        ("assessed", "settlement_proposed")]
    assert all(a.object_id == str(claim.id) and a.actor_id == handler.id for a in moves)
    notes = session.scalars(select(Interaction.body).where(
        Interaction.case_id == holder_case.id)).all()
    assert "Claim CLM-1: moved from triage to awaiting documents" in notes
    assert ("Claim CLM-1: moved from assessed to settlement proposed (settlement "
            "USD 4,000.00)") in notes
    assert moves[-1].after["settlement_amount_cents"] == 400_000


def test_reopening_needs_a_reason_and_a_handler(session, handler, make_user, claim):
    transitions.move(session, handler, claim.id, "closed", "customer withdrew")
    session.commit()
    with pytest.raises(Invalid, match="The reason is required"):
        transitions.move(session, handler, claim.id, "reopened", "  ")
    with pytest.raises(Forbidden):
        transitions.move(session, make_user("agent"), claim.id, "reopened", "new evidence")
    transitions.move(session, handler, claim.id, "reopened", "new evidence")
    session.commit()
    claim = session.get(Claim, claim.id)
    assert (claim.status, claim.status_reason) == ("reopened", "new evidence")
