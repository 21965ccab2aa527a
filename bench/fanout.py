"""Fan-out: one board event to 500 connected `/agent` sockets on one server process.

The event is real: a supervisor changes an agent's state through the REST API, and the
`presence.updated` it causes goes to the supervisors room, which every one of the 500
sockets (signed in as supervisors) joined on connect. The baseline, in the same run, is a
bare Socket.IO emit of a payload of the same size to the same room from a Flask route.
All 500 clients live in one asyncio process (python-socketio's AsyncClient); every wait has
a timeout and the server is always stopped, so the bench ends even when something stalls.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import statistics
import time

import aiohttp
import socketio

from bench.bench_voice import serving
from bench.harness import row, skipped
from crm.models import Client
from crm.tenancy import users

SOCKETS = int(os.environ.get("BENCH_FANOUT_SOCKETS", "500"))
ROUNDS = int(os.environ.get("BENCH_FANOUT_ROUNDS", "50"))
WARMUP = 5
CONNECT_BATCH = 25
STEP_TIMEOUT = 20.0  # seconds for one connect batch, one round, one disconnect
TOTAL_TIMEOUT = 600.0
ROOM = "supervisors"


def run(env) -> list:
    """Seed the supervisors, start a real server, time both fan-outs; always stop the server."""
    name = f"fan-out: state change via REST -> presence.updated at {SOCKETS} sockets"
    tokens, boss, target = _seed(env)
    _enough_files(SOCKETS * 2 + 256)
    try:
        with serving(env.url) as base:
            real, bare = asyncio.run(asyncio.wait_for(
                _measure(base, tokens, boss, target), TOTAL_TIMEOUT))
    except (TimeoutError, OSError, RuntimeError, aiohttp.ClientError,
            socketio.exceptions.SocketIOError) as exc:
        return [skipped(name, f"not measured: {type(exc).__name__}: {exc}"[:200])]
    note = (f"{env.dialect}, one server process (threading), {SOCKETS} websocket clients in "
            f"one asyncio process, {ROUNDS} rounds")
    return [
        row(f"{name} (last socket)", real["last"],
            "bare Socket.IO emit to the same room, same payload size (last socket)",
            bare["last"], note),
        row(f"{name} (median socket)", real["median"],
            "bare Socket.IO emit, same (median socket)", bare["median"], note),
    ]


def _seed(env) -> tuple[list[str], str, int]:
    """SOCKETS supervisors with API tokens, one more to act, and the agent whose state changes."""
    session = env.session
    client = session.get(Client, env.client_id)
    tokens = []
    for i in range(SOCKETS):
        u = users.create_user(session, f"fanout{i}@bench.example", f"Supervisor {i}",
                              ["agent", "supervisor"], None, [client])
        tokens.append(users.issue_token(session, u, "bench"))
    acting = users.create_user(session, "fanout-boss@bench.example", "Bench Boss",
                               ["supervisor"], None, [client])
    target = users.create_user(session, "fanout-agent@bench.example", "Bench Agent",
                               ["agent"], None, [client])
    boss = users.issue_token(session, acting, "bench")
    session.commit()
    return tokens, boss, target.id


def _enough_files(n: int) -> None:
    # Each socket is a file descriptor in this process (and a thread in the server).
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < n:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(n, hard), hard))


class Round:
    """Arrival times of one round's event at every socket."""

    def __init__(self, expected: int, n: int):
        self.expected, self.n, self.times, self.done = expected, n, [], asyncio.Event()
        self.size = 0

    def mark(self, data) -> None:
        # Only this round's event: sign-ins announce themselves to the same room.
        if data.get("n") != self.n and data.get("reason") != f"bench round {self.n}":
            return
        self.times.append(time.perf_counter())
        if not self.size:
            self.size = len(json.dumps(data))
        if len(self.times) >= self.expected:
            self.done.set()


async def _measure(base, tokens, boss, target) -> tuple[dict, dict]:
    current: dict[str, Round | None] = {"round": None}
    last_seen = [time.perf_counter()]

    def arrived(data):
        last_seen[0] = time.perf_counter()
        if current["round"] is not None:
            current["round"].mark(data)

    clients = [socketio.AsyncClient(reconnection=False) for _ in tokens]
    for sio in clients:
        sio.on("presence.updated", arrived, namespace="/agent")
        sio.on("bench.ping", arrived, namespace="/agent")
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=STEP_TIMEOUT)) as http:
        try:
            for k in range(0, len(clients), CONNECT_BATCH):
                await asyncio.wait_for(asyncio.gather(*(
                    sio.connect(base, namespaces=["/agent"], auth={"token": tok},
                                transports=["websocket"], wait_timeout=STEP_TIMEOUT)
                    for sio, tok in zip(clients[k:k + CONNECT_BATCH],
                                        tokens[k:k + CONNECT_BATCH], strict=True))),
                    STEP_TIMEOUT)
            # Let the sign-in announcements (one per socket, to the whole room) drain first.
            settle = time.perf_counter() + 120
            while time.perf_counter() - last_seen[0] < 1.0 and time.perf_counter() < settle:
                await asyncio.sleep(0.2)
            size = {"payload": 0}

            async def once(n, send) -> dict:
                r = current["round"] = Round(len(clients), n)
                t0 = time.perf_counter()
                async with send() as resp:
                    if resp.status >= 400:
                        raise RuntimeError(f"bench request failed: {resp.status}")
                await asyncio.wait_for(r.done.wait(), STEP_TIMEOUT)
                current["round"] = None
                size["payload"] = size["payload"] or r.size
                return {"last": (max(r.times) - t0) * 1000,
                        "median": (statistics.median(r.times) - t0) * 1000}

            def real(n):
                return http.post(f"{base}/api/v1/routing/agents/{target}/presence",
                                 json={"status": "away", "reason": f"bench round {n}"},
                                 headers={"Authorization": f"Bearer {boss}"})

            def bare(n):
                # The same bytes on the wire as the real event (measured on the first one).
                return http.post(f"{base}/bench/emit", json={
                    "n": n, "room": ROOM, "pad": max(0, size["payload"] - 60)})

            got = {"real": {"last": [], "median": []}, "bare": {"last": [], "median": []}}
            for n in range(WARMUP + ROUNDS):
                for key, send in (("real", real), ("bare", bare)):  # alternate: same load
                    out = await once(n, lambda send=send, n=n: send(n))
                    if n >= WARMUP:
                        for k, v in out.items():
                            got[key][k].append(v)
            return got["real"], got["bare"]
        finally:
            await asyncio.gather(*(asyncio.wait_for(sio.disconnect(), STEP_TIMEOUT)
                                   for sio in clients if sio.connected),
                                 return_exceptions=True)
