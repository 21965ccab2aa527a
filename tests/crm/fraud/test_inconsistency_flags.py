"""Facts stated in notes, wrap-ups and emails that disagree with the claim record."""

from datetime import date

from sqlalchemy import select

from crm.cases import timeline
from crm.fraud.rules.statements import stated
from crm.models import Claim, Interaction
from tests.fraud_support import change, claim, flags, person

RULE = "statement_mismatch"


def test_a_note_giving_another_loss_date_is_flagged_quoting_both(session, default_client,
                                                                 agent):
    _, case = person(session, default_client.id, "Wes Told")
    claim(session, case, number="CLM-77", loss_date=date(2026, 3, 2))
    note = timeline.add_note(session, agent, case.id,
                             "Spoke to the customer. The accident happened on 12 March 2026.")
    session.commit()
    [flag] = flags(session, case, RULE)
    assert flag.reason == (f"A note ({note.occurred_at.date().isoformat()}) says \"The accident "
                           "happened on 12 March 2026.\" but claim CLM-77 records the loss "
                           "date as 2026-03-02.")
    assert flag.facts["stated"] == {"source": "note", "interaction_id": note.id,
                                    "quote": "The accident happened on 12 March 2026.",
                                    "value": "12 March 2026"}
    assert flag.facts["record"] == {"claim": "CLM-77", "field": "loss date",
                                    "value": "2026-03-02"}
    # The record is corrected to what the customer said: the flag no longer holds.
    change(session, session.get(Claim, flag.claim_id), loss_date=date(2026, 3, 12))
    assert flags(session, case, RULE) == []
    assert len(flags(session, case, RULE, status="cleared")) == 1


def test_a_note_that_agrees_with_the_record_raises_nothing(session, default_client, agent):
    _, case = person(session, default_client.id, "Xia Agrees")
    claim(session, case, loss_date=date(2026, 3, 2), reported_amount_cents=450_000,
          bank_account="GB29 NWBK 6016 1331 9268 19")
    timeline.add_note(session, agent, case.id,
                      "Loss on 2 March 2026, claiming $4,500.00, pay to gb29nwbk60161331926819.")
    session.commit()
    assert flags(session, case, RULE) == []


def test_an_email_amount_and_a_wrap_up_account_that_disagree(session, default_client):
    _, case = person(session, default_client.id, "Yan Differs")
    claim(session, case, number="CLM-88", reported_amount_cents=120_000, currency="USD",
          bank_account="12345678")
    timeline.record(session, case, medium="email", direction="inbound",
                    provider_id="<m1@example.com>", subject="My claim",
                    body="Hello,\nThe repairs cost $2,400.00 in the end.\nThanks")
    timeline.record(session, case, medium="voice", direction="inbound", provider_id="CA1",
                    meta={"wrap_ups": [{"notes": "Wants payment to account no: 87654321"}]})
    session.commit()
    by_field = {f.facts["field"]: f for f in flags(session, case, RULE)}
    assert set(by_field) == {"amount", "bank_account"}
    assert by_field["amount"].facts["record"]["value"] == "USD 1,200.00"
    assert by_field["amount"].facts["stated"]["quote"] == "The repairs cost $2,400.00 in the end."
    assert by_field["bank_account"].reason.startswith("A call's wrap-up")
    assert by_field["bank_account"].facts["record"]["value"] == "12345678"


def test_a_case_without_claims_is_not_read(session, default_client, agent):
    _, case = person(session, default_client.id, "Zed None")
    timeline.add_note(session, agent, case.id, "The accident happened on 12 March 2026.")
    session.commit()
    assert flags(session, case, RULE) == []


def test_what_counts_as_stated():
    found = stated("It was stolen on March 3rd, 2026. Invoice 03/04/2026 attached. "
                   "The premium is due. Send it to DE89 3704 0044 0532 0130 00 please.")
    assert [(s.what, s.value) for s in found] == [
        ("loss_date", "2026-03-03"), ("bank_account", "DE89370400440532013000")]
    assert stated("We met on 12 March 2026 for coffee.") == []  # not about the loss


def test_long_and_odd_text_is_read_without_fuss():
    assert [s.what for s in stated("The claim is for $" + "9" * 5000 + ".")] == []
    assert stated("Loss on 31 February 2026, claim $1" + "0" * 30) == []


def test_only_what_people_said_is_compared(session, default_client, agent, make_user):
    """The system's own timeline notes (a claim moved, sign-off asked) and the messages it
    sends on its own are never read as statements; staff's notes and texts are."""
    from crm.claims import records, transitions
    from crm.signoff import decisions

    _, case = person(session, default_client.id, "Ada Logged")
    handler = make_user("claims")
    made = records.create(session, handler, case.id, loss_date=date(2026, 3, 2),
                          reported_amount_cents=100_000, policy_start=date(2025, 1, 1),
                          today=date(2026, 3, 20))
    session.commit()
    # The record changes; the logged note of the old facts must not be read as a statement.
    records.update(session, handler, made.id, {"loss_date": date(2026, 3, 4),
                                               "reported_amount_cents": 250_000},
                   today=date(2026, 3, 20))
    transitions.move(session, handler, made.id, "triage")
    decisions.request(session, handler, case.id, kind="claim_payout", summary="Pay the "
                      "claimed $2,600.00 for the loss on 5 March 2026", amount_cents=260_000,
                      currency="USD")
    timeline.record(session, case, medium="email", direction="outbound", status="queued",
                    provider_id="<auto@x>", body="We got your claim for $9,999.00. Loss on "
                    "1 January 2026 noted.", meta={"system": True})
    session.commit()
    logged = session.scalars(select(Interaction).where(
        Interaction.case_id == case.id, Interaction.medium == "note")).all()
    assert logged and {i.status for i in logged} == {timeline.LOGGED}
    assert flags(session, case, RULE) == []
    # A customer's text that disagrees is a statement, as is an agent's note.
    timeline.record(session, case, medium="sms", direction="inbound", provider_id="SM1",
                    body="The theft happened on 9 March 2026.")
    timeline.add_note(session, agent, case.id, "Customer says the repairs cost $3,100.00.")
    session.commit()
    assert {(f.facts["field"], f.facts["stated"]["source"])
            for f in flags(session, case, RULE)} == {("loss_date", "text message"),
                                                     ("amount", "note")}
