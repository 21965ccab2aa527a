"""The production topology on this machine: PostgreSQL + Redis, real gunicorn/Celery processes."""

from __future__ import annotations

import os

import pytest

from tests.production.processes import TwilioPeer

DATABASE = os.environ.get("TEST_DATABASE_URL")
REDIS = os.environ.get("TEST_REDIS_URL")


def pytest_collection_modifyitems(items):
    """Every test here starts real processes: mark them slow."""
    for item in items:
        if "tests/production" in str(item.path):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def services(database_url):
    """The (emptied) PostgreSQL test database and the Redis URL; skip on SQLite-only runs."""
    if not (DATABASE and REDIS):
        if os.environ.get("CI") == "true" and (DATABASE or REDIS):
            pytest.fail("CI: the production tests need both TEST_DATABASE_URL and TEST_REDIS_URL")
        pytest.skip("production processes need TEST_DATABASE_URL and TEST_REDIS_URL")
    import redis

    redis.Redis.from_url(REDIS).flushdb()  # no Celery messages left by an earlier run
    return database_url, REDIS


@pytest.fixture
def twilio_peer():
    """Twilio's REST API as an HTTP server that records what it was sent."""
    peer = TwilioPeer()
    yield peer
    peer.close()
