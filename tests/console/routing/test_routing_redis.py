"""Two real web processes sharing Redis and one database: one presence, never a double offer."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
import urllib.request

import pytest
import socketio as sio_client
from sqlalchemy import select

from console.app import create_app
from console.core.config import Settings
from console.core.database import session as db_session
from crm.models import Offer
from crm.tenancy import clients as tenancy
from crm.tenancy import users
from tests import voice_support as tw
from tests.console.servers import REDIS, ROOT, wait_up
from tests.production.processes import free_port

# Runs whenever TEST_REDIS_URL is set (.ci/run's second pass, which fails if Redis is down).
pytestmark = pytest.mark.skipif(not REDIS, reason="needs TEST_REDIS_URL")


def _serve(db_url: str, tmp_path, name: str):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "REDIS_URL": REDIS, "CASELINE_TASKS": "thread",
           "INSTANCE_PATH": str(tmp_path / name), "SECRET_KEY": "k" * 40,
           "PUBLIC_BASE_URL": tw.PUBLIC, "TWILIO_AUTH_TOKEN": tw.AUTH_TOKEN,
           "PRESENCE_GRACE_SECONDS": "0.5"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from console.cli import main; main()", "serve", "--port",
         str(port)], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return proc, f"http://127.0.0.1:{port}"


def _board(base: str, token: str) -> dict:
    req = urllib.request.Request(base + "/api/v1/routing/board",
                                 headers={"Authorization": f"Bearer {token}"})
    import json

    with urllib.request.urlopen(req, timeout=10) as resp:
        return {a["user_id"]: a["status"] for a in json.load(resp)["agents"]}


def _call(base: str, call_sid: str, caller: str) -> int:
    path = tw.HOOKS + "/incoming"
    params = tw.incoming(call_sid, caller=caller)
    data = urllib.parse.urlencode(params).encode()
    req = urllib.request.Request(base + path, data=data, headers={
        "X-Twilio-Signature": tw.sign(tw.PUBLIC + path, params)})
    with urllib.request.urlopen(req, timeout=15) as resp:
        return resp.status


def _until(probe, seconds=10.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if probe():
            return True
        time.sleep(0.1)
    return probe()


def test_two_processes_agree_on_presence_and_never_double_offer(shared_db, tmp_path):
    import redis

    redis.Redis.from_url(REDIS).flushdb()  # this test's own Redis database
    settings = Settings(database_url=shared_db, redis_url=REDIS, tasks_mode="eager",
                        instance_path=str(tmp_path / "setup"), secret_key="k" * 40)
    app = create_app(settings)
    with app.app_context():
        s = db_session()
        client = tenancy.default_client(s)
        people = [users.create_user(s, f"p{i}@example.com", f"Agent {i}", ["agent"],
                                    "a long password", [client]) for i in range(2)]
        boss = users.create_user(s, "boss@example.com", "Boss", ["supervisor"],
                                 "a long password", [client])
        tokens = [users.issue_token(s, u) for u in people]
        boss_token = users.issue_token(s, boss)
        ids = [u.id for u in people]
        s.commit()
    from console.core.database import get_db

    get_db(app).engine.dispose()

    servers = [_serve(shared_db, tmp_path, n) for n in ("a", "b")]
    sockets = []
    try:
        for proc, base in servers:
            wait_up(base + "/healthz", proc)
        got = [queue.Queue(), queue.Queue()]
        for i, (_, base) in enumerate(servers):  # agent 0 on process a, agent 1 on b
            sock = sio_client.Client()
            sock.on("offer.created", got[i].put, namespace="/agent")
            sock.connect(base, namespaces=["/agent"], auth={"token": tokens[i]},
                         transports=["polling"], wait_timeout=10)
            assert sock.call("presence.set", {"status": "available"}, namespace="/agent",
                             timeout=10)["ok"]
            sockets.append(sock)
        # Each process sees both agents available (one presence store).
        for _, base in servers:
            assert _board(base, boss_token) == {ids[0]: "available", ids[1]: "available"}

        # Six calls land at once, half on each process.
        calls = [(servers[i % 2][1], "CA" + f"{i:032x}", f"+1415555{i:04d}") for i in range(6)]
        threads = [threading.Thread(target=_call, args=c) for c in calls]
        for t in threads:
            t.start()
        for t in threads:
            t.join(20)
        offers = [[], []]

        def settled():
            for i in (0, 1):
                while not got[i].empty():
                    offers[i].append(got[i].get()["offer_id"])
            return all(offers)

        assert _until(settled)
        time.sleep(0.5)
        settled()
        # Voice capacity 1: exactly one offer each, never the same item to both.
        assert len(offers[0]) == 1 and len(offers[1]) == 1
        assert offers[0][0] != offers[1][0]
        with app.app_context():
            s = db_session()
            rows = s.scalars(select(Offer)).all()
            assert len(rows) == 6
            assert sorted(o.offered_user_id for o in rows if o.offered_user_id) == sorted(ids)
            assert all(len(o.offered_to or []) <= 1 for o in rows)
            s.commit()

        # Agent 0's browser closes on process a: both processes see them go offline.
        sockets[0].disconnect()
        assert _until(lambda: all(_board(base, boss_token)[ids[0]] == "offline"
                                  for _, base in servers))
        assert _board(servers[1][1], boss_token)[ids[1]] == "available"
    finally:
        for sock in sockets:
            if sock.connected:
                sock.disconnect()
        for proc, _ in servers:
            proc.terminate()
        for proc, _ in servers:
            proc.wait(10)
