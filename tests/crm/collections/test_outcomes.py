"""Collections dispositions on a call's wrap-up change the debtor's accounts as the rules say."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.collections import outcomes
from crm.core.errors import DomainError, Invalid
from crm.guardrails import collections as rules
from crm.models import AuditEvent, DebtAccount, Interaction, Promise, utcnow
from crm.voice import callwork
from tests.conftest import TEST_DATABASE_URL
from tests.crm.collections.conftest import TODAY


@pytest.fixture
def call(session, debtor_case, collector):
    item = Interaction(client_id=debtor_case.client_id, case_id=debtor_case.id,
                       medium="voice", direction="outbound", status="completed",
                       agent_id=collector.id, occurred_at=utcnow(),
                       meta={"queue": "collections"})
    session.add(item)
    session.commit()
    return item


def test_the_collections_codes_are_offered_on_collections_calls(session, default_client):
    codes = [c for c, _ in callwork.dispositions(session, "collections", default_client.id)]
    assert codes[:11] == [c for c, _ in outcomes.CODES]


def test_a_dispute_marks_the_account_disputed(session, collector, call, debt):
    outcomes.apply(session, collector, call, "dispute")
    session.commit()
    debt = session.get(DebtAccount, debt.id)
    assert (debt.disputed, debt.status) == (True, "disputed")
    assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "debt.updated"))
    # The case says it in a sentence naming the account, not behind a bare number.
    assert "Disputed on a call: collection of account ACC-1 (Acme Bank) paused until " \
           "validation is recorded" in session.scalars(select(Interaction.body).where(
               Interaction.case_id == debt.case_id)).all()


@pytest.mark.parametrize("code", ["cease_request", "bankrupt", "deceased"])
def test_a_cease_bankruptcy_or_death_stops_contact(session, collector, call, debt,
                                                   debtor_case, code):
    outcomes.apply(session, collector, call, code)
    session.commit()
    debt = session.get(DebtAccount, debt.id)
    assert (debt.ceased, debt.status, debt.stop_reason) == (True, "ceased", code)
    with pytest.raises(DomainError) as refused:
        rules.check(session, debtor_case, "sms")
    assert refused.value.code == "ceased"
    # The refusal says why in words an agent can repeat (not "asked in writing" for a death).
    assert {"cease_request": "asked that we stop", "bankrupt": "bankruptcy",
            "deceased": "has died"}[code] in refused.value.message


def test_an_attorney_is_recorded_and_stops_contact(session, collector, call, debt):
    with pytest.raises(Invalid):
        outcomes.apply(session, collector, call, "attorney", {})
    session.rollback()
    outcomes.apply(session, collector, call, "attorney",
                   {"attorney_name": "Sam Counsel", "attorney_phone": "+12125550199"})
    session.commit()
    debt = session.get(DebtAccount, debt.id)
    assert (debt.attorney_represented, debt.attorney_name, debt.attorney_phone) == (
        True, "Sam Counsel", "+12125550199")


def test_a_promise_to_pay_asks_amount_and_day(session, collector, call, debt, make_debt):
    with pytest.raises(Invalid):
        outcomes.apply(session, collector, call, "promise_to_pay", {"amount_cents": 5000})
    session.rollback()
    outcomes.apply(session, collector, call, "promise_to_pay",
                   {"amount_cents": 5000, "due_on": (TODAY + timedelta(days=2)).isoformat()},
                   today=TODAY)
    session.commit()
    assert session.scalars(select(Promise.amount_cents)).all() == [5000]
    make_debt(2000)
    with pytest.raises(Invalid, match="several"):
        outcomes.apply(session, collector, call, "promise_to_pay",
                       {"amount_cents": 500, "due_on": TODAY.isoformat()}, today=TODAY)


def test_codes_that_change_nothing_change_nothing(session, collector, call, debt):
    for code in ("right_party_contact", "wrong_party", "no_answer", "left_message", "refused"):
        outcomes.apply(session, collector, call, code)
    session.commit()
    assert session.get(DebtAccount, debt.id).status == "active"


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="PostgreSQL test runs truncate the rows "
                    "migration 0018 seeds; the SQLite template keeps them")
def test_a_clients_own_collections_code_keeps_the_seeded_ones(session, default_client,
                                                              make_user):
    callwork.add_disposition(session, make_user("supervisor"), "collections", "hardship",
                             "Hardship plan", default_client.id)
    session.commit()
    codes = [c for c, _ in callwork.dispositions(session, "collections", default_client.id)]
    assert codes[:12] == [*(c for c, _ in outcomes.CODES), "hardship"]
