"""Behind the documented nginx, HTTP and Socket.IO both see the visitor's address, not nginx's."""

from __future__ import annotations

import dataclasses
import threading

import pytest
import socketio
from werkzeug.serving import make_server

from console.app import create_app
from tests.conftest import PASSWORD, csrf_token_from

NGINX = "127.0.0.1"  # the proxy: every request reaches the app from its address
ALICE, BOB = "198.51.100.7", "203.0.113.9"
PUBLIC = "https://caseline.example.com"  # PUBLIC_BASE_URL of the test settings


@pytest.fixture
def production_app(settings, default_client):
    """The app as production builds it (ProxyFix trusting one proxy), test database."""
    app = create_app(dataclasses.replace(settings, env="production"))
    app.config.update(TESTING=True)
    return app


@pytest.fixture
def served(production_app):
    """The production app on a real HTTP server (the engine.io requests go over the wire)."""
    server = make_server(NGINX, 0, production_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{NGINX}:{server.server_port}"
    server.shutdown()
    thread.join(5)


def visitor_from(url: str, address: str, transport: str) -> socketio.SimpleClient:
    """A web-chat visitor whose requests nginx forwards with X-Forwarded-For."""
    # The page's origin, as the browser sends it (websocket-client would send the URL's).
    client = socketio.SimpleClient(websocket_extra_options={"origin": PUBLIC})
    client.connect(url, namespace="/chat", transports=[transport],
                   headers={"X-Forwarded-For": address, "X-Forwarded-Proto": "https"})
    return client


def start_chat(client: socketio.SimpleClient, n: int) -> dict:
    return client.call("chat.start", {"key": "default", "name": f"Visitor {n}",
                                      "contact": f"visitor{n}@example.com"}, timeout=10)


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_the_chat_rate_limit_is_keyed_by_the_forwarded_address(served, transport):
    alice = visitor_from(served, ALICE, transport)
    bob = visitor_from(served, BOB, transport)
    try:
        acks = [start_chat(alice, n) for n in range(6)]
        assert [a["ok"] for a in acks] == [True] * 5 + [False]
        assert acks[5]["error"]["code"] == "rate_limited"
        # Another visitor behind the same nginx is not limited by Alice's chats.
        assert start_chat(bob, 99)["ok"] is True
    finally:
        alice.disconnect()
        bob.disconnect()


def test_http_sees_the_forwarded_address_too(production_app, agent):
    client = production_app.test_client()

    def sign_in(address, password):
        kwargs = {"base_url": PUBLIC, "environ_base": {"REMOTE_ADDR": NGINX},
                  "headers": {"X-Forwarded-For": address, "X-Forwarded-Proto": "https",
                              "Referer": f"{PUBLIC}/login"}}
        page = client.get("/login", **kwargs).get_data(as_text=True)
        return client.post("/login", data={"email": agent.email, "password": password,
                                           "csrf_token": csrf_token_from(page)}, **kwargs)

    for _ in range(5):
        assert sign_in(ALICE, "wrong-password").status_code == 401
    assert sign_in(ALICE, PASSWORD).status_code == 429
    assert sign_in(BOB, PASSWORD).status_code == 302
