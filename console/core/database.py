"""One SQLAlchemy session per app context (request, socket event, CLI command or task)."""

from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from console.core.config import ConfigError
from crm.core.batching import GroupCommit
from crm.core.db import make_engine, make_session_factory, redact


class Database:
    """The engine and session factory of one app."""

    def __init__(self, url: str):
        self.url = url
        self.engine: Engine = make_engine(url)
        self.factory: sessionmaker[Session] = make_session_factory(self.engine)
        # Webhooks that arrive in bursts (inbound messages) commit together under load.
        self.group = GroupCommit(self.factory)

    def check(self) -> None:
        """Raise ConfigError with one clear line when the database cannot be reached."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
            raise ConfigError(f"cannot reach the database {redact(self.url)}: {reason}") from None


def register_database(app: Flask, url: str) -> Database:
    """Bind a Database to the app and close each context's session at teardown."""
    db = Database(url)
    app.extensions["caseline.db"] = db

    @app.teardown_appcontext
    def _close(exc):
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()

    return db


def get_db(app: Flask | None = None) -> Database:
    """The Database of the app (the current one by default)."""
    return (app or current_app).extensions["caseline.db"]


def discard() -> None:
    """Roll back the current context's transaction, if it has a session (after a refusal)."""
    if "db_session" in g:
        g.db_session.rollback()


def session() -> Session:
    """The session of the current app context, opened on first use."""
    if "db_session" not in g:
        g.db_session = get_db().factory()
    return g.db_session
