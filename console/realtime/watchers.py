"""Who is viewing which case: watcher sets per case room, announced to the room.

Embedded mode keeps them in the process; with REDIS_URL every web process shares them in
Redis, so agents connected to different processes still see each other.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from console.core import shared_state
from console.core.extensions import socketio
from console.realtime.rooms import AGENT_NS, case_room
from crm.core import events

# A crashed process cannot clean up; its entries fade after this long.
STALE_AFTER_SECONDS = 12 * 3600


class LocalViewers:
    """Watchers of this process only: case id -> socket sid -> (user id, name)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._cases: dict[int, dict[str, tuple[int, str]]] = {}

    def add(self, case_id: int, sid: str, user_id: int, name: str) -> None:
        with self._lock:
            self._cases.setdefault(case_id, {})[sid] = (user_id, name)

    def remove(self, case_id: int, sid: str) -> bool:
        with self._lock:
            room = self._cases.get(case_id, {})
            gone = room.pop(sid, None)
            if not room:
                self._cases.pop(case_id, None)
        return gone is not None

    def cases_of(self, sid: str) -> list[int]:
        with self._lock:
            return [cid for cid, room in self._cases.items() if sid in room]

    def people(self, case_id: int) -> list[tuple[int, str]]:
        with self._lock:
            return list(self._cases.get(case_id, {}).values())


class RedisViewers:
    """Watchers shared by every web process through Redis hashes and sets."""

    def __init__(self, client):
        self._redis = client

    def add(self, case_id: int, sid: str, user_id: int, name: str) -> None:
        pipe = self._redis.pipeline()
        pipe.hset(f"caseline:viewers:{case_id}", sid, f"{user_id}|{name}")
        pipe.expire(f"caseline:viewers:{case_id}", STALE_AFTER_SECONDS)
        pipe.sadd(f"caseline:watching:{sid}", case_id)
        pipe.expire(f"caseline:watching:{sid}", STALE_AFTER_SECONDS)
        pipe.execute()

    def remove(self, case_id: int, sid: str) -> bool:
        pipe = self._redis.pipeline()
        pipe.hdel(f"caseline:viewers:{case_id}", sid)
        pipe.srem(f"caseline:watching:{sid}", case_id)
        return bool(pipe.execute()[0])

    def cases_of(self, sid: str) -> list[int]:
        return [int(c) for c in self._redis.smembers(f"caseline:watching:{sid}")]

    def people(self, case_id: int) -> list[tuple[int, str]]:
        found = []
        for value in self._redis.hvals(f"caseline:viewers:{case_id}"):
            uid, _, name = value.partition("|")
            found.append((int(uid), name))
        return found


def _store() -> LocalViewers | RedisViewers:
    return shared_state.store("case_viewers", LocalViewers, RedisViewers)


def watch(case_id: int, sid: str, user_id: int, name: str) -> None:
    """Record a socket viewing a case and tell the room."""
    _store().add(case_id, sid, user_id, name)
    announce(case_id)


def unwatch(case_id: int, sid: str) -> None:
    """A socket stopped viewing a case."""
    if _store().remove(case_id, sid):
        announce(case_id)


def drop(sid: str) -> None:
    """A socket disconnected: it views nothing any more."""
    for case_id in _store().cases_of(sid):
        unwatch(case_id, sid)


def viewers(case_id: int) -> list[dict]:
    """Distinct people viewing a case (an agent with two tabs counts once), by name."""
    people = dict(_store().people(case_id))
    return sorted(({"id": uid, "name": name} for uid, name in people.items()),
                  key=lambda v: (v["name"], v["id"]))


def announce(case_id: int) -> None:
    """Send the case's viewers to everyone in its room."""
    socketio.emit(events.CASE_VIEWERS, {"id": case_id, "case_id": case_id,
                                        "viewers": viewers(case_id),
                                        "at": datetime.now(UTC).isoformat()},
                  to=case_room(case_id), namespace=AGENT_NS)
