"""Sockets that may not stay open: connections that never sign in to a namespace, and
staff sockets whose access has ended (user deactivated, API token or sign-in revoked).

Engine.IO connects before any credential is shown (they come with the Socket.IO namespace
connect), so without this an anonymous client could hold connections forever. Each web
process checks its own sockets every CHECK_EVERY seconds; a revocation made in this process
is applied at once, one made elsewhere (another web process, the CLI) by that check.
"""

from __future__ import annotations

import logging
import time

from flask import Flask

from console.core import database
from console.core.extensions import socketio
from console.realtime import connections
from crm.core import events
from crm.tenancy import sign_ins, users

log = logging.getLogger(__name__)

JOIN_WITHIN = 5.0  # seconds an Engine.IO connection may stay without joining a namespace
CHECK_EVERY = 1.0
NAMESPACES = ("/agent", "/chat")

_first_seen: dict[str, float] = {}
_app: Flask | None = None


def register(app: Flask) -> None:
    """Close a user's sockets as soon as this process ends their access."""
    global _app
    _app = app
    _first_seen.clear()
    events.subscribe(events.ACCESS_ENDED, _on_access_ended)


def start(app: Flask) -> None:
    """Check this app's sockets from a background task (a serving process, not every app)."""
    socketio.start_background_task(_watch, app)


def _watch(app: Flask) -> None:
    while app is _app:  # a newer app (tests build many) replaces this one's watch
        socketio.sleep(CHECK_EVERY)
        try:
            drop_strangers()
            with app.app_context():
                end_revoked()
        except Exception:
            log.exception("socket gatekeeper pass failed")


def drop_strangers(now: float | None = None) -> int:
    """Close Engine.IO connections that joined no namespace in time; how many."""
    server = socketio.server
    if server is None:
        return 0
    now = time.monotonic() if now is None else now
    live = list(server.environ)  # the Engine.IO sessions held by this process
    for gone in _first_seen.keys() - set(live):
        del _first_seen[gone]
    dropped = 0
    for eio_sid in live:
        if now - _first_seen.setdefault(eio_sid, now) < JOIN_WITHIN:
            continue
        if any(server.manager.sid_from_eio_sid(eio_sid, ns) for ns in NAMESPACES):
            continue
        server.eio.disconnect(eio_sid)
        _first_seen.pop(eio_sid, None)
        dropped += 1
    return dropped


def end_revoked() -> int:
    """Close the /agent sockets whose user or token no longer grants access; how many."""
    held = connections.all_held()
    if not held:
        return 0
    session = database.session()
    active, live = users.still_allowed(session, {c.user_id for c in held.values()},
                                       {c.token for c in held.values() if c.token})
    signed_in = sign_ins.live_digests(session, {c.sign_in for c in held.values() if c.sign_in})
    session.commit()
    ended = [sid for sid, c in held.items()
             if c.user_id not in active or (c.token and c.token not in live)
             or (c.sign_in and c.sign_in not in signed_in)]
    for sid in ended:
        socketio.emit(events.SESSION_ENDED, {"reason": "access_ended"}, to=sid,
                      namespace=connections.AGENT_NS)
        socketio.server.disconnect(sid, namespace=connections.AGENT_NS)
    return len(ended)


def _on_access_ended(_name: str, _payload: dict) -> None:
    if _app is not None:
        with _app.app_context():
            end_revoked()
