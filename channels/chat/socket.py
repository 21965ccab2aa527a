"""The /chat namespace: anonymous visitors start or resume a visit and talk in its room only."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, request
from flask_socketio import join_room, leave_room
from pydantic import BaseModel, Field

from channels.chat import tokens
from channels.chat.adapter import CHAT_NS, visit_room, visitor_payload
from channels.chat.ratelimit import Limiter
from channels.host import db_session, settings
from channels.payloads import refusal, socket_event
from crm.chat import visits as chat
from crm.core import events
from crm.core.errors import DomainError
from crm.hours import offline

# sid -> Visit for this process's connections (chat sockets are sticky to a process).
_visits: dict[str, chat.Visit] = {}
_fail = refusal
_sio = None  # the Socket.IO server (console's), set by register_chat_namespace
_limits: dict[str, Limiter] = {}  # this app's rate limits, by what they limit


class StartIn(BaseModel):
    """chat.start: the widget's key and who the visitor says they are (crm.chat.visits checks)."""

    key: str = Field("", max_length=200)
    name: str = Field("", max_length=1000)
    contact: str = Field("", max_length=1000)


class OfflineIn(BaseModel):
    """chat.offline: the offline form (outside business hours): who, how to reach them, what."""

    key: str = Field("", max_length=200)
    name: str = Field("", max_length=1000)
    contact: str = Field("", max_length=1000)
    body: str = Field("", max_length=chat.MAX_BODY * 2)


class ResumeIn(BaseModel):
    """chat.resume: the visitor token chat.start gave."""

    token: str = Field("", max_length=4000)


class MessageIn(BaseModel):
    """chat.message: the text and the browser's id for it (a retry carries the same id)."""

    body: str = Field("", max_length=chat.MAX_BODY * 2)
    id: str = Field("", max_length=64)


class TypingIn(BaseModel):
    """typing: whether the visitor is still typing."""

    typing: bool = True


def _transcript(visit: chat.Visit) -> list[dict]:
    return [visitor_payload(i.id, "visitor" if i.direction == "inbound" else "agent", i.body,
                            None if i.direction == "inbound" else i.from_addr, i.occurred_at)
            for i in chat.transcript(db_session(), visit)]


def _enter(visit: chat.Visit) -> None:
    previous = _visits.get(request.sid)
    if previous is not None and previous.thread != visit.thread:
        leave_room(visit_room(previous.thread))  # one visit per connection
    _visits[request.sid] = visit
    join_room(visit_room(visit.thread))


def connect(auth=None):
    """Visitors are anonymous until they start or resume a visit."""
    return True


def disconnect(*_args) -> None:
    """Forget the connection's visit."""
    _visits.pop(request.sid, None)


def start(data: StartIn):
    """chat.start: a new visit (a few per address per minute)."""
    if not _limits["starts"].allow(f"ip:{request.remote_addr}"):
        return _fail("rate_limited", "Too many new chats from here; wait a minute.")
    session = db_session()
    if offline.widget_closed(session, data.key) is not None:
        session.rollback()
        return _fail("closed", "We are closed at the moment; leave us a message instead.")
    try:
        visit = chat.start(session, data.key, data.name, data.contact,
                           region=settings().default_phone_region)
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _fail(exc.code, exc.message)
    _enter(visit)
    return {"ok": True, "token": tokens.issue(current_app.secret_key, visit),
            "name": visit.name, "messages": []}


def leave_offline(data: OfflineIn):
    """chat.offline: outside business hours, a message and a callback task (limited as new
    chats are)."""
    if not _limits["starts"].allow(f"ip:{request.remote_addr}"):
        return _fail("rate_limited", "Too many messages from here; wait a minute.")
    session = db_session()
    try:
        offline.leave_message(session, data.key, data.name, data.contact, data.body,
                              region=settings().default_phone_region)
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _fail(exc.code, exc.message)
    return {"ok": True}


def resume(data: ResumeIn):
    """chat.resume: back to the visit a token names, with its transcript."""
    visit = tokens.read(current_app.secret_key, data.token)
    if visit is None:
        return _fail("expired", "This chat has expired; please start a new one.")
    try:
        messages = _transcript(visit)
    except DomainError as exc:
        return _fail(exc.code, exc.message)
    finally:
        db_session().rollback()
    _enter(visit)
    return {"ok": True, "name": visit.name, "messages": messages}


def visitor_message(data: MessageIn):
    """chat.message: the visitor's text, stored and shown to the visit's other tabs."""
    visit = _visits.get(request.sid)
    if visit is None:
        return _fail("no_chat", "Start a chat first.")
    if not _limits["messages"].allow(visit.thread):
        return _fail("rate_limited", "You are sending messages too quickly; wait a few "
                                     "seconds and try again.")
    session = db_session()
    try:
        got = chat.post(session, visit, data.body, data.id)
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _fail(exc.code, exc.message)
    payload = visitor_payload(got.interaction.id, "visitor", got.interaction.body, None,
                              got.interaction.occurred_at)
    _sio.emit(events.CHAT_MESSAGE, payload, to=visit_room(visit.thread), namespace=CHAT_NS,
              skip_sid=request.sid)
    return {"ok": True, "message": payload}


def visitor_typing(data: TypingIn):
    """typing: staff see that the visitor is typing (not stored)."""
    visit = _visits.get(request.sid)
    if visit is None or not _limits["typing"].allow(visit.thread):
        return None
    typing = data.typing
    try:  # the case the visit is on now (staff may have moved it to one of its own)
        case_id = chat.case_id_of(db_session(), visit)
    except DomainError:
        return None
    finally:
        db_session().rollback()
    # Not stored: a fleeting signal, handed to the console's listeners straight away.
    events.dispatch(events.CHAT_TYPING, {"case_id": case_id, "thread": visit.thread,
                                         "name": visit.name, "typing": typing,
                                         "at": datetime.now(UTC).isoformat()})
    return None


EVENTS = (
    (events.CHAT_START, StartIn, start),
    (events.CHAT_RESUME, ResumeIn, resume),
    (events.CHAT_MESSAGE, MessageIn, visitor_message),
    (events.CHAT_OFFLINE, OfflineIn, leave_offline),
    (events.TYPING, TypingIn, visitor_typing),
)


def register_chat_namespace(sio) -> None:
    """Attach the visitor handlers to the Socket.IO server (fresh limits for each app)."""
    global _sio
    _sio = sio
    _limits.update(starts=Limiter(5, 60),  # new visits per address per minute
                   messages=Limiter(8, 10),  # messages per visit per 10 s
                   typing=Limiter(3, 2))
    sio.on("connect", namespace=CHAT_NS)(connect)
    sio.on("disconnect", namespace=CHAT_NS)(disconnect)
    for name, model, handler in EVENTS:
        sio.on(name, namespace=CHAT_NS)(socket_event(model)(handler))
