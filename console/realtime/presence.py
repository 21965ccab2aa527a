"""Who is viewing which case: per-process watcher sets, announced to the case room."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from flask import current_app

from console.extensions import socketio
from console.realtime.rooms import AGENT_NS, case_room
from crm import events

_lock = threading.Lock()


def _all() -> dict[int, dict[str, tuple[int, str]]]:
    # case id -> socket sid -> (user id, name), per app. Sticky sessions keep one agent's
    # socket on one process; with several web processes each announces the viewers it holds.
    return current_app.extensions.setdefault("caseline.presence", {})


def watch(case_id: int, sid: str, user_id: int, name: str) -> None:
    """Record a socket viewing a case and tell the room."""
    with _lock:
        _all().setdefault(case_id, {})[sid] = (user_id, name)
    announce(case_id)


def unwatch(case_id: int, sid: str) -> None:
    """A socket stopped viewing a case."""
    with _lock:
        room = _all().get(case_id, {})
        gone = room.pop(sid, None)
        if not room:
            _all().pop(case_id, None)
    if gone:
        announce(case_id)


def drop(sid: str) -> None:
    """A socket disconnected: it views nothing any more."""
    with _lock:
        cases = [cid for cid, room in _all().items() if sid in room]
    for case_id in cases:
        unwatch(case_id, sid)


def viewers(case_id: int) -> list[dict]:
    """Distinct people viewing a case (an agent with two tabs counts once)."""
    with _lock:
        people = dict(sorted(_all().get(case_id, {}).values()))
    return [{"id": uid, "name": name} for uid, name in people.items()]


def announce(case_id: int) -> None:
    """Send the case's viewers to everyone in its room."""
    socketio.emit(events.CASE_VIEWERS, {"id": case_id, "case_id": case_id,
                                        "viewers": viewers(case_id),
                                        "at": datetime.now(UTC).isoformat()},
                  to=case_room(case_id), namespace=AGENT_NS)
