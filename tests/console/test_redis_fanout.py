"""Production topology: an event committed in one process reaches a socket held by another,
through Redis (the Socket.IO message queue)."""

from __future__ import annotations

import os
import queue
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import socketio as sio_client

from console.app import create_app
from console.core.config import Settings
from console.core.database import session as db_session
from crm.cases import timeline
from crm.customers import identity
from crm.tenancy import clients as tenancy
from crm.tenancy import users

REDIS = os.environ.get("TEST_REDIS_URL")
ROOT = Path(__file__).resolve().parents[2]

# Runs whenever TEST_REDIS_URL is set (.ci/run's second pass sets it and fails if Redis is
# unreachable); the SQLite-only pass has no Redis by design.
pytestmark = pytest.mark.skipif(not REDIS, reason="needs TEST_REDIS_URL")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def shared_db(template_db, tmp_path):
    """A SQLite file both processes use (PostgreSQL runs use the test database)."""
    if os.environ.get("TEST_DATABASE_URL"):
        from tests.conftest import _truncate

        _truncate(os.environ["TEST_DATABASE_URL"])
        return os.environ["TEST_DATABASE_URL"]
    path = tmp_path / "shared.db"
    shutil.copy(template_db, path)
    return f"sqlite:///{path}"


def test_a_note_written_by_one_process_reaches_a_socket_on_another(shared_db, tmp_path):
    settings = Settings(database_url=shared_db, redis_url=REDIS, tasks_mode="eager",
                        instance_path=str(tmp_path / "a"), secret_key="k" * 40)
    settings.validate()
    app = create_app(settings)
    with app.app_context():
        s = db_session()
        client = tenancy.default_client(s)
        agent = users.create_user(s, "fanout@example.com", "Fan Out", ["agent"],
                                  "a long password", [client])
        token = users.issue_token(s, agent)
        _, case, _ = identity.find_or_create(s, client.id, "+14155550100")
        s.commit()
        case_id = case.id

    port = _free_port()
    env = {**os.environ, "DATABASE_URL": shared_db, "REDIS_URL": REDIS,
           "CASELINE_TASKS": "thread", "INSTANCE_PATH": str(tmp_path / "b"),
           "SECRET_KEY": "k" * 40}
    server = subprocess.Popen(
        [sys.executable, "-c", "from console.cli import main; main()", "serve", "--port",
         str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait_up(f"http://127.0.0.1:{port}/healthz", server)
        got: queue.Queue = queue.Queue()
        client_sock = sio_client.Client()
        client_sock.on("interaction.created", got.put, namespace="/agent")
        client_sock.connect(f"http://127.0.0.1:{port}", namespaces=["/agent"],
                            auth={"token": token}, transports=["polling"], wait_timeout=10)
        ack = client_sock.call("case.watch", {"case_id": case_id}, namespace="/agent",
                               timeout=10)
        assert ack["ok"] is True

        with app.app_context():
            s = db_session()
            note = timeline.add_note(s, s.get(type(agent), agent.id), case_id, "via Redis")
            s.commit()
        payload = got.get(timeout=10)
        assert payload["id"] == note.id and payload["interaction"]["body"] == "via Redis"
        client_sock.disconnect()
    finally:
        server.terminate()
        server.wait(10)


def _wait_up(url: str, proc) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(proc.stdout.read().decode()) from None
            time.sleep(0.2)
    raise RuntimeError("server did not start")
