"""Fixtures of the claims tests: a policyholder's case, a handler, a claim at first notice."""

from datetime import date

import pytest

from crm.claims import records
from crm.customers import identity
from crm.models import User

TODAY = date(2026, 12, 7)


@pytest.fixture
def handler(session, make_user):
    """A claims handler, as the session holds them."""
    return session.get(User, make_user("claims", email="handler@example.com").id)


@pytest.fixture
def holder_case(session, default_client):
    """A policyholder's case (they called from +12125550177)."""
    _, case, _ = identity.find_or_create(session, default_client.id, "+12125550177",
                                         display_name="Pat Holder")
    session.commit()
    return case


@pytest.fixture
def make_claim(session, handler, holder_case):
    """A committed claim at fnol on the holder's case: make_claim(number=..., ...)."""
    counter = iter(range(1, 1000))

    def make(**facts):
        facts = {"number": f"CLM-{next(counter)}", "policy_number": "POL-1",
                 "policy_start": "2026-01-01", "loss_date": "2026-11-20", "type": "property",
                 "reported_amount_cents": 500_000, "bank_account": "GB29 NWBK 6016 1331 9268 19",
                 **facts}
        claim = records.create(session, handler, holder_case.id, today=TODAY, **facts)
        session.commit()
        return claim

    return make


@pytest.fixture
def claim(make_claim):
    """One claim of USD 5,000.00 at first notice of loss."""
    return make_claim()
