"""Taking and correcting a claim: checked facts, the bank account's key, audit, timeline."""

import pytest
from sqlalchemy import select

from crm.claims import records
from crm.core import events
from crm.core.errors import Conflict, Forbidden, Invalid
from crm.models import AuditEvent, Claim, Interaction
from tests.crm.claims.conftest import TODAY


def test_a_claim_starts_at_first_notice_with_its_account_key(session, claim, holder_case):
    claim = session.get(Claim, claim.id)
    assert (claim.status, claim.claim_type, claim.reported_amount_cents) == (
        "fnol", "property", 500_000)
    assert claim.bank_account_key == "GB29NWBK60161331926819"
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "claim.created")).one()
    assert audit.after["loss_date"] == "2026-11-20"
    notes = session.scalars(select(Interaction.body).where(
        Interaction.case_id == holder_case.id)).all()
    assert "Claim CLM-1: First notice of loss taken (property, loss on 2026-11-20)" in notes


def test_creating_and_changing_a_claim_raise_claim_changed(session, handler, holder_case,
                                                           claim):
    records.update(session, handler, claim.id, {"bank_account": "gb29-nwbk-0000"},
                   today=TODAY)
    raised = [(n, p) for n, p in events.pending(session) if n == events.CLAIM_CHANGED]
    assert raised == [(events.CLAIM_CHANGED, {"claim_id": claim.id, "case_id": holder_case.id,
                                              "client_id": holder_case.client_id,
                                              "at": raised[0][1]["at"]})]
    assert session.get(Claim, claim.id).bank_account_key == "GB29NWBK0000"
    session.commit()
    audit = session.scalars(select(AuditEvent).where(AuditEvent.action == "claim.updated")).one()
    assert (audit.before, audit.after) == ({"bank_account": "GB29 NWBK 6016 1331 9268 19"},
                                           {"bank_account": "gb29-nwbk-0000"})


@pytest.mark.parametrize(("facts", "message"), [
    ({"loss_date": None}, "The loss date is required"),
    ({"loss_date": "2026-13-01"}, "The loss date must be a valid date"),
    ({"loss_date": "2027-01-01"}, "The loss date cannot be in the future"),
    ({"type": "spaceship"}, "The claim type must be one of"),
    ({"reported_amount_cents": -5}, "The reported amount must be an amount above"),
])
def test_bad_facts_are_refused_in_words(session, handler, holder_case, facts, message):
    with pytest.raises(Invalid, match=message):
        records.create(session, handler, holder_case.id, today=TODAY,
                       **{"loss_date": "2026-11-01", **facts})


def test_a_claim_number_is_unique_for_the_client(session, handler, holder_case, claim):
    with pytest.raises(Conflict, match="CLM-1 is already taken"):
        records.create(session, handler, holder_case.id, number="clm-1",
                       loss_date="2026-11-01", today=TODAY)


def test_without_a_number_one_is_made_from_the_case(session, handler, holder_case):
    made = records.create(session, handler, holder_case.id, loss_date="2026-11-01",
                          today=TODAY)
    assert made.number == f"CLM-{holder_case.reference}-1"


def test_the_reserve_is_for_handlers_and_claims_for_those_who_work_them(
        session, make_user, holder_case, claim):
    agent = make_user("agent")
    records.create(session, agent, holder_case.id, loss_date="2026-11-01", today=TODAY)
    with pytest.raises(Forbidden):
        records.update(session, agent, claim.id, {"reserve_cents": 100_000})
    with pytest.raises(Forbidden):
        records.create(session, make_user("collections"), holder_case.id,
                       loss_date="2026-11-01", today=TODAY)
    records.update(session, make_user("supervisor"), claim.id, {"reserve_cents": 100_000})
    assert session.get(Claim, claim.id).reserve_cents == 100_000
