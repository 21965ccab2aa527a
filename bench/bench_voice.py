"""Screen-pop latency: a signed incoming-call webhook to `offer.created` on an agent's socket,
beside a bare Socket.IO emit from a Flask route to the same client, in one server process."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
import socketio
from twilio.request_validator import RequestValidator

from bench.harness import row
from crm.models import Client
from crm.tenancy import users

N = int(os.environ.get("BENCH_VOICE_CALLS", "500"))
WARMUP = 20
TOKEN = "bench-" + secrets.token_hex(8)
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(env) -> list:
    """Start a real server, connect an available agent, time both paths N times."""
    session = env.session
    agent = users.create_user(session, "bench-agent@example.com", "Bench Agent", ["agent"],
                              "bench-password-123", [session.get(Client, env.client_id)])
    raw = users.issue_token(session, agent, "bench")
    session.commit()
    with serving(env.url, TWILIO_AUTH_TOKEN=TOKEN) as base:
        pop, bare = _measure(base, raw, agent.id)
    rows = [row(f"screen pop: signed incoming call -> offer.created ({N} calls)", pop,
                "bare Socket.IO emit from a Flask route", bare,
                f"{env.dialect}, one server process, websocket")]
    if os.environ.get("BENCH_REDIS_URL"):
        # Production's sockets and presence: emits go through Redis (the Socket.IO message
        # queue) and routing reads agents' presence from it.
        with serving(env.url, TWILIO_AUTH_TOKEN=TOKEN,
                     REDIS_URL=os.environ["BENCH_REDIS_URL"]) as base:
            pop, bare = _measure(base, raw, agent.id, first_call=20_000_000)
        rows.append(row(f"screen pop, Redis message queue and presence ({N} calls)", pop,
                        "bare Socket.IO emit through the same Redis", bare,
                        f"{env.dialect}, one server process, websocket"))
    return rows


@contextmanager
def serving(database_url: str, **settings: str) -> Iterator[str]:
    """A real Caseline server process (bench.voice_server) on a free port; its base URL.

    Embedded mode (no Redis unless settings give REDIS_URL; tasks in threads); always stopped,
    killed if it lingers.
    """
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as instance:
        server_env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
        server_env.update(DATABASE_URL=database_url, CASELINE_TASKS="thread",
                          INSTANCE_PATH=instance, LOG_FORMAT="text", **settings)
        proc = subprocess.Popen([sys.executable, "-m", "bench.voice_server", "--port",
                                 str(port)], cwd=ROOT, env=server_env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_up(base, proc)
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def _wait_up(base: str, proc) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("the bench server exited") from None
            time.sleep(0.2)
    raise RuntimeError("the bench server did not start")


def _measure(base: str, raw: str, user_id: int, first_call: int = 0
             ) -> tuple[list[float], list[float]]:
    arrived = Arrival()
    sio = socketio.Client()
    sio.on("offer.created", arrived.mark, namespace="/agent")
    sio.on("bench.ping", arrived.mark, namespace="/agent")
    sio.connect(base, namespaces=["/agent"], auth={"token": raw}, transports=["websocket"])
    ack = sio.call("presence.set", {"status": "available"}, namespace="/agent")
    assert ack["ok"], ack
    http = requests.Session()
    validator = RequestValidator(TOKEN)
    path = "/webhooks/twilio/voice/incoming"
    hangup = "/webhooks/twilio/voice/queue-result"

    def incoming(n: int) -> float:
        # A CallSid already seen is a redelivery (no new offer): each run has its own.
        params = {"CallSid": f"CA{first_call + n:032x}", "AccountSid": "AC" + "0" * 32,
                  "From": f"+1415555{n % 50:04d}", "To": "+15005550006",
                  "CallStatus": "ringing", "Direction": "inbound", "ApiVersion": "2010-04-01"}
        sig = validator.compute_signature(base + path, params)
        took = _timed(arrived, lambda: http.post(base + path, data=params,
                                                 headers={"X-Twilio-Signature": sig}))
        # The caller hangs up (untimed): routing offers one call at a time to an agent with
        # voice capacity 1, so the next call can only pop once this one has gone.
        gone = {"CallSid": params["CallSid"], "QueueResult": "hangup"}
        http.post(base + hangup, data=gone, headers={
            "X-Twilio-Signature": validator.compute_signature(base + hangup, gone)})
        return took

    def bare(n: int) -> float:
        return _timed(arrived, lambda: http.post(base + "/bench/emit",
                                                 json={"n": n, "user_id": user_id}))

    for n in range(WARMUP):
        incoming(10_000_000 + n)
        bare(n)
    pops, emits = [], []
    for n in range(N):  # interleaved, so both see the same machine load
        pops.append(incoming(n))
        emits.append(bare(n))
    sio.disconnect()
    return pops, emits


class Arrival(threading.Event):
    """When the awaited socket event reached the client (not when the HTTP reply did)."""

    at = 0.0

    def mark(self, _data=None) -> None:
        self.at = time.perf_counter()
        self.set()


def _timed(arrived: Arrival, send) -> float:
    arrived.clear()
    t0 = time.perf_counter()
    resp = send()
    if resp.status_code >= 400:
        raise RuntimeError(f"bench request failed: {resp.status_code} {resp.text[:200]}")
    if not arrived.wait(10):
        raise RuntimeError("the socket event never arrived")
    return (arrived.at - t0) * 1000
