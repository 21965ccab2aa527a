"""The /chat namespace: anonymous visitors start or resume a visit and talk in its room only."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parseaddr

from flask import current_app, request
from flask_socketio import join_room, leave_room
from pydantic import BaseModel, Field

from channels.chat import tokens
from channels.chat.adapter import CHAT_NS, visit_room, visitor_payload
from channels.chat.ratelimit import Limiter
from channels.host import db_session, settings
from channels.payloads import refusal, socket_event
from crm.chat import ending, plain
from crm.chat import visits as chat
from crm.core import events, i18n
from crm.core.errors import DomainError
from crm.hours import offline

# sid -> Visit for this process's connections (chat sockets are sticky to a process).
_visits: dict[str, chat.Visit] = {}
_sio = None  # the Socket.IO server (console's), set by register_chat_namespace
_limits: dict[str, Limiter] = {}  # this app's rate limits, by what they limit


class StartIn(BaseModel):
    """chat.start: the widget's key, the pre-chat answers (crm.chat.visits checks them) and the
    language the widget speaks; `contact` is the older one-field form (email or phone)."""

    key: str = Field("", max_length=200)
    name: str = Field("", max_length=1000)
    email: str = Field("", max_length=1000)
    phone: str = Field("", max_length=1000)
    contact: str = Field("", max_length=1000)
    language: str = Field("en", max_length=16)


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


class EmptyIn(BaseModel):
    """An event that carries nothing (chat.place, chat.end, chat.transcript)."""


class RateIn(BaseModel):
    """chat.rate: 1-5 and an optional comment (crm.chat.ending checks them)."""

    score: int = 0
    comment: str = Field("", max_length=4000)


def _fail(code: str, message: str, locale: str | None = None) -> dict:
    """A refusal the visitor reads: plain words in their language (never a developer's)."""
    shown = message if message in plain.SHOWN else plain.SOMETHING_WRONG
    return refusal(code, i18n.translate(locale, shown))


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
    language = i18n.locale_of(data.language)
    if not _limits["starts"].allow(f"ip:{request.remote_addr}"):
        return _fail("rate_limited", plain.TOO_MANY_CHATS, language)
    session = db_session()
    if offline.widget_closed(session, data.key) is not None:
        session.rollback()
        return _fail("closed", "We are closed at the moment; leave us a message instead.")
    try:
        visit = chat.start(session, data.key, data.name, data.contact, email=data.email,
                           phone=data.phone, region=settings().default_phone_region,
                           language=language)
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _fail(exc.code, exc.message, language)
    place = ending.place_in_queue(session, visit)
    session.rollback()
    _enter(visit)
    return {"ok": True, "token": tokens.issue(current_app.secret_key, visit),
            "name": visit.name, "messages": [], "email": _email_of(visit), "place": place}


def _email_of(visit: chat.Visit) -> str | None:
    # Where a transcript could go: only the email the visitor gave at the start.
    return visit.contact if "@" in (visit.contact or "") else None


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
        return _fail("expired", plain.EXPIRED)
    try:
        messages = _transcript(visit)
        row = chat.visit_of(db_session(), visit.thread)
        ended = row is not None and row.ended_at is not None
        place = None if ended else ending.place_in_queue(db_session(), visit)
    except DomainError as exc:
        return _fail(exc.code, exc.message, visit.language)
    finally:
        db_session().rollback()
    _enter(visit)
    return {"ok": True, "name": visit.name, "messages": messages, "place": place,
            "ended": ended, "email": _email_of(visit)}


def visitor_message(data: MessageIn):
    """chat.message: the visitor's text, stored and shown to the visit's other tabs."""
    visit = _visits.get(request.sid)
    if visit is None:
        return _fail("no_chat", plain.START_FIRST)
    if not _limits["messages"].allow(visit.thread):
        return _fail("rate_limited", plain.TOO_FAST, visit.language)
    session = db_session()
    try:
        got = chat.post(session, visit, data.body, data.id)
        session.commit()
        place = ending.place_in_queue(session, visit)
    except DomainError as exc:
        session.rollback()
        return _fail(exc.code, exc.message, visit.language)
    finally:
        session.rollback()
    payload = visitor_payload(got.interaction.id, "visitor", got.interaction.body, None,
                              got.interaction.occurred_at)
    share(visit, payload, skip_sid=request.sid)
    return {"ok": True, "message": payload, "place": place}


def share(visit: chat.Visit, payload: dict, skip_sid: str | None = None) -> None:
    """A visitor's message to the visit's other tabs."""
    _sio.emit(events.CHAT_MESSAGE, payload, to=visit_room(visit.thread), namespace=CHAT_NS,
              skip_sid=skip_sid)


def visitor_place(_data: EmptyIn):
    """chat.place: the visitor's place in the queue now (the widget asks while they wait)."""
    visit = _visits.get(request.sid)
    if visit is None or not _limits["places"].allow(visit.thread):
        return {"ok": True, "place": None}
    try:
        return {"ok": True, "place": ending.place_in_queue(db_session(), visit)}
    except DomainError:
        return {"ok": True, "place": None}
    finally:
        db_session().rollback()


def _on_visit(work, *, code_if_none: str = "no_chat"):
    # Run work(session, visit) for this connection's visit, committed; refusals in plain words.
    visit = _visits.get(request.sid)
    if visit is None:
        return _fail(code_if_none, plain.START_FIRST)
    if not _limits["endings"].allow(visit.thread):
        return _fail("rate_limited", plain.TOO_FAST, visit.language)
    session = db_session()
    try:
        result = work(session, visit)
        session.commit()
    except DomainError as exc:
        session.rollback()
        return _fail(exc.code, exc.message, visit.language)
    return {"ok": True, **(result or {})}


def visitor_end(_data: EmptyIn):
    """chat.end: the visitor closed the chat; the rating and transcript are offered next."""
    return _on_visit(lambda session, visit: ending.end(session, visit) and None)


def visitor_rate(data: RateIn):
    """chat.rate: how the visitor rated the chat, kept and shown on the case's timeline."""
    return _on_visit(lambda session, visit: ending.rate(
        session, visit, data.score, data.comment) and None)


def visitor_transcript(_data: EmptyIn):
    """chat.transcript: email the chat to the address the visitor gave, by the send pipeline."""
    sender = settings().email_from or None
    domain = parseaddr(sender or "")[1].rpartition("@")[2] or "caseline.local"

    def send(session, visit):
        item = ending.email_transcript(session, visit, sender=sender, message_domain=domain)
        return {"to": item.to_addr}

    return _on_visit(send)


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
    (events.CHAT_PLACE, EmptyIn, visitor_place),
    (events.CHAT_END, EmptyIn, visitor_end),
    (events.CHAT_RATE, RateIn, visitor_rate),
    (events.CHAT_TRANSCRIPT, EmptyIn, visitor_transcript),
)


def allow(limit: str, key: str) -> bool:
    """One more hit on a visitor's rate limit (False when they are over it)."""
    return _limits[limit].allow(key)


def register_chat_namespace(sio) -> None:
    """Attach the visitor handlers to the Socket.IO server (fresh limits for each app)."""
    global _sio
    _sio = sio
    _limits.update(starts=Limiter(5, 60),  # new visits per address per minute
                   messages=Limiter(8, 10),  # messages per visit per 10 s
                   typing=Limiter(3, 2),
                   places=Limiter(30, 60),  # the widget asks every few seconds while waiting
                   endings=Limiter(6, 60),  # end, rate, transcript: a few per visit
                   files=Limiter(5, 60))  # uploads per visit per minute
    sio.on("connect", namespace=CHAT_NS)(connect)
    sio.on("disconnect", namespace=CHAT_NS)(disconnect)
    for name, model, handler in EVENTS:
        sio.on(name, namespace=CHAT_NS)(socket_event(model)(handler))
