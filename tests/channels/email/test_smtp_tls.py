"""SMTP_URL variants against real aiosmtpd servers: STARTTLS with AUTH, and implicit TLS."""

from __future__ import annotations

import socket
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from channels.base import OutboundMessage
from channels.registry import adapter_for
from tests.channels.email.conftest import SmtpPeer


@pytest.fixture
def certificate(tmp_path, monkeypatch):
    """A self-signed certificate for 127.0.0.1 that this process trusts."""
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1"], check=True, capture_output=True)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def message() -> OutboundMessage:
    return OutboundMessage(interaction_id=1, to="someone@example.org", body="Hello",
                           subject="Test", headers={"Message-ID": "<t1@caseline.example.com>"})


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("mode", ["starttls", "smtps"])
def test_tls_and_auth_from_the_url(settings, certificate, mode):
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"p@ss word")

    peer, port = SmtpPeer(), free_port()
    if mode == "starttls":
        controller = Controller(peer, hostname="127.0.0.1", port=port, tls_context=certificate,
                                require_starttls=True, authenticator=authenticator,
                                auth_required=True)
    else:
        # aiosmtpd cannot see implicit TLS, so it is told AUTH is fine without STARTTLS.
        controller = Controller(peer, hostname="127.0.0.1", port=port, ssl_context=certificate,
                                authenticator=authenticator, auth_required=True,
                                auth_require_tls=False)
    controller.start()
    try:
        scheme = "smtp" if mode == "starttls" else "smtps"
        settings.smtp_url = f"{scheme}://mailer%40caseline.example.com:p%40ss%20word@127.0.0.1:{port}"
        result = adapter_for("email", settings).send(message())
        assert result.status == "sent"
        assert logins == [(b"mailer@caseline.example.com", b"p@ss word")]
        [sent] = peer.messages()
        assert sent["Message-ID"] == "<t1@caseline.example.com>"
    finally:
        controller.stop()
