"""Helpers for console tests that start `caseline serve` processes sharing Redis."""

from __future__ import annotations

import os
import time
import urllib.request
from pathlib import Path

REDIS = os.environ.get("TEST_REDIS_URL")
ROOT = Path(__file__).resolve().parents[2]


def wait_up(url: str, proc) -> None:
    """Wait until the server answers url; its output is the error if it exits first."""
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
