"""Fixtures of the playbook and knowledge base tests: a supervisor, a handler, a claims case."""

from datetime import date

import pytest

from crm.claims import records
from crm.customers import identity
from crm.models import User
from crm.playbooks import catalog

TODAY = date(2026, 12, 7)
FNOL = [
    {"key": "verify", "title": "Verify the caller", "kind": "checklist"},
    {"key": "policy", "title": "Capture the policy number", "kind": "field",
     "trigger": "field:claim.policy_number"},
    {"key": "photos", "title": "Ask for photos", "kind": "checklist", "required": False},
]


@pytest.fixture
def supervisor(session, make_user):
    """A supervisor of the default client, as the session holds them."""
    return session.get(User, make_user("supervisor", email="sup@example.com").id)


@pytest.fixture
def handler(session, make_user):
    """A claims handler."""
    return session.get(User, make_user("claims", email="handler@example.com").id)


@pytest.fixture
def fnol_book(session, supervisor):
    """The default client's claims playbook, version 1."""
    book, _ = catalog.create(session, supervisor, {"line_of_work": "insurance",
                                                   "name": "Claims FNOL", "steps": FNOL})
    session.commit()
    return book


@pytest.fixture
def make_case(session, default_client):
    """A committed policyholder's case: make_case(phone)."""
    def make(phone="+12125550177"):
        _, case, _ = identity.find_or_create(session, default_client.id, phone,
                                             display_name="Pat Holder")
        session.commit()
        return case
    return make


@pytest.fixture
def claim_on(session, handler):
    """A committed claim at first notice on a case: claim_on(case, **facts)."""
    def make(case, **facts):
        facts = {"loss_date": "2026-11-20", "type": "property",
                 "reported_amount_cents": 500_000, **facts}
        claim = records.create(session, handler, case.id, today=TODAY, **facts)
        session.commit()
        return claim
    return make
