"""One production web process with in-process tasks (CASELINE_TASKS=thread) under concurrent
webhooks, API reads and writes, replies sent by background tasks and socket events: no
request fails and no database connection is ever used by two workers at once (which
psycopg reports as "prepared statement … already exists" or "EMPTY_QUERY from COMMIT")."""

from __future__ import annotations

import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
import socketio as sio_client

from tests.production.processes import (
    PUBLIC,
    Process,
    caseline,
    free_port,
    production_env,
    signed_sms,
    wait_ready,
)

SECONDS = int(os.environ.get("STRESS_SECONDS", "12"))
SHARED_CONNECTION = re.compile(r"prepared statement|EMPTY_QUERY|another command is already"
                               r"|InterfaceError|Traceback", re.I)


def test_concurrent_work_never_shares_a_connection(services, twilio_peer, tmp_path):
    database_url, redis_url = services
    env = production_env(database_url, redis_url, tmp_path / "instance", twilio_peer.base,
                         CASELINE_TASKS="thread",
                         CASELINE_WORKER_CLASS=os.environ.get("STRESS_WORKER", "gevent"))
    caseline(env, "db", "upgrade")
    tokens = []
    for n in range(4):
        caseline(env, "users", "create", "--email", f"a{n}@example.com", "--name", f"A {n}",
                 "--role", "agent", "--role", "supervisor", "--password", "long password 1")
        tokens.append(caseline(env, "users", "token", f"a{n}@example.com").strip())
    port = free_port()
    web = Process("web", env, ["serve", "--port", str(port)], tmp_path)
    base = f"http://127.0.0.1:{port}"
    stop = threading.Event()
    failures: list[str] = []
    sockets = []
    try:
        wait_ready(base, web)
        for token in tokens:
            sock = sio_client.Client(reconnection=False,
                                     websocket_extra_options={"origin": PUBLIC})
            sock.connect(base, namespaces=["/agent"], auth={"token": token},
                         transports=["websocket"], wait_timeout=10)
            sockets.append(sock)
        case_ids = _seed_cases(base, 6, tokens[0])

        def texts(worker: int) -> None:
            http, n = requests.Session(), 0
            while not stop.is_set():
                n += 1
                sid = f"SM{worker:08x}{n:024x}"
                r = signed_sms(http, base, sid, f"+1415555{worker:02d}{n % 6:02d}")
                if r.status_code != 200:
                    failures.append(f"sms {r.status_code} {r.text[:200]}")

        def reads(worker: int) -> None:
            http = requests.Session()
            http.headers["Authorization"] = f"Bearer {tokens[worker % len(tokens)]}"
            n = 0
            while not stop.is_set():
                n += 1
                case_id = case_ids[n % len(case_ids)]
                for path in (f"/api/v1/cases/{case_id}/timeline?limit=20",
                             f"/api/v1/cases/{case_id}", "/api/v1/customers?q=%2B1415",
                             "/api/v1/routing/board", "/api/v1/worklist"):
                    r = http.get(base + path, timeout=20)
                    if r.status_code >= 500:
                        failures.append(f"GET {path} {r.status_code}")
                r = http.post(f"{base}/api/v1/cases/{case_id}/notes",
                              json={"body": f"note {n}"}, timeout=20)
                if r.status_code >= 500:
                    failures.append(f"note {r.status_code}")
                r = http.post(f"{base}/api/v1/cases/{case_id}/messages",
                              json={"medium": "sms", "body": f"reply {n}"}, timeout=20)
                if r.status_code >= 500:
                    failures.append(f"reply {r.status_code} {r.text[:200]}")

        def socket_events(worker: int) -> None:
            sock, n = sockets[worker], 0
            while not stop.is_set():
                n += 1
                status = ("available", "away")[n % 2]
                for name, data in (("presence.set", {"status": status}),
                                   ("case.watch", {"case_id": case_ids[n % len(case_ids)]}),
                                   ("offer.pending", {})):
                    ack = sock.call(name, data, namespace="/agent", timeout=20)
                    if not isinstance(ack, dict) or ack.get("error", {}).get("code") == \
                            "internal":
                        failures.append(f"{name} {ack}")

        with ThreadPoolExecutor(max_workers=12) as pool:
            futures = [pool.submit(fn, i) for fn, count in
                       ((texts, 4), (reads, 4), (socket_events, 4)) for i in range(count)]
            time.sleep(SECONDS)
            stop.set()
            for future in futures:
                future.result(timeout=60)
        assert not failures, failures[:10]
        assert twilio_peer.messages, "no reply was sent by the background tasks"
    finally:
        stop.set()
        for sock in sockets:
            sock.disconnect()
        web.stop()
    bad = [line for line in web.output().splitlines() if SHARED_CONNECTION.search(line)]
    assert not bad, "\n".join(bad[:20])


def _seed_cases(base: str, n: int, token: str) -> list[int]:
    """n customers texting in; their case ids."""
    http = requests.Session()
    ids = []
    for i in range(n):
        phone = f"+14155559{i:03d}"
        r = signed_sms(http, base, f"SM{'f' * 24}{i:08x}", phone)
        assert r.status_code == 200, r.text
        hits = http.get(f"{base}/api/v1/customers", params={"q": phone}, timeout=20,
                        headers={"Authorization": f"Bearer {token}"}).json()["items"]
        ids.append(hits[0]["case_id"])
    return ids
