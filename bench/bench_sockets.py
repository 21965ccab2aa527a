"""Socket capacity of one production web process (gunicorn, `caseline serve`): /healthz and
a signed-in API read while 2,000 agent sockets and 400 anonymous ones are open, beside the
same reads with no sockets. Also the old serving model (gthread, 100 threads) under a
fraction of that load, which is why production runs gevent."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager

import aiohttp
import requests

from bench.harness import row
from crm.models import Client, User
from crm.tenancy import users

AGENTS = int(os.environ.get("BENCH_SOCKET_AGENTS", "2000"))
STRANGERS = int(os.environ.get("BENCH_SOCKET_STRANGERS", "400"))
READS = int(os.environ.get("BENCH_SOCKET_READS", "500"))
PUBLIC = "https://caseline.example.com"
TIMEOUT = 5.0  # a read slower than this counts as failed (the gthread server starves)


def run(env) -> list:
    """Both serving models on this database; one row per figure."""
    tokens = _agents(env, AGENTS)
    rows = []
    with _server(env.url, "gevent") as base:
        quiet = _reads(base, tokens[0])
        with _sockets(base, tokens, STRANGERS) as held:
            busy = _reads(base, tokens[0])
            note = f"{held()} sockets held; {env.dialect}; gevent"
        for path in ("/healthz", "/api/v1/me"):
            rows.append(row(f"{path} with {AGENTS} agent + {STRANGERS} anonymous sockets",
                            busy[path][0], f"{path}, no sockets", quiet[path][0],
                            f"{note}; failed {busy[path][1]}/{READS}"))
    few, n = 150, 10  # past the 100 threads: enough to show the starvation, quick to run
    with _server(env.url, "gthread") as base:
        quiet = _reads(base, tokens[0], n=n)
        with _sockets(base, tokens[:few], 0, settle=20) as held:
            busy = _reads(base, tokens[0], n=n, timeout=2.0)
            note = f"{held()} sockets held; {env.dialect}; gthread, 100 threads"
        rows.append(row(f"/healthz with {few} agent sockets (old model)", busy["/healthz"][0],
                        "/healthz, no sockets", quiet["/healthz"][0],
                        f"{note}; failed {busy['/healthz'][1]}/{n} (2 s timeout)"))
    return rows


def _agents(env, n: int) -> list[str]:
    session = env.session
    client = session.get(Client, env.client_id)
    password = users.hash_password("bench-password-123")
    people = [User(email=f"socket-{i}@example.com", name=f"Agent {i}", roles=["agent"],
                   password_hash=password, clients=[client]) for i in range(n)]
    session.add_all(people)
    session.flush()
    tokens = [users.issue_token(session, person, "bench") for person in people]
    session.commit()
    return tokens


@contextmanager
def _server(database_url: str, worker_class: str):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as instance:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CASELINE_", "REDIS"))}
        env.update(CASELINE_ENV="production", SECRET_KEY="b" * 48, DATABASE_URL=database_url,
                   PUBLIC_BASE_URL=PUBLIC, INSTANCE_PATH=instance, LOG_FORMAT="text",
                   CASELINE_TASKS="thread", CASELINE_WORKER_CLASS=worker_class)
        proc = subprocess.Popen([sys.executable, "-c", "from console.cli import main; main()",
                                 "serve", "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if requests.get(base + "/healthz", timeout=1).ok:
                        break
                except requests.RequestException:
                    time.sleep(0.2)
            yield base
        finally:
            os.killpg(proc.pid, signal.SIGTERM)  # gunicorn's master and its worker
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)


def _reads(base: str, token: str, n: int = READS,
           timeout: float = TIMEOUT) -> dict[str, tuple[list[float], int]]:
    """Time GET /healthz and GET /api/v1/me alternately; (durations ms, failures) each."""
    http = requests.Session()
    auth = {"Authorization": f"Bearer {token}"}
    out: dict[str, tuple[list[float], int]] = {}
    for path, headers in (("/healthz", {}), ("/api/v1/me", auth)):
        times, failed = [], 0
        for _ in range(n):
            t0 = time.perf_counter()
            try:
                ok = http.get(base + path, headers=headers, timeout=timeout).status_code == 200
            except requests.RequestException:
                ok = False
            times.append((time.perf_counter() - t0) * 1000)
            failed += not ok
        out[path] = (times, failed)
    return out


@contextmanager
def _sockets(base: str, tokens: list[str], strangers: int, settle: float = 120):
    """Hold an agent socket per token and `strangers` anonymous ones (reopened whenever the
    server drops them, as an attacker would) on an event loop in a thread."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    joined: list[int] = [0]
    ready = threading.Event()

    async def agent(http, token):
        async with http.ws_connect(_ws_url(base), origin=PUBLIC, autoping=False) as ws:
            await ws.receive()  # Engine.IO open
            await ws.send_str("40/agent," + json.dumps({"token": token}))
            reply = await ws.receive()
            if reply.type == aiohttp.WSMsgType.TEXT and reply.data.startswith("40/agent,"):
                joined[0] += 1
            await _idle(ws, stop)
            joined[0] -= 1

    async def stranger(http):
        while not stop.is_set():
            try:
                async with http.ws_connect(_ws_url(base), origin=PUBLIC,
                                           autoping=False) as ws:
                    await _idle(ws, stop)
            except aiohttp.ClientError:
                await asyncio.sleep(0.5)

    async def main():
        conn = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=conn) as http:
            tasks = []
            for i, token in enumerate(tokens):
                tasks.append(asyncio.ensure_future(agent(http, token)))
                if i % 50 == 49:
                    await asyncio.sleep(0.05)  # a morning shift signing in, not one burst
            tasks += [asyncio.ensure_future(stranger(http)) for _ in range(strangers)]
            deadline = time.monotonic() + settle
            while joined[0] < len(tokens) and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            ready.set()
            await stop.wait()
            await asyncio.gather(*tasks, return_exceptions=True)

    thread = threading.Thread(target=loop.run_until_complete, args=(main(),), daemon=True)
    thread.start()
    ready.wait(settle + 30)
    time.sleep(2)  # let the sign-in burst settle
    try:
        yield lambda: joined[0]
    finally:
        loop.call_soon_threadsafe(stop.set)
        thread.join(30)


async def _idle(ws, stop) -> None:
    # Answer Engine.IO pings ("2" -> "3") until told to stop or the server closes.
    while not stop.is_set():
        try:
            msg = await asyncio.wait_for(ws.receive(), timeout=0.5)
        except TimeoutError:
            continue
        if msg.type != aiohttp.WSMsgType.TEXT:
            return
        if msg.data == "2":
            await ws.send_str("3")


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ws_url(base: str) -> str:
    return base.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
