"""The /agent namespace: staff only; rooms per agent, per case, per client's supervisors."""

from __future__ import annotations

from collections.abc import Callable

from flask import request
from flask import session as cookie
from flask_socketio import join_room, leave_room
from pydantic import BaseModel

from channels.payloads import event_payload, refusal
from console.auth.sign_in import (
    LOGIN_ID,
    actor_from_token,
    current_actor,
    token_is_read_only,
    when_signed_out,
)
from console.core import database
from console.core.extensions import socketio
from console.realtime import connections
from console.realtime import watchers as presence
from console.realtime.payloads import CaseRef, NoFields
from console.realtime.rooms import (
    AGENT_NS,
    case_room,
    login_room,
    staff_room,
    supervisors_rooms,
    user_room,
)
from crm.cases import records as cases
from crm.core import events
from crm.core.errors import DomainError
from crm.models import User
from crm.tenancy import sign_ins, users


def connected_actor() -> User | None:
    """The user behind the socket event being handled."""
    user_id = connections.user_of(request.sid)
    return database.session().get(User, user_id) if user_id else None


fail = refusal  # a socket handler's refusal (the shape of the HTTP API's errors)


# What a socket opened with a read-only API token may do: follow cases, change nothing.
READ_ONLY_EVENTS = frozenset({events.CASE_WATCH, events.CASE_UNWATCH})


def agent_event(handler: Callable, model: type[BaseModel] = NoFields,
                name: str | None = None) -> Callable:
    """handler(actor, payload) as a /agent event handler: a socket without a signed-in user
    gets the same refusal from every handler, and arguments that are not one object valid
    for the model an error ack (channels.payloads, as the API checks bodies)."""
    def handle(*args):
        actor = connected_actor()
        if actor is None:
            return fail("unauthorized", "not signed in")
        held = connections.held(request.sid)
        if held is not None and held.read_only and name not in READ_ONLY_EVENTS:
            return fail("forbidden", "this API token is read-only")
        try:
            payload = event_payload(model, args)
        except DomainError as exc:
            return fail(exc.code, exc.message)
        return handler(actor, payload)
    return handle


def register_agent_events(table) -> None:
    """Attach (event name, payload model, handler(actor, payload)) rows to /agent."""
    for name, model, handler in table:
        socketio.on(name, namespace=AGENT_NS)(agent_event(handler, model, name))


# What else a socket opening or closing means, as then(user, sid) and then(user_id, sid):
# routing (presence) sets them, and imports this module, so this one cannot import it.
_on_open: list[Callable[[User, str], None]] = []
_on_close: list[Callable[[int, str], None]] = []


def when_socket_opened(then: Callable[[User, str], None]) -> None:
    """Run `then(user, sid)` when a signed-in socket connects (before it joins its rooms)."""
    if then not in _on_open:
        _on_open.append(then)


def when_socket_closed(then: Callable[[int, str], None]) -> None:
    """Run `then(user_id, sid)` when a signed-in socket goes away."""
    if then not in _on_close:
        _on_close.append(then)


def end_sign_in(login_id: str) -> None:
    """A browser signed out: tell its tabs (any process), and close the sockets held here."""
    room = login_room(login_id)
    socketio.emit(events.SESSION_ENDED, {"reason": "signed_out"}, to=room, namespace=AGENT_NS)
    for sid, _ in list(socketio.server.manager.get_participants(AGENT_NS, room)):
        socketio.server.disconnect(sid, namespace=AGENT_NS)


def _error(exc: DomainError) -> dict:
    return fail(exc.code, exc.message)


def connect(auth=None):
    """A staff socket: a bearer token (as a string) or the sign-in cookie, else refused."""
    token = auth.get("token") if isinstance(auth, dict) else None
    if token is not None and not isinstance(token, str):
        raise ConnectionRefusedError("unauthorized: the token must be a string")
    actor = actor_from_token(token) if token else current_actor()
    if actor is None:
        raise ConnectionRefusedError("unauthorized: sign in or pass {token}")
    login_id = None if token else cookie.get(LOGIN_ID)
    connections.hold(request.sid, actor.id, users.token_digest(token) if token else None,
                     sign_ins.digest(login_id) if login_id else None,
                     read_only=bool(token) and token_is_read_only())
    for then in _on_open:
        then(actor, request.sid)
    join_room(user_room(actor.id))
    if not token and cookie.get(LOGIN_ID):
        join_room(login_room(cookie[LOGIN_ID]))  # signing out in any tab ends this one
    if actor.has_role("supervisor"):
        for room in supervisors_rooms(actor.client_ids):  # their clients' only
            join_room(room)
    for client_id in sorted(set(actor.client_ids)):
        join_room(staff_room(client_id))
    return True


def disconnect(*_args) -> None:
    """A staff socket went: forget it, its case watching, and (routing) its presence."""
    held = connections.forget(request.sid)
    user_id = held.user_id if held else None
    presence.drop(request.sid)
    if user_id is not None:
        for then in _on_close:
            then(user_id, request.sid)


def watch(actor, data: CaseRef):
    """Watch a case the actor may see: its room's emits, and who else is looking."""
    try:
        case = cases.get(database.session(), actor, data.case_id)
    except DomainError as exc:
        return _error(exc)
    database.session().commit()  # the audit row of a sensitive view
    join_room(case_room(case.id))
    presence.watch(case.id, request.sid, actor.id, actor.name)
    return {"ok": True, "case_id": case.id}


def unwatch(_actor, data: CaseRef):
    """Stop watching a case."""
    leave_room(case_room(data.case_id))
    presence.unwatch(data.case_id, request.sid)
    return {"ok": True}


EVENTS = (
    (events.CASE_WATCH, CaseRef, watch),
    (events.CASE_UNWATCH, CaseRef, unwatch),
)


def register_agent_namespace() -> None:
    """Attach the /agent handlers to the Socket.IO server; signing out ends its sockets."""
    socketio.on("connect", namespace=AGENT_NS)(connect)
    socketio.on("disconnect", namespace=AGENT_NS)(disconnect)
    register_agent_events(EVENTS)
    when_signed_out(end_sign_in)
