"""Sockets end when access ends (a deactivated user, a revoked token), and an Engine.IO
connection that never signs in to a namespace is dropped."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import socketio as sio_client
import websocket

from console.core.extensions import socketio
from crm.cases import timeline
from crm.tenancy import users
from tests.production.processes import free_port

ROOT = Path(__file__).resolve().parents[3]
CASELINE = [sys.executable, "-c", "from console.cli import main; main()"]


def test_revoking_a_token_closes_its_sockets_and_no_cookie_socket(
        app, session, agent, token, case, client, login):
    login(agent)
    by_token = socketio.test_client(app, namespace="/agent", auth={"token": token})
    by_cookie = socketio.test_client(app, namespace="/agent", flask_test_client=client)
    assert by_token.emit("case.watch", {"case_id": case.id}, namespace="/agent",
                          callback=True)["ok"]
    users.revoke_tokens(session, agent)
    session.commit()
    assert not by_token.is_connected("/agent")
    assert by_cookie.is_connected("/agent")
    by_cookie.disconnect(namespace="/agent")


def test_deactivating_a_user_closes_every_socket_before_the_next_note(
        app, session, agent, token, case, make_user, client, login):
    login(agent)
    tab = socketio.test_client(app, namespace="/agent", flask_test_client=client)
    api = socketio.test_client(app, namespace="/agent", auth={"token": token})
    for sock in (tab, api):
        assert sock.emit("case.watch", {"case_id": case.id}, namespace="/agent",
                         callback=True)["ok"]
        sock.get_received("/agent")
    users.deactivate(session, agent)
    session.commit()
    assert not tab.is_connected("/agent") and not api.is_connected("/agent")
    writer = make_user("agent")
    timeline.add_note(session, writer, case.id, "after they left")
    session.commit()
    got = tab.get_received("/agent") if tab.is_connected("/agent") else []
    assert not any(e["name"] == "interaction.created" for e in got)


@pytest.fixture
def served(database_url, tmp_path):
    """An embedded `caseline serve` process on this test's database."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CASELINE_", "REDIS_"))}
    env.update(DATABASE_URL=database_url, INSTANCE_PATH=str(tmp_path / "instance"),
               SECRET_KEY="s" * 40, CASELINE_TASKS="thread")
    log = (tmp_path / "serve.log").open("wb")
    proc = subprocess.Popen([*CASELINE, "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            websocket.create_connection(f"ws://127.0.0.1:{port}/socket.io/?EIO=4&transport="
                                        "websocket", timeout=2).close()
            break
        except OSError:
            time.sleep(0.2)
    yield base, env
    proc.terminate()
    proc.wait(10)
    log.close()


def test_a_connection_that_joins_no_namespace_is_dropped_within_seconds(served):
    base, _ = served
    ws = websocket.create_connection(base.replace("http", "ws") +
                                     "/socket.io/?EIO=4&transport=websocket", timeout=15)
    assert ws.recv().startswith("0{")  # Engine.IO's open packet: connected, nobody signed in
    started = time.monotonic()
    with pytest.raises((websocket.WebSocketConnectionClosedException, ConnectionError)):
        while time.monotonic() - started < 15:
            frame = ws.recv()  # pings ("2") are answered so only the gatekeeper can end it
            if frame == "2":
                ws.send("3")
            elif frame == "":
                raise ConnectionError("closed")
    assert time.monotonic() - started < 10


def test_a_user_deactivated_from_another_process_loses_their_socket(served, session,
                                                                     agent, token):
    base, env = served
    sock = sio_client.Client(reconnection=False)
    sock.connect(base, namespaces=["/agent"], auth={"token": token},
                 transports=["websocket"], wait_timeout=10)
    time.sleep(6)  # longer than the gatekeeper gives a stranger: a signed-in socket stays
    assert sock.connected
    done = subprocess.run([*CASELINE, "users", "deactivate", agent.email], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    deadline = time.monotonic() + 5
    while sock.connected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not sock.connected
