"""Fixtures of the collections tests: a debtor's case with one account, a fixed today."""

from datetime import date

import pytest

from crm.customers import identity
from crm.models import DebtAccount, User

TODAY = date(2026, 12, 7)


@pytest.fixture
def owner(make_user):
    """The collector who owns the debtor's case."""
    return make_user("collections", email="owner@example.com")


@pytest.fixture
def debtor_case(session, default_client, owner):
    """A debtor's case, owned by the collector."""
    _, case, _ = identity.find_or_create(session, default_client.id, "+12125550100",
                                         display_name="Dana Debtor")
    case.owner_id = owner.id
    session.commit()
    return case


@pytest.fixture
def make_debt(session, default_client, debtor_case):
    """A committed debt account on the debtor's case: make_debt(balance_cents=...)."""
    counter = iter(range(1, 1000))

    def make(balance_cents=100_000, **fields):
        debt = DebtAccount(client_id=default_client.id, case_id=debtor_case.id,
                           account_number=f"ACC-{next(counter)}", creditor="Acme Bank",
                           original_balance_cents=balance_cents, balance_cents=balance_cents,
                           **fields)
        session.add(debt)
        session.commit()
        return debt

    return make


@pytest.fixture
def debt(make_debt):
    """One account of USD 1,000.00."""
    return make_debt()


@pytest.fixture
def collector(session, owner):
    """The owner as the session holds them."""
    return session.get(User, owner.id)
