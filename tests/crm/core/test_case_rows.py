"""Rows kept on a case (claims, debt accounts) read through one tenancy check."""

from datetime import date

import pytest
from sqlalchemy import select

from crm.claims import records as claims
from crm.collections import accounts
from crm.core import case_rows
from crm.core.errors import NotFound
from crm.customers import identity
from crm.models import AuditEvent, Claim, DebtAccount, User


@pytest.fixture
def held(session, default_client):
    """A case of the default client with a claim and a debt account on it."""
    _, case, _ = identity.find_or_create(session, default_client.id, "+12125550188",
                                         display_name="Robin Held")
    claim = Claim(client_id=case.client_id, case_id=case.id, number="CLM-R1", status="fnol",
                  loss_date=date(2026, 11, 1))
    debt = DebtAccount(client_id=case.client_id, case_id=case.id, account_number="ACC-R1",
                       creditor="Acme Bank", original_balance_cents=10_000,
                       balance_cents=10_000, currency="USD")
    session.add_all([claim, debt])
    session.commit()
    return case, claim, debt


def test_a_row_on_a_visible_case_is_read(session, make_user, held):
    _, claim, debt = held
    agent = session.get(User, make_user("agent").id)
    assert claims.get(session, agent, claim.id) is claim
    assert accounts.get(session, agent, debt.id, lock=True) is debt


@pytest.mark.parametrize("bad_id", [0, -1, 2**63, True, "1", None])
def test_an_id_that_names_no_row_is_not_found(session, make_user, held, bad_id):
    agent = session.get(User, make_user("agent").id)
    with pytest.raises(NotFound, match="claim not found"):
        case_rows.get(session, agent, Claim, bad_id, "claim")


def test_another_clients_row_is_not_found_under_its_own_name(session, make_user, other_client,
                                                              held):
    _, claim, debt = held
    stranger = session.get(User, make_user("supervisor", clients=[other_client]).id)
    with pytest.raises(NotFound, match=r"^claim not found$"):
        claims.get(session, stranger, claim.id)
    with pytest.raises(NotFound, match=r"^debt account not found$"):
        accounts.get(session, stranger, debt.id)


def test_reading_a_row_of_a_sensitive_case_is_audited_when_asked(session, make_user, held):
    case, claim, _ = held
    case.sensitive = True
    session.commit()
    agent = session.get(User, make_user("agent").id)
    claims.get(session, agent, claim.id)
    claims.get(session, agent, claim.id, audit_view=True)
    viewed = session.scalars(select(AuditEvent).where(AuditEvent.action == "case.viewed")).all()
    assert [(v.object_type, v.object_id) for v in viewed] == [("case", str(case.id))]
