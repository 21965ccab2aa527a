"""`caseline serve` (gunicorn), `caseline worker` and `caseline beat`, started as an operator
starts them, on PostgreSQL + Redis: sign-in, a signed inbound text reaching an agent socket
on the other web process, a reply sent by the worker exactly once, and a case file the worker
builds."""

from __future__ import annotations

import io
import queue
import re
import shelve
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import requests
import socketio as sio_client
from celery import Celery
from pypdf import PdfReader
from sqlalchemy import text

from crm.core.db import make_engine
from tests.production.processes import (
    PUBLIC,
    Process,
    caseline,
    free_port,
    production_env,
    signed_sms,
    wait_ready,
)
from tests.zones import number_where_it_is

PASSWORD = "a long enough password"


def _sign_in(base: str, email: str) -> requests.Session:
    web = requests.Session()
    page = web.get(f"{base}/login", timeout=10)
    assert page.status_code == 200
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    # The session cookie is Secure in production; nginx terminates TLS, so over plain HTTP
    # to the process it is carried by hand.
    cookie = page.cookies.get("session")
    resp = web.post(f"{base}/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": csrf},
                    headers={"Cookie": f"session={cookie}"}, allow_redirects=False, timeout=10)
    assert resp.status_code == 302, resp.text
    web.headers["Cookie"] = f"session={resp.cookies['session']}"
    return web


def test_the_production_processes_serve_route_and_send_once(services, twilio_peer, tmp_path):
    database_url, redis_url = services
    # An instance folder that does not exist yet: beat and the web processes make it.
    env = production_env(database_url, redis_url, tmp_path / "instance" / "new",
                         twilio_peer.base)
    assert "up to date" in caseline(env, "db", "upgrade")
    caseline(env, "users", "create", "--email", "ada@example.com", "--name", "Ada Agent",
             "--role", "agent", "--password", PASSWORD)
    token = caseline(env, "users", "token", "ada@example.com").strip()
    caseline(env, "users", "create", "--email", "sam@example.com", "--name", "Sam Supervisor",
             "--role", "supervisor", "--password", PASSWORD)
    boss = {"Authorization": f"Bearer {caseline(env, 'users', 'token', 'sam@example.com').strip()}"}

    ports = free_port(), free_port()
    logs = tmp_path
    procs = [Process("web-a", env, ["serve", "--port", str(ports[0])], logs),
             Process("web-b", env, ["serve", "--port", str(ports[1])], logs),
             Process("worker", env, ["worker", "--concurrency", "2"], logs),
             Process("beat", env, ["beat"], logs)]
    web_a, web_b = (f"http://127.0.0.1:{p}" for p in ports)
    # The browser's Origin behind nginx is the public URL (others are refused).
    sock = sio_client.Client(reconnection=False, websocket_extra_options={"origin": PUBLIC})
    try:
        wait_ready(web_a, procs[0])
        wait_ready(web_b, procs[1])
        procs[2].wait_for(r"ready\.")
        procs[3].wait_for(r"beat: Starting")

        browser = _sign_in(web_a, "ada@example.com")
        assert browser.get(f"{web_a}/", timeout=10).status_code == 200
        me = browser.get(f"{web_b}/api/v1/me", timeout=10)
        assert me.status_code == 200 and me.json()["email"] == "ada@example.com"

        offers: queue.Queue = queue.Queue()
        sock.on("offer.created", offers.put, namespace="/agent")
        sock.connect(web_b, namespaces=["/agent"], auth={"token": token},
                     transports=["websocket"], wait_timeout=10)
        ack = sock.call("presence.set", {"status": "available"}, namespace="/agent",
                        timeout=10)
        assert ack["ok"] is True, ack

        resp = signed_sms(requests, web_a, "SM" + "a" * 32, "+14155550123", "My claim number is 42")
        assert resp.status_code == 200, resp.text
        pop = offers.get(timeout=15)  # routed by web-a, delivered through Redis by web-b
        case_id = pop["case"]["id"]

        sent = requests.post(f"{web_b}/api/v1/cases/{case_id}/messages",
                             json={"medium": "sms", "body": "We have it, thank you."},
                             headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert sent.status_code == 202, sent.text
        deadline = time.monotonic() + 30
        while not twilio_peer.messages and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(3)  # a second send, if any, would come by now (the sweeper runs too)
        assert [m["Body"] for m in twilio_peer.messages] == ["We have it, thank you."]
        assert twilio_peer.messages[0]["To"] == "+14155550123"

        timeline = requests.get(f"{web_a}/api/v1/cases/{case_id}/timeline",
                                headers={"Authorization": f"Bearer {token}"}, timeout=10)
        reply = next(i for i in timeline.json()["items"] if i["direction"] == "outbound")
        assert reply["status"] in ("accepted", "sent", "delivered")  # Twilio took it

        # The case file is built by the worker and downloaded from the other web process.
        asked = requests.post(f"{web_a}/api/v1/cases/{case_id}/exports", json={"format": "zip"},
                              headers=boss, timeout=10)
        assert asked.status_code == 202, asked.text
        deadline = time.monotonic() + 60
        while (export := requests.get(f"{web_b}/api/v1/exports/{asked.json()['id']}",
                                      headers=boss, timeout=10).json())["status"] != "done":
            assert export["status"] != "failed" and time.monotonic() < deadline, export
            time.sleep(0.3)
        got = requests.get(web_b + export["download_url"], headers=boss, timeout=10)
        assert got.status_code == 200 and got.headers["X-Content-Type-Options"] == "nosniff"
        archive = zipfile.ZipFile(io.BytesIO(got.content))
        pdf = next(n for n in archive.namelist() if n.endswith(".pdf"))
        assert "My claim number is 42" in " ".join(
            page.extract_text() for page in PdfReader(io.BytesIO(archive.read(pdf))).pages)

        assert all(p.alive() for p in procs), [p.output()[-2000:] for p in procs]
        assert (tmp_path / "instance" / "new" / "celerybeat-schedule").exists() or any(
            (tmp_path / "instance" / "new").glob("celerybeat-schedule*"))
    finally:
        if sock.connected:
            sock.disconnect()
        for proc in procs:
            proc.stop()
    for proc in procs:
        assert "Traceback" not in proc.output(), proc.output()[-4000:]


def _portfolio() -> str:
    # Pia lives (and her phone rings) where it is daytime now: the collections worklist lists
    # only accounts the contact rules allow at this hour, whenever CI runs.
    phone, zone = number_where_it_is(day=True)
    return (
        "external_ref,name,phone,email,time_zone,account_number,creditor,original_balance,"
        "balance,currency,charge_off_date,delinquent_since\n"
        f"P-1,Pia Payer,{phone},pia@example.com,{zone},ACC-P1,Acme Bank,900.00,"
        "750.00,USD,2025-01-31,2024-10-01\n"
        "P-2,Bo Broken,+14155550171,bo@example.com,America/Chicago,ACC-P2,Acme Bank,1200.00,"
        "not money,USD,2025-01-31,2024-10-01\n"
    )


def test_the_worker_imports_a_portfolio_and_breaks_an_overdue_promise(services, twilio_peer,
                                                                     tmp_path):
    database_url, redis_url = services
    env = production_env(database_url, redis_url, tmp_path / "instance", twilio_peer.base)
    caseline(env, "db", "upgrade")
    caseline(env, "users", "create", "--email", "cora@example.com", "--name", "Cora Manager",
             "--role", "supervisor", "--password", PASSWORD)
    auth = {"Authorization": "Bearer " + caseline(env, "users", "token",
                                                  "cora@example.com").strip()}
    port = free_port()
    procs = [Process("web", env, ["serve", "--port", str(port)], tmp_path),
             Process("worker", env, ["worker", "--concurrency", "2"], tmp_path),
             Process("beat", env, ["beat"], tmp_path)]
    web = f"http://127.0.0.1:{port}"
    try:
        wait_ready(web, procs[0])
        procs[1].wait_for(r"ready\.")
        procs[2].wait_for(r"beat: Starting")

        # The upload is answered at once; the worker process does the rows.
        made = requests.post(f"{web}/api/v1/imports", headers=auth, data={"kind": "debts"},
                             files={"file": ("portfolio.csv", _portfolio())}, timeout=10)
        assert made.status_code == 202, made.text
        run = _until(lambda: requests.get(f"{web}/api/v1/imports/{made.json()['id']}",
                                          headers=auth, timeout=10).json(),
                     lambda body: body["status"] in ("done", "failed"))
        assert (run["status"], run["accepted"], run["rejected"]) == ("done", 1, 1), run
        rejects = requests.get(f"{web}/api/v1/imports/{made.json()['id']}/rejects.csv",
                               headers=auth, timeout=10)
        assert "P-2" in rejects.text and "balance" in rejects.text.lower()

        debt = requests.get(f"{web}/api/v1/worklists/collections", headers=auth,
                            timeout=10).json()["items"][0]
        debt_id = debt.get("debt_id") or debt["id"]
        promised = requests.post(f"{web}/api/v1/debts/{debt_id}/promises", headers=auth,
                                 json={"amount_cents": 10_000, "due_on": _today()}, timeout=10)
        assert promised.status_code == 201, promised.text
        # Time passes: the promise fell due a week ago and nothing was paid.
        _backdate_promise(database_url, promised.json()["id"], days=7)

        # Beat schedules the sweep every 15 minutes; the worker runs it when it is sent.
        assert "caseline.break_overdue_promises" in _beat_schedule(tmp_path / "instance")
        Celery(broker=redis_url).send_task("caseline.break_overdue_promises")
        promises = _until(lambda: requests.get(f"{web}/api/v1/debts/{debt_id}/promises",
                                               headers=auth, timeout=10).json()["items"],
                          lambda items: items and items[0]["status"] != "open")
        assert promises[0]["status"] == "broken"
        assert all(p.alive() for p in procs), [p.output()[-2000:] for p in procs]
    finally:
        for proc in procs:
            proc.stop()
    for proc in procs:
        assert "Traceback" not in proc.output(), proc.output()[-4000:]


def _until(read, done, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


def _today() -> str:
    return datetime.now(UTC).date().isoformat()


def _backdate_promise(database_url: str, promise_id: int, days: int) -> None:
    engine = make_engine(database_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE promises SET due_on = due_on - :days WHERE id = :id"),
                     {"days": days, "id": promise_id})
    engine.dispose()


def _beat_schedule(instance: Path) -> set[str]:
    files = list(instance.glob("celerybeat-schedule*"))
    assert files, "beat wrote no schedule"
    # The file beat itself wrote in this test (shelve reads pickles: never an untrusted one).
    with shelve.open(str(instance / "celerybeat-schedule"), flag="r") as store:  # noqa: S301
        return set(store["entries"])
