"""Production topology: an event committed in one process reaches a socket held by another,
through Redis (the Socket.IO message queue)."""

from __future__ import annotations

import os
import queue
import subprocess
import sys

import pytest
import socketio as sio_client

from console.app import create_app
from console.core.config import Settings
from console.core.database import session as db_session
from crm.cases import timeline
from crm.customers import identity
from crm.tenancy import clients as tenancy
from crm.tenancy import users
from tests.console.servers import REDIS, ROOT, wait_up
from tests.production.processes import free_port

# Runs whenever TEST_REDIS_URL is set (.ci/run's second pass sets it and fails if Redis is
# unreachable); the SQLite-only pass has no Redis by design.
pytestmark = pytest.mark.skipif(not REDIS, reason="needs TEST_REDIS_URL")


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

    port = free_port()
    env = {**os.environ, "DATABASE_URL": shared_db, "REDIS_URL": REDIS,
           "CASELINE_TASKS": "thread", "INSTANCE_PATH": str(tmp_path / "b"),
           "SECRET_KEY": "k" * 40}
    server = subprocess.Popen(
        [sys.executable, "-c", "from console.cli import main; main()", "serve", "--port",
         str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_up(f"http://127.0.0.1:{port}/healthz", server)
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
