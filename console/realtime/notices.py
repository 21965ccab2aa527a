"""In-app notices pushed live: one person is told that their sign-off was decided, or that
someone gave them a task. Kept by crm.tenancy.notices in the transaction that decided it; pushed
here after the commit, only to that person's tabs."""

from __future__ import annotations

from flask import Flask

from console.core import database
from console.core.extensions import socketio
from console.realtime.rooms import AGENT_NS, user_room
from crm.core import events
from crm.models import Notice
from crm.tenancy import notices

_app: Flask | None = None  # the app whose context the listener works in


def on_notice(name: str, payload: dict) -> None:
    """A notice was kept: its person's open tabs show it at once."""
    with _app.app_context():
        notice = database.session().get(Notice, payload["notice_id"])
        if notice is None:
            return
        socketio.emit(events.NOTICE, notices.present(notice), to=user_room(notice.user_id),
                      namespace=AGENT_NS)


LISTENERS = ((events.NOTICE_CREATED, on_notice),)


def register_notice_listeners(app: Flask) -> None:
    """Keep notices with what they tell, and push them after the commit."""
    global _app
    _app = app
    events.subscribe_all(LISTENERS, in_transaction=notices.IN_TRANSACTION)
