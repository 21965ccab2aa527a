"""Signed inbound-SMS webhooks per second through the full path (verify, resolve, store, emit),
beside a bare Flask endpoint returning the same empty TwiML: same server, same client, same run.
"""

from __future__ import annotations

import itertools
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import requests
from flask import Flask, Response
from twilio.request_validator import RequestValidator
from werkzeug.serving import make_server

from bench.harness import row

TOKEN = "bench-auth-token"
PATH = "/webhooks/twilio/messaging/incoming"
REQUESTS = 1500
ROUNDS = 5  # bare and full take turns, so both see the same machine load
CONCURRENCY = 8
SENDERS = 300  # a mix of first contacts and returning customers
EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(app, port):
    # The same server settings for both: Werkzeug, one thread per request.
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _bare_app() -> Flask:
    app = Flask("bare")

    @app.post(PATH)
    def incoming():
        return Response(EMPTY, mimetype="text/xml")

    return app


def _full_app(url: str, base: str):
    from console.app import create_app
    from console.core.config import Settings

    settings = Settings(database_url=url, instance_path=tempfile.mkdtemp(prefix="bench-"),
                        secret_key="bench-" + "k" * 40, tasks_mode="thread",
                        public_base_url=base, twilio_auth_token=TOKEN,
                        twilio_account_sid="AC" + "0" * 32)
    settings.validate()
    return create_app(settings)


def _fire(base: str, prefix: str, n: int, first: int = 0) -> tuple[list[float], float]:
    """n signed webhooks from CONCURRENCY clients, numbered from first; (latencies ms, seconds).
    """
    validator = RequestValidator(TOKEN)
    counter = itertools.count(first)
    local = threading.local()

    def one(_):
        k = next(counter)
        params = {"MessageSid": f"SM{ord(prefix):02x}{k:030d}", "AccountSid": "AC" + "0" * 32,
                  "From": f"+1415{k % SENDERS:07d}", "To": "+15005550006",
                  "Body": f"bench message {k}", "NumMedia": "0", "NumSegments": "1",
                  "SmsStatus": "received", "ApiVersion": "2010-04-01"}
        sig = validator.compute_signature(base + PATH, params)
        http = getattr(local, "http", None) or requests.Session()
        local.http = http
        t0 = time.perf_counter()
        resp = http.post(base + PATH, data=params, headers={"X-Twilio-Signature": sig})
        took = (time.perf_counter() - t0) * 1000
        assert resp.status_code == 200, resp.text
        return took

    start = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        samples = list(pool.map(one, range(n)))
    return samples, time.perf_counter() - start


def run(env) -> list:
    """Both endpoints under the same load; the ratio of throughputs is the figure."""
    env.session.close()
    full_port, bare_port = _port(), _port()
    full_base, bare_base = f"http://127.0.0.1:{full_port}", f"http://127.0.0.1:{bare_port}"
    full = _serve(_full_app(env.url, full_base), full_port)
    bare = _serve(_bare_app(), bare_port)
    try:
        _fire(full_base, "w", 100)  # warm up both
        _fire(bare_base, "w", 100)
        samples, base_samples, took, base_took = [], [], 0.0, 0.0
        per_round = REQUESTS // ROUNDS
        for r in range(ROUNDS):
            got, seconds = _fire(bare_base, "b", per_round, r * per_round)
            base_samples += got
            base_took += seconds
            got, seconds = _fire(full_base, "f", per_round, r * per_round)
            samples += got
            took += seconds
        rps, base_rps = len(samples) / took, len(base_samples) / base_took
    finally:
        full.shutdown()
        bare.shutdown()
    return [row(f"inbound SMS webhook, {REQUESTS} signed, {CONCURRENCY} clients",
                samples, "bare Flask empty TwiML", base_samples,
                f"{env.dialect}: {rps:.0f} req/s vs {base_rps:.0f} req/s "
                f"({rps / base_rps:.0%} of bare)")]
