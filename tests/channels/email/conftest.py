"""Email test fixtures: the inbound token, a real in-process SMTP server (aiosmtpd)."""

from __future__ import annotations

import socket
import threading
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller

from crm.models import InboundAddress

TOKEN = "inbound-test-token"


@pytest.fixture
def settings(settings):
    """Test settings with an inbound email token and a sender address."""
    settings.inbound_email_token = TOKEN
    settings.email_from = "Acme Claims <cases@caseline.example.com>"
    return settings


class SmtpPeer:
    """An SMTP server that records what it accepts and answers scripted codes when told to."""

    def __init__(self):
        self.received: list = []
        self.script: list[str] = []  # e.g. ["451 4.3.0 try later"]: answers for next DATA
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.script:
                return self.script.pop(0)
            self.received.append(envelope)
        return "250 OK queued"

    def messages(self):
        """The accepted messages, parsed."""
        return [BytesParser(policy=policy.default).parsebytes(e.original_content or e.content)
                for e in self.received]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on localhost; SMTP_URL points at it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    peer = SmtpPeer()
    controller = Controller(peer, hostname="127.0.0.1", port=port)
    controller.start()
    settings.smtp_url = f"smtp://127.0.0.1:{port}"
    yield peer
    controller.stop()


@pytest.fixture
def mailbox(session, default_client):
    """The default client's inbound mailbox (so mail still finds it when there are two)."""
    session.add(InboundAddress(client_id=default_client.id, kind="email",
                               value="cases@caseline.example.com", line_of_work="claims"))
    session.commit()
    return "cases@caseline.example.com"


@pytest.fixture
def post_email(client, mailbox):
    """POST a raw message to the inbound webhook (with the right token unless told otherwise)."""

    def post(raw: bytes, token: str | None = TOKEN, **headers):
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return client.post("/webhooks/email/inbound", data=raw,
                           headers={"Content-Type": "message/rfc822", **headers})

    return post
