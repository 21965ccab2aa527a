"""The channel simulator for demo mode (Twilio and email traffic, signed as the real thing)."""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


def start(app: Flask) -> None:
    """Start the simulators the channels provide."""
    log.info("channel simulator enabled")
    from console import email_demo, sim_messaging

    email_demo.start(app)
    sim_messaging.start(app)
