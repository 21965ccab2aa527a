"""Who is available for calls: an in-process map the routing engine can replace.

An agent is available while they have an /agent socket open on this process and their last
`presence.set` said "available". One web process (embedded mode, or sticky sessions) is
assumed; a shared store belongs to the routing work.
"""

from __future__ import annotations

import threading

from console.realtime import agent

STATUSES = ("available", "busy", "away", "offline")
_status: dict[int, str] = {}
_lock = threading.Lock()


def set_status(user_id: int, status: str) -> None:
    """Record an agent's chosen status."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    with _lock:
        _status[user_id] = status


def status_of(user_id: int) -> str:
    """An agent's status ("offline" with no open socket)."""
    if user_id not in set(agent._connections.values()):
        return "offline"
    return _status.get(user_id, "away")


def available() -> set[int]:
    """Agents connected here whose status is available."""
    connected = set(agent._connections.values())
    with _lock:
        return {uid for uid, s in _status.items() if s == "available" and uid in connected}


def reset() -> None:
    """Forget every status (a new app)."""
    with _lock:
        _status.clear()
