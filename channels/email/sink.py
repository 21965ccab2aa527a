"""The demo's local SMTP sink (aiosmtpd, in-process): outbound mail lands here to be shown."""

from __future__ import annotations

import socket
import threading
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

from channels.email.parse import parse

_lock = threading.Lock()
_messages: deque = deque(maxlen=200)
_controller = None


@dataclass(frozen=True)
class Caught:
    """One message the sink accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    subject: str
    text: str
    raw: bytes
    received_at: str


class _Handler:
    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        parsed = parse(raw if isinstance(raw, bytes) else raw.encode())
        with _lock:
            _messages.appendleft(Caught(envelope.mail_from, tuple(envelope.rcpt_tos),
                                        parsed.subject, parsed.text, parsed.raw,
                                        datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")))
        return "250 Message accepted for delivery"


def start(host: str = "127.0.0.1") -> str:
    """Start the sink once per process; returns its smtp:// URL."""
    global _controller
    from aiosmtpd.controller import Controller

    with _lock:
        if _controller is None:
            with socket.socket() as s:
                s.bind((host, 0))
                port = s.getsockname()[1]
            _controller = Controller(_Handler(), hostname=host, port=port)
            _controller.start()
        return f"smtp://{host}:{_controller.port}"


def running() -> bool:
    """True once the sink has started in this process."""
    return _controller is not None


def messages() -> list[Caught]:
    """What the sink caught, newest first."""
    with _lock:
        return list(_messages)
