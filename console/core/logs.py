"""Logging: JSON lines in production (for log shippers), readable text in development."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter


def configure_logging(fmt: str, level: int = logging.INFO) -> None:
    """Install one stderr handler on the root logger."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                           rename_fields={"asctime": "time",
                                                          "levelname": "level"}))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # twilio.http_client logs every request's headers at INFO: noise, and not for log shippers.
    for noisy in ("engineio.server", "socketio.server", "twilio.http_client"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    # Embedded mode serves with Werkzeug on purpose; its "production deployment" warning is
    # noise there, and production runs gunicorn instead.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
