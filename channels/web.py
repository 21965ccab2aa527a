"""What channel webhooks and sockets need from the running app, without importing console."""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy.orm import Session


def db_session() -> Session:
    """The app context's database session (the same one the console's views use)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["caseline.db"].factory()
    return g.db_session


def settings():
    """The running app's Settings."""
    return current_app.config["CASELINE"]


def socketio():
    """The app's Flask-SocketIO server (emits reach other processes through Redis)."""
    return current_app.extensions["socketio"]
