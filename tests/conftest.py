"""Fixtures: a migrated database (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing

import pytest
from sqlalchemy import text

from console.app import create_app
from console.core.config import Settings
from console.core.database import session as db_session
from console.core.migrate import upgrade
from crm.core.db import make_engine
from crm.models import Base, Client
from crm.tenancy import clients as tenancy
from crm.tenancy import users

users.configure_hasher(time_cost=1, memory_cost=1024, parallelism=1)

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL")
UNDER_CI = os.environ.get("CI") == "true"
PASSWORD = "correct horse battery"


def pytest_report_header(config):
    return (f"caseline database: {TEST_DATABASE_URL or 'sqlite (per-test file)'}; "
            f"redis: {TEST_REDIS_URL or 'not configured'}")


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A database migrated once per run: a SQLite file to copy, or the PostgreSQL test db."""
    if TEST_DATABASE_URL:
        engine = make_engine(TEST_DATABASE_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        upgrade(TEST_DATABASE_URL)
        engine.dispose()
        return TEST_DATABASE_URL
    folder = tmp_path_factory.mktemp("template")
    upgrade(f"sqlite:///{folder / 'migrated.db'}")
    # Each test copies one file, so the template must hold everything in that file: a copy
    # of the migrated file while pages still sat in its write-ahead log (the background
    # checkpointer keeps a connection open a while) lacked tables. SQLite's backup reads
    # through the log; the copy it writes is left out of WAL mode.
    path = folder / "template.db"
    with closing(sqlite3.connect(folder / "migrated.db")) as source, \
            closing(sqlite3.connect(path)) as copy:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")
    return path


@pytest.fixture
def database_url(template_db, tmp_path):
    """A clean, migrated database for one test."""
    if TEST_DATABASE_URL:
        _truncate(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    path = tmp_path / "caseline.db"
    shutil.copy(template_db, path)
    return f"sqlite:///{path}"


def _truncate(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        # TRUNCATE is not a row DELETE, so the append-only audit trigger does not fire.
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        conn.execute(text("INSERT INTO clients (slug, name, created_at) "
                          "VALUES ('default', 'Default client', now())"))
    engine.dispose()


@pytest.fixture
def settings(database_url, tmp_path) -> Settings:
    """Settings of a test app: eager tasks, no Redis unless a test asks for it."""
    s = Settings(database_url=database_url, instance_path=str(tmp_path / "instance"),
                 secret_key="test-secret-key-" + "x" * 32, tasks_mode="eager",
                 public_base_url="https://caseline.example.com")
    s.validate()
    return s


@pytest.fixture
def app(settings):
    """A Caseline app bound to the test database."""
    app = create_app(settings)
    app.config.update(TESTING=True)
    yield app
    from console.core.database import get_db

    get_db(app).engine.dispose()


@pytest.fixture
def ctx(app):
    """An app context for calling services directly."""
    with app.app_context():
        yield


@pytest.fixture
def session(ctx):
    """The app context's database session."""
    return db_session()


@pytest.fixture
def default_client(session) -> Client:
    """The default client created by the first migration."""
    client = tenancy.default_client(session)
    # End the read transaction: on SQLite an open transaction holds the write lock.
    session.commit()
    return client


@pytest.fixture
def other_client(session) -> Client:
    """A second client (tenant)."""
    client = tenancy.get_or_create(session, "acme-lending", "Acme Lending")
    session.commit()
    return client


@pytest.fixture
def make_user(session, default_client):
    """Create a committed staff user: make_user('agent', clients=[...])."""
    counter = iter(range(1, 10_000))

    def make(*roles: str, clients=None, email=None, password=PASSWORD):
        n = next(counter)
        user = users.create_user(session, email or f"user{n}@example.com", f"User {n}",
                                 list(roles or ("agent",)), password,
                                 clients if clients is not None else [default_client])
        session.commit()
        return user

    return make


@pytest.fixture
def agent(make_user):
    """A signed-up agent of the default client."""
    return make_user("agent", email="agent@example.com")


@pytest.fixture
def client(app):
    """A Flask test client (the browser without JavaScript)."""
    return app.test_client()


def csrf_token_from(html: str) -> str:
    """The CSRF token embedded in a rendered page."""
    import re

    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html) or re.search(
        r'<meta name="csrf-token" content="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def login(client):
    """Sign a user in through the real form; returns the console page's CSRF token."""

    def do(user, password=PASSWORD):
        page = client.get("/login").get_data(as_text=True)
        resp = client.post("/login", data={"email": user.email, "password": password,
                                           "csrf_token": csrf_token_from(page)})
        assert resp.status_code == 302, resp.get_data(as_text=True)
        return csrf_token_from(client.get("/").get_data(as_text=True))

    return do


@pytest.fixture
def token(session, agent):
    """An API token of the agent."""
    raw = users.issue_token(session, agent, "test")
    session.commit()
    return raw


@pytest.fixture
def as_user(session, make_user):
    """A new user with these roles and their bearer headers: as_user('reviewer')."""

    def make(*roles, clients=None):
        user = make_user(*roles, clients=clients)
        raw = users.issue_token(session, user, "test")
        session.commit()
        return user, {"Authorization": f"Bearer {raw}"}

    return make


@pytest.fixture
def twilio_api(app):
    """Twilio's REST API stand-in (tests.voice_support.RecordingTwilio) installed in the app."""
    from tests.voice_support import RecordingTwilio

    fake = RecordingTwilio()
    app.extensions["caseline.twilio_http"] = fake
    return fake


@pytest.fixture
def connect(app, session):
    """An /agent socket for a user, optionally marked available."""
    from console.core.extensions import socketio
    from crm.core import events

    sockets = []

    def do(user, available=True):
        raw = users.issue_token(session, user)
        session.commit()
        sio = socketio.test_client(app, namespace="/agent", auth={"token": raw})
        assert sio.is_connected("/agent")
        if available:
            ack = sio.emit(events.PRESENCE_SET, {"status": "available"}, namespace="/agent",
                           callback=True)
            assert ack["ok"] and ack["status"] == "available"
        sockets.append(sio)
        return sio

    yield do
    for sio in sockets:
        if sio.is_connected("/agent"):
            sio.disconnect(namespace="/agent")
