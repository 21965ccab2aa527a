"""Who is available for calls: an in-process map the routing engine can replace.

An agent is available while they have an /agent socket open on this process and their last
`presence.set` said "available". One web process (embedded mode, or sticky sessions) is
assumed; a shared store belongs to the routing work.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from console.realtime import agent

STATUSES = ("available", "busy", "away", "offline")
_status: dict[int, str] = {}
_profiles: dict[int, Profile] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Profile:
    """What offering needs to know of an agent, kept so a screen pop needs no user query."""

    id: int
    client_ids: frozenset[int]
    skills: dict
    roles: tuple[str, ...]
    active: bool = True

    @classmethod
    def of(cls, user) -> Profile:
        """A snapshot of a user (taken when they set their status)."""
        return cls(user.id, frozenset(user.client_ids), dict(user.skills or {}),
                   tuple(user.roles or ()), user.active)

    def has_role(self, *roles: str) -> bool:
        """As User.has_role: admin holds every role."""
        return "admin" in self.roles or any(r in self.roles for r in roles)


def set_status(user, status: str) -> None:
    """Record an agent's chosen status (and a snapshot of what they may take)."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    with _lock:
        _status[user.id] = status
        _profiles[user.id] = Profile.of(user)


def restore(user_id: int, status: str) -> None:
    """Set the status of an agent who already set one (their snapshot is kept)."""
    with _lock:
        if user_id in _profiles:
            _status[user_id] = status


def profiles(user_ids) -> list[Profile]:
    """The snapshots of these agents (those who set a status)."""
    with _lock:
        return [_profiles[uid] for uid in user_ids if uid in _profiles]


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
        _profiles.clear()
