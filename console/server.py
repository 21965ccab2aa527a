"""Serving the app: Werkzeug + threads when embedded, gunicorn (gthread) in production."""

from __future__ import annotations

import logging
import os

from flask import Flask

from console.extensions import socketio
from console.tasks import start_embedded_scheduler

log = logging.getLogger(__name__)


def run(app: Flask, host: str, port: int) -> None:
    """Serve until interrupted."""
    settings = app.config["CASELINE"]
    if settings.tasks_mode != "celery":
        start_embedded_scheduler()
    if settings.simulator:
        from console import simulator

        simulator.start(app)
    if settings.production:
        _gunicorn(app, host, port)
        return
    # Flask refuses app.run() inside its CLI unless told this is the intended server.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    print(f" * Caseline console on http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, use_reloader=False,
                 log_output=False)


def _gunicorn(app: Flask, host: str, port: int) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self):
            # One process per web container: Flask-SocketIO's threading mode needs a single
            # worker per process; scale with more containers behind nginx's ip_hash.
            for key, value in {"bind": f"{host}:{port}", "workers": 1, "threads": 100,
                               "worker_class": "gthread", "timeout": 60}.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    Server().run()
