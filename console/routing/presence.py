"""Agent presence: available, busy, wrap-up, away (reason), offline; one interface, two stores.

With REDIS_URL every web process reads and writes one Redis hash (so they all agree);
embedded mode keeps it in the process. Each agent's record holds their routing snapshot
(skills, languages, capacity), so routing never queries users.
"""

from __future__ import annotations

import json
import threading
import time

from console.core import shared_state
from crm.core.errors import Conflict
from crm.routing.router import Agent

STATUSES = ("available", "busy", "wrap-up", "away", "offline")
_KEY = "caseline:presence"
_SOCKETS = "caseline:presence:sockets:"


class LocalPresence:
    """This process's agents: user id -> record, and their open socket ids."""

    def __init__(self):
        self._lock = threading.Lock()
        self._records: dict[int, dict] = {}
        self._sockets: dict[int, set[str]] = {}

    def get(self, user_id: int) -> dict | None:
        with self._lock:
            rec = self._records.get(user_id)
            return dict(rec) if rec else None

    def put(self, user_id: int, record: dict) -> None:
        with self._lock:
            self._records[user_id] = dict(record)

    def all(self) -> dict[int, dict]:
        with self._lock:
            return {uid: dict(r) for uid, r in self._records.items()}

    def connect(self, user_id: int, sid: str) -> None:
        with self._lock:
            self._sockets.setdefault(user_id, set()).add(sid)

    def disconnect(self, user_id: int, sid: str) -> int:
        with self._lock:
            socks = self._sockets.get(user_id, set())
            socks.discard(sid)
            return len(socks)

    def sockets(self, user_id: int) -> int:
        with self._lock:
            return len(self._sockets.get(user_id, ()))

    def all_and_connected(self) -> tuple[dict[int, dict], set[int]]:
        """Every record, and the agents with a socket open."""
        with self._lock:
            return ({uid: dict(r) for uid, r in self._records.items()},
                    {uid for uid, s in self._sockets.items() if s})

    def clear(self) -> None:
        with self._lock:
            self._records.clear()
            self._sockets.clear()


class RedisPresence:
    """Every web process's agents, in one Redis hash plus a socket set per agent."""

    def __init__(self, client):
        self._redis = client

    def get(self, user_id: int) -> dict | None:
        raw = self._redis.hget(_KEY, str(user_id))
        return json.loads(raw) if raw else None

    def put(self, user_id: int, record: dict) -> None:
        self._redis.hset(_KEY, str(user_id), json.dumps(record))

    def all(self) -> dict[int, dict]:
        return {int(k): json.loads(v) for k, v in self._redis.hgetall(_KEY).items()}

    def connect(self, user_id: int, sid: str) -> None:
        self._redis.sadd(_SOCKETS + str(user_id), sid)

    def disconnect(self, user_id: int, sid: str) -> int:
        pipe = self._redis.pipeline()
        pipe.srem(_SOCKETS + str(user_id), sid)
        pipe.scard(_SOCKETS + str(user_id))
        return int(pipe.execute()[1])

    def sockets(self, user_id: int) -> int:
        return int(self._redis.scard(_SOCKETS + str(user_id)))

    def all_and_connected(self) -> tuple[dict[int, dict], set[int]]:
        """Every record, and the agents with a socket open (in any process): two round trips
        (routing asks on every call)."""
        records = self.all()
        if not records:
            return records, set()
        pipe = self._redis.pipeline(transaction=False)
        for uid in records:
            pipe.scard(_SOCKETS + str(uid))
        return records, {uid for uid, n in zip(records, pipe.execute(), strict=True) if n}

    def clear(self) -> None:
        keys = [_KEY, *self._redis.scan_iter(_SOCKETS + "*")]
        self._redis.delete(*keys)


def store() -> LocalPresence | RedisPresence:
    """The app's presence store (Redis when configured)."""
    return shared_state.store("agent_presence", LocalPresence, RedisPresence)


def _snapshot(user) -> dict:
    return {"client_ids": sorted(user.client_ids), "skills": dict(user.skills or {}),
            "languages": list(user.languages or ()), "capacity": dict(user.capacity or {}),
            "roles": list(user.roles or ()), "active": bool(user.active), "name": user.name}


def set_status(user, status: str, reason: str | None = None) -> dict:
    """Record an agent's status (by them or the system) with a fresh snapshot of the agent."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}")
    old = store().get(user.id) or {}
    record = {**_snapshot(user), "status": status, "reason": reason if status == "away" else None,
              "since": old.get("since") if old.get("status") == status else time.time(),
              "work": old.get("work")}
    store().put(user.id, record)
    return record


def restore(user_id: int, status: str, reason: str | None = None) -> None:
    """Set the status of an agent already known (the system: busy, wrap-up, offline)."""
    rec = store().get(user_id)
    if rec is not None and status in STATUSES:
        if rec.get("status") != status:
            rec["since"] = time.time()
        rec["status"], rec["reason"] = status, reason
        store().put(user_id, rec)


def connect(user, sid: str) -> None:
    """A socket of this agent opened (an agent with no status yet is away until they choose)."""
    store().connect(user.id, sid)
    rec = store().get(user.id)
    if rec is None or rec.get("status") == "offline":
        set_status(user, "away", "signed in")


def disconnect(user_id: int, sid: str) -> int:
    """A socket closed; returns how many the agent still has open (in any process)."""
    return store().disconnect(user_id, sid)


def record(user_id: int) -> dict | None:
    """An agent's presence record."""
    return store().get(user_id)


def require_reachable(user, *, call: bool) -> None:
    """Work handed to someone by hand (a transfer, a supervisor's re-assign) needs them signed
    in; a call also needs them off any other call (their phone takes one at a time)."""
    status = status_of(user.id)
    if status == "offline":
        raise Conflict(f"{user.name} is offline and cannot take it", code="agent_offline")
    if call and status == "busy":
        raise Conflict(f"{user.name} is on another call", code="agent_busy")


def status_of(user_id: int) -> str:
    """An agent's status ("offline" when never seen)."""
    rec = store().get(user_id)
    return rec["status"] if rec else "offline"


def agents() -> list[Agent]:
    """Every known agent as a routing snapshot (connected: has a socket open somewhere)."""
    records, live = store().all_and_connected()
    return [Agent(uid, frozenset(r["client_ids"]), r["skills"], tuple(r["languages"]),
                  r["capacity"], tuple(r["roles"]), r["active"], r["status"], r["since"],
                  uid in live) for uid, r in records.items()]


def profiles(user_ids) -> list[Agent]:
    """The snapshots of these agents (those who have a record)."""
    wanted = set(user_ids)
    return [a for a in agents() if a.id in wanted]


def available() -> set[int]:
    """Agents connected somewhere whose status is available."""
    return {a.id for a in agents() if a.status == "available" and a.connected}


def reset() -> None:
    """Forget every status (a new app)."""
    store().clear()
