"""The channel simulator for demo mode (Twilio and email traffic, signed as the real thing)."""

from __future__ import annotations

import logging
import os

from flask import Flask

from channels.voice.simulator import VoiceSimulator
from console.demo import sim_email as email_demo
from console.demo import sim_messaging

log = logging.getLogger(__name__)


def start(app: Flask) -> None:
    """Start the simulators the channels provide."""
    log.info("channel simulator enabled")
    email_demo.start(app)
    sim_messaging.start(app)
    start_voice(app)


def start_voice(app: Flask) -> None:
    """Simulated inbound calls: one on demand (`POST /api/v1/voice/simulate`), and one every
    CASELINE_SIM_CALL_EVERY seconds (default 120; 0 = only on demand)."""
    sim = VoiceSimulator(app)
    app.extensions["caseline.voice_simulator"] = sim
    every = float(os.environ.get("CASELINE_SIM_CALL_EVERY", "120"))
    if every > 0:
        sim.run_every(every)
