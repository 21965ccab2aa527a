"""Messaging and web chat in the console: webhooks, the /chat namespace, send tasks, typing."""

from __future__ import annotations

from flask import Flask, request

import channels.sms  # noqa: F401  (adapters register on import)
from channels.chat.adapter import CHAT_NS, visit_room
from channels.chat.socket import register_chat_namespace
from channels.chat.views import bp as chat_bp
from channels.sms.webhooks import bp as sms_bp
from console.core import database
from console.core.extensions import csrf, socketio
from console.core.tasks import enqueue
from console.messaging.media_links import register_media_links
from console.messaging.send_tasks import fetch_media, send_outbound
from console.realtime.agent import register_agent_events
from console.realtime.payloads import TypingIn
from console.realtime.rooms import AGENT_NS, case_room
from crm.cases import records as cases
from crm.core import events
from crm.core.errors import DomainError
from crm.messaging.outbound import chat_threads


def on_queued(_name: str, payload: dict) -> None:
    """A message queued to go out: send it in a task."""
    enqueue(send_outbound, payload["interaction_id"])


def on_media(_name: str, payload: dict) -> None:
    """An inbound attachment: fetch it in a task."""
    enqueue(fetch_media, payload["attachment_id"])


def on_visitor_typing(_name: str, payload: dict) -> None:
    """A chat visitor typing: the case's watchers see it."""
    socketio.emit(events.TYPING, {"case_id": payload["case_id"], "who": "visitor",
                                  "name": payload["name"], "typing": payload["typing"],
                                  "medium": "chat", "at": payload["at"]},
                  to=case_room(payload["case_id"]), namespace=AGENT_NS)


LISTENERS = (
    (events.OUTBOUND_QUEUED, on_queued),
    (events.MEDIA_RECEIVED, on_media),
    (events.CHAT_TYPING, on_visitor_typing),
)


def register_messaging(app: Flask) -> None:
    """Mount the SMS/WhatsApp webhooks and the chat widget; wire sends and typing."""
    for bp in (sms_bp, chat_bp):
        csrf.exempt(bp)  # Twilio signs its webhooks; the widget page posts nothing
        app.register_blueprint(bp)
    register_media_links(app)
    register_chat_namespace(socketio)
    register_agent_events(((events.TYPING, TypingIn, _agent_typing),))
    events.subscribe_all(LISTENERS)


def _agent_typing(actor, data: TypingIn) -> None:
    """An agent typing on a case: its watchers, and the visitor of its chat, see it."""
    session = database.session()
    try:
        case = cases.get(session, actor, data.case_id, audit_view=False)
        threads = chat_threads(session, case.id)
    except DomainError:
        return None
    finally:
        session.rollback()
    socketio.emit(events.TYPING, {"case_id": case.id, "who": "agent", "name": actor.name,
                                  "typing": data.typing}, to=case_room(case.id),
                  namespace=AGENT_NS, skip_sid=request.sid)
    if threads:
        # The visitor sees only that someone (by first name) is typing, nothing else.
        socketio.emit(events.TYPING, {"name": actor.name, "typing": data.typing},
                      to=visit_room(threads[0]), namespace=CHAT_NS)
    return None
