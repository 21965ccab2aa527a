"""The production processes as a test starts them: gunicorn web, Celery worker and beat,
each a real `caseline` command, plus Twilio's REST API as an HTTP peer that records."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parents[2]
CASELINE = [sys.executable, "-c", "from console.cli import main; main()"]
ACCOUNT_SID = "AC" + "1" * 32
AUTH_TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC = "https://caseline.example.com"
OUR_NUMBER = "+15005550006"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(database_url: str, redis_url: str, instance: Path, twilio_base: str,
                   **extra: str) -> dict[str, str]:
    """The environment of a production deployment on this machine."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("CASELINE_", "REDIS_", "TWILIO_", "DATABASE_"))}
    env.update(CASELINE_ENV="production", SECRET_KEY="p" * 48, DATABASE_URL=database_url,
               REDIS_URL=redis_url, PUBLIC_BASE_URL=PUBLIC, INSTANCE_PATH=str(instance),
               TWILIO_ACCOUNT_SID=ACCOUNT_SID, TWILIO_AUTH_TOKEN=AUTH_TOKEN,
               TWILIO_PHONE_NUMBER=OUR_NUMBER, TWILIO_API_BASE_URL=twilio_base,
               LOG_FORMAT="text", **extra)
    return env


def caseline(env: dict, *args: str) -> str:
    """Run one `caseline` command to its end; its output."""
    done = subprocess.run([*CASELINE, *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


class Process:
    """A long-running `caseline` command whose output goes to a log file."""

    def __init__(self, name: str, env: dict, args: list[str], logs: Path):
        self.name = name
        self.log = logs / f"{name}.log"
        self._out = self.log.open("wb")
        self.proc = subprocess.Popen([*CASELINE, *args], cwd=ROOT, env=env, stdout=self._out,
                                     stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        """Everything it printed so far."""
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        """True while it runs."""
        return self.proc.poll() is None

    def wait_for(self, pattern: str, timeout: float = 60) -> None:
        """Until its output matches pattern (it must not exit meanwhile)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if re.search(pattern, self.output()):
                return
            if not self.alive():
                raise AssertionError(f"{self.name} exited:\n{self.output()[-4000:]}")
            time.sleep(0.2)
        raise AssertionError(f"{self.name}: no {pattern!r} in:\n{self.output()[-4000:]}")

    def stop(self) -> None:
        """Stop it and every process it started."""
        if self.alive():
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self._out.close()


def wait_ready(base: str, proc: Process, timeout: float = 60) -> None:
    """Until the web process answers /readyz with 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if not proc.alive():
            raise AssertionError(f"{proc.name} exited:\n{proc.output()[-4000:]}")
        time.sleep(0.2)
    raise AssertionError(f"{proc.name} not ready:\n{proc.output()[-4000:]}")


class TwilioPeer:
    """Twilio's Messages API over HTTP: answers like Twilio and records every message."""

    def __init__(self):
        self.messages: list[dict] = []
        self._lock = threading.Lock()
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                data = dict(parse_qsl(self.rfile.read(length).decode()))
                if not self.path.endswith("/Messages.json"):
                    self.send_error(404)
                    return
                with peer._lock:
                    peer.messages.append(data)
                    n = len(peer.messages)
                body = json.dumps({
                    "sid": f"SM{'e' * 8}{n:024x}", "status": "queued", "to": data.get("To"),
                    "from": data.get("From"), "body": data.get("Body"),
                    "account_sid": ACCOUNT_SID, "direction": "outbound-api",
                    "num_segments": "1", "api_version": "2010-04-01"}).encode()
                self.send_response(201)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop answering."""
        self.server.shutdown()
        self.server.server_close()
