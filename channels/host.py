"""The app hosting the channels: what webhooks and sockets need, without importing console."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, g
from sqlalchemy.orm import Session


def db_session() -> Session:
    """The app context's database session (the same one the console's views use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["caseline.db"].factory()
    return g.db_session


def committed(work: Callable[[Session], Any], **batching) -> Any:
    """work(session), committed in a transaction it may share with concurrent webhooks
    (crm.core.batching.GroupCommit; batching: its item and many): its result once stored, or its
    error.

    A context already in a transaction (a CLI command, a test driving the app) commits the
    work in that one instead: a second connection would wait for its write lock.
    """
    session = g.get("db_session")
    if session is not None and session.in_transaction():
        result = work(session)
        session.commit()
        return result
    return current_app.extensions["caseline.db"].group.run(work, **batching)


def settings():
    """The running app's Settings."""
    return current_app.config["CASELINE"]


def socketio():
    """The app's Flask-SocketIO server (emits reach other processes through Redis)."""
    return current_app.extensions["socketio"]
