"""Serving the app: Werkzeug + threads when embedded, gunicorn + gevent in production."""

from __future__ import annotations

import os
import sys

from flask import Flask

from console.core.extensions import socketio
from console.core.tasks import start_embedded_scheduler
from console.realtime import gatekeeper


def run(app: Flask, host: str, port: int) -> None:
    """Serve until interrupted."""
    settings = app.config["CASELINE"]
    if settings.production:
        exec_gunicorn(host, port)
    start_background_work(app)
    if settings.simulator:
        from console.demo import simulator

        simulator.start(app)
    # Flask refuses app.run() inside its CLI unless told this is the intended server.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    print(f" * Caseline console on http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, use_reloader=False,
                 log_output=False)


def start_background_work(app: Flask) -> None:
    """The socket gatekeeper, and periodic jobs when there is no Celery beat to run them."""
    gatekeeper.start(app)
    if app.config["CASELINE"].tasks_mode != "celery":
        start_embedded_scheduler()


def exec_gunicorn(host: str, port: int) -> None:
    """Replace this process with gunicorn's: a fresh interpreter, so gevent patches the
    standard library before anything (threading, ssl, psycopg, redis) is imported."""
    os.environ["CASELINE_BIND"] = f"{host}:{port}"
    argv = [sys.executable, "-m", "gunicorn", "--config", "python:console.gunicorn_conf",
            "console.wsgi:app"]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, argv)  # noqa: S606 (our own interpreter, fixed arguments)
