"""Playbooks: versioned steps, a case pinned to its version, steps ticked by the work itself,
skips with a reason (audited), and no resolving a case while a required step is open."""

import pytest
from sqlalchemy import select

from crm.cases import timeline, workflow
from crm.claims import records, transitions
from crm.core import events
from crm.core.errors import Conflict, Forbidden, Invalid, NotFound
from crm.customers import identity
from crm.models import Attachment, AuditEvent, Case, Investigation, PlaybookRun, User
from crm.playbooks import catalog, progress, runs
from tests.crm.playbooks.conftest import FNOL, TODAY


def _steps(session, actor, case_id, line="insurance"):
    run = next(r for r in progress.for_case(session, actor, case_id) if r["line_of_work"] == line)
    return run, {s["key"]: s for s in run["steps"]}


def test_a_claims_case_cannot_be_resolved_while_a_required_step_is_open(
        session, fnol_book, handler, make_case, claim_on):
    case = make_case()
    claim_on(case)  # no policy number yet: "policy" stays open
    with pytest.raises(Conflict) as refused:
        workflow.update(session, handler, case.id, status="resolved", reason="paid")
    assert refused.value.code == "playbook_incomplete"
    assert "Verify the caller" in refused.value.message
    session.rollback()
    progress.mark(session, handler, case.id, "verify", done=True)
    with pytest.raises(Invalid):  # a skip without a reason is refused
        progress.mark(session, handler, case.id, "policy", skipped=True, reason="  ")
    progress.mark(session, handler, case.id, "policy", skipped=True,
                  reason="Caller has no policy document to hand")
    session.commit()
    # The optional step ("photos") does not hold the case open.
    workflow.update(session, handler, case.id, status="resolved", reason="paid")
    session.commit()
    assert session.get(Case, case.id).status == "resolved"
    skipped = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "playbook.step_skipped")).one()
    assert (skipped.actor_id, skipped.case_id) == (handler.id, case.id)
    assert skipped.after == {"step": "policy", "state": "skipped",
                             "reason": "Caller has no policy document to hand"}
    run, steps = _steps(session, handler, case.id)
    assert steps["policy"]["skipped"] and steps["policy"]["by"]["id"] == handler.id
    assert run["complete"]


def test_an_edited_playbook_leaves_a_case_on_the_version_it_started_with(
        session, fnol_book, supervisor, handler, make_case, claim_on):
    first = make_case()
    claim_on(first)
    run, _ = _steps(session, handler, first.id)
    assert run["playbook"]["version"] == 1
    book, version = catalog.update(session, supervisor, fnol_book.id, {"steps": [
        *FNOL, {"key": "fraud-check", "title": "Run the fraud questions"}]})
    session.commit()
    assert (book.version, version.version) == (2, 2)
    run, steps = _steps(session, handler, first.id)
    assert run["playbook"]["version"] == 1 and "fraud-check" not in steps
    later = make_case("+12125550188")
    claim_on(later)
    run, steps = _steps(session, handler, later.id)
    assert run["playbook"]["version"] == 2 and "fraud-check" in steps
    audit = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "playbook.updated")).one()
    assert (audit.before["version"], audit.after["version"]) == (1, 2)


def test_capturing_the_field_ticks_its_step_by_itself(session, fnol_book, handler, make_case,
                                                        claim_on):
    case = make_case()
    claim = claim_on(case)
    _, steps = _steps(session, handler, case.id)
    assert steps["policy"]["state"] == "open"
    records.update(session, handler, claim.id, {"policy_number": "POL-77"}, today=TODAY)
    session.commit()
    _, steps = _steps(session, handler, case.id)
    assert steps["policy"]["done"] and steps["policy"]["by"] is None
    assert steps["policy"]["source"] == "claim policy number captured"
    assert session.scalars(select(AuditEvent).where(
        AuditEvent.action == "playbook.step_done")).one().actor_id is None


def test_a_sent_document_and_a_disposition_tick_their_steps(session, supervisor, handler,
                                                           make_case):
    catalog.create(session, supervisor, {"line_of_work": "retention", "name": "Retention",
                                         "steps": [
        {"key": "offer", "title": "Make the retention offer", "kind": "script"},
        {"key": "letter", "title": "Send the confirmation", "kind": "document",
         "trigger": "document"},
        {"key": "outcome", "title": "Record the outcome", "kind": "decision",
         "trigger": "disposition:retained"}]})
    case = make_case()
    progress.start(session, handler, case.id, "retention")
    session.commit()
    item, _ = timeline.record(session, case, medium="email", direction="outbound",
                              status="sent", body="Your policy stays with us.")
    session.add(Attachment(interaction_id=item.id, filename="letter.pdf",
                           content_type="application/pdf", size=10))
    call, _ = timeline.record(session, case, medium="voice", direction="inbound",
                              status="completed", disposition="cancelled")
    session.commit()
    _, steps = _steps(session, handler, case.id, "retention")
    assert steps["letter"]["done"] and steps["letter"]["source"] == "document sent"
    assert steps["outcome"]["state"] == "open"  # another code was recorded
    call.disposition = "retained"
    events.emit(session, events.INTERACTION_UPDATED, interaction_id=call.id, case_id=case.id)
    session.commit()
    _, steps = _steps(session, handler, case.id, "retention")
    assert steps["outcome"]["source"] == "disposition retained recorded"


def test_only_supervisors_write_playbooks_and_steps_are_checked(session, handler, supervisor):
    with pytest.raises(Forbidden):
        catalog.create(session, handler, {"line_of_work": "insurance", "name": "x",
                                          "steps": FNOL})
    with pytest.raises(Invalid) as bad:
        catalog.create(session, supervisor, {"line_of_work": "insurance", "name": "x", "steps": [
            {"key": "a", "title": "A"}, {"key": "a", "title": "B", "trigger": "field:claim.x"}]})
    assert set(bad.value.fields) == {"steps[1].key", "steps[1].trigger"}
    with pytest.raises(Invalid):
        catalog.create(session, supervisor, {"line_of_work": "gardening", "name": "x",
                                             "steps": FNOL})


def test_a_case_without_a_playbook_resolves_as_before(session, handler, make_case, claim_on):
    case = make_case()
    claim_on(case)
    workflow.update(session, handler, case.id, status="resolved", reason="done")
    session.commit()
    assert session.scalars(select(PlaybookRun)).all() == []


def test_a_claim_is_not_closed_while_its_playbook_has_a_required_step_open(
        session, fnol_book, handler, make_case, claim_on):
    case = make_case()
    claim = claim_on(case, policy_number="POL-9")
    with pytest.raises(Conflict) as refused:
        transitions.move(session, handler, claim.id, "closed", reason="withdrawn by caller")
    assert refused.value.code == "playbook_incomplete"
    session.rollback()
    progress.mark(session, handler, case.id, "verify", done=True)
    transitions.move(session, handler, claim.id, "closed", reason="withdrawn by caller")
    session.commit()
    assert records.get(session, handler, claim.id).status == "closed"


def test_the_fraud_playbook_is_not_shown_to_who_may_not_see_the_investigation(
        session, supervisor, handler, make_case, make_user):
    catalog.create(session, supervisor, {"line_of_work": "fraud", "name": "Fraud review",
                                         "steps": [{"key": "review",
                                                    "title": "Review the ring"}]})
    case = make_case()
    session.add(Investigation(client_id=case.client_id, case_id=case.id, reference="INV-1"))
    session.commit()
    assert progress.for_case(session, handler, case.id) == []
    with pytest.raises(NotFound):
        progress.mark(session, handler, case.id, "review", done=True)
    with pytest.raises(Conflict) as refused:
        workflow.update(session, handler, case.id, status="resolved", reason="done")
    assert "a step under review" in refused.value.message
    assert "ring" not in refused.value.message
    session.rollback()
    investigator = session.get(User, make_user("fraud", email="fraud@example.com").id)
    assert [r["line_of_work"] for r in progress.for_case(session, investigator, case.id)] == [
        "fraud"]


def test_only_the_retention_line_starts_by_hand(session, supervisor, handler, make_case):
    catalog.create(session, supervisor, {"line_of_work": "retention", "name": "Retention",
                                         "steps": [{"key": "why", "title": "Ask why"}]})
    case = make_case()
    with pytest.raises(Invalid):
        progress.start(session, handler, case.id, "insurance")
    run = progress.start(session, handler, case.id, "retention")
    session.commit()
    assert run["playbook"]["name"] == "Retention" and run["open_required"] == ["why"]
    started = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "playbook.started")).one()
    assert started.after["line_of_work"] == "retention"


def test_merging_two_cases_on_the_same_playbook_keeps_the_survivors_run(
        session, supervisor, handler, make_case):
    catalog.create(session, supervisor, {"line_of_work": "retention", "name": "Retention",
                                         "steps": [{"key": "why", "title": "Ask why"}]})
    keep, drop = make_case(), make_case("+12125550199")
    for case in (keep, drop):
        runs.start(session, case, "retention")
    session.commit()
    identity.merge(session, handler, keep.customer_id, drop.customer_id)
    session.commit()
    assert [r.case_id for r in session.scalars(select(PlaybookRun))] == [keep.id]
