"""The channel simulator for demo mode (Twilio and email traffic, signed as the real thing)."""

from __future__ import annotations

import logging

from flask import Flask

log = logging.getLogger(__name__)


def start(app: Flask) -> None:
    """Start the simulators the channels provide (none yet: added with each channel)."""
    log.info("channel simulator enabled")
    from console import sim_messaging

    sim_messaging.start(app)
