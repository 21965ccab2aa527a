"""Console fixtures: a database shared with served processes, an accepted live call, a case."""

import os
import shutil

import pytest

from crm.customers import identity
from tests import voice_support as tw


@pytest.fixture
def shared_db(template_db, tmp_path):
    """A SQLite file both processes use (PostgreSQL runs use the test database)."""
    if os.environ.get("TEST_DATABASE_URL"):
        from tests.conftest import _truncate

        _truncate(os.environ["TEST_DATABASE_URL"])
        return os.environ["TEST_DATABASE_URL"]
    path = tmp_path / "shared.db"
    shutil.copy(template_db, path)
    return f"sqlite:///{path}"


@pytest.fixture
def live_call(request, client, session, agent):
    """An inbound call (the test module's CALL sid) the agent has accepted, conferenced."""
    from sqlalchemy import select

    from crm.models import Offer, User
    from crm.routing import offers

    tw.post(client, tw.HOOKS + "/incoming", tw.incoming(request.module.CALL))
    offer = session.scalars(select(Offer)).one()
    offers.accept(session, session.get(User, agent.id), offer.id)
    session.commit()
    return offer.interaction_id


@pytest.fixture
def case(session, default_client):
    """A customer's case (they reached us from +14155550100), committed."""
    _, case, _ = identity.find_or_create(session, default_client.id, "+14155550100")
    session.commit()
    return case
