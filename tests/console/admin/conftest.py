"""Admin API fixtures: bearer headers of an admin and of each client's client admin."""

import pytest

from crm.tenancy import users


@pytest.fixture
def headers_of(session):
    """Bearer headers of a user."""

    def make(user):
        raw = users.issue_token(session, user, "test")
        session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return make


@pytest.fixture
def admin(make_user):
    """A full admin (of no client in particular: an admin administers every one)."""
    return make_user("admin", clients=[], email="admin@example.com")


@pytest.fixture
def as_admin(admin, headers_of):
    """The admin's bearer headers."""
    return headers_of(admin)
