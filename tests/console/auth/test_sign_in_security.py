"""Sign-in against an outside attacker: redirects, timing, guessing, CSRF secrets, framing."""

from __future__ import annotations

import os
import time

import pytest

from console.app import create_app
from console.core.config import Settings
from crm.core.errors import DomainError
from crm.tenancy import users
from tests.conftest import PASSWORD, csrf_token_from

HERE, THERE = "203.0.113.7", "198.51.100.20"


def sign_in(client, email, password, address=HERE, next_url=None):
    """POST the real sign-in form from a network address."""
    page = client.get("/login", environ_base={"REMOTE_ADDR": address})
    query = {"next": next_url} if next_url is not None else None
    return client.post("/login", query_string=query, environ_base={"REMOTE_ADDR": address},
                       data={"email": email, "password": password,
                             "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def sign_out(client):
    """POST the sign-out form of the console page."""
    page = client.get("/").get_data(as_text=True)
    assert client.post("/logout", data={"csrf_token": csrf_token_from(page)}).status_code == 302


@pytest.mark.parametrize("target", [
    "/\t/evil.test", "/\n/evil.test", "/\r\n/evil.test", "//evil.test", "/\\evil.test",
    "\\\\evil.test", "https://evil.test/", "javascript:alert(1)", " //evil.test",
    "/ /evil.test", "evil.test", "/\x7f/evil.test", "///evil.test", "/\u3000/evil.test",
])
def test_next_redirects_only_to_a_path_on_this_site(client, agent, target):
    resp = sign_in(client, agent.email, PASSWORD, next_url=target)
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_next_url_with_an_encoded_tab_from_the_address_bar_is_refused(client, agent):
    page = client.get("/login")
    resp = client.post("/login?next=/%09/evil.test", data={
        "email": agent.email, "password": PASSWORD,
        "csrf_token": csrf_token_from(page.get_data(as_text=True))})
    assert resp.status_code == 302 and resp.headers["Location"] == "/"


def test_next_keeps_a_page_of_the_console(client, agent):
    resp = sign_in(client, agent.email, PASSWORD, next_url="/cases/42?tab=notes#latest")
    assert resp.headers["Location"] == "/cases/42?tab=notes#latest"


@pytest.fixture
def production_cost():
    """argon2 at a real cost (the suite's default is cheap), restored afterwards."""
    users.configure_hasher(time_cost=2, memory_cost=19456, parallelism=1)
    yield
    users.configure_hasher(time_cost=1, memory_cost=1024, parallelism=1)


def _fastest_refusal(session, email: str) -> float:
    best = float("inf")
    for _ in range(7):
        start = time.perf_counter()
        with pytest.raises(DomainError):
            users.authenticate(session, email, "not the password")
        best = min(best, time.perf_counter() - start)
    return best


def test_an_unknown_email_takes_as_long_as_a_wrong_password(production_cost, session,
                                                            make_user):
    known = make_user("agent", email="known@example.com")
    wrong_password = _fastest_refusal(session, known.email)
    unknown_email = _fastest_refusal(session, "nobody@example.com")
    # Alike within the noise of a busy machine; a cheap dummy hash was 100 times faster.
    assert unknown_email > wrong_password * 0.4, (unknown_email, wrong_password)


def test_one_address_is_throttled_after_many_failures_whatever_the_accounts(client, agent):
    for n in range(20):
        assert sign_in(client, f"guess{n}@example.com", "hunter22").status_code == 401
    resp = sign_in(client, agent.email, PASSWORD)  # even the right password waits
    assert resp.status_code == 429
    assert 0 < int(resp.headers["Retry-After"]) <= 15 * 60
    assert "Too many failed sign-ins from your network" in resp.get_data(as_text=True)
    assert sign_in(client, agent.email, PASSWORD, address=THERE).status_code == 302


def test_an_ipv6_guesser_cannot_escape_the_throttle_by_changing_address(client, agent):
    for n in range(20):
        resp = sign_in(client, f"guess{n}@example.com", "hunter22", address=f"2001:db8::{n:x}")
        assert resp.status_code == 401
    assert sign_in(client, agent.email, PASSWORD, address="2001:db8::ffff").status_code == 429
    assert sign_in(client, agent.email, PASSWORD, address="2001:db8:1::1").status_code == 302


def test_guessing_from_one_address_does_not_lock_the_owner_out(client, agent, make_user):
    for _ in range(5):
        resp = sign_in(client, agent.email, "wrong-password")
        assert resp.status_code == 401 and "Wrong email or password." in resp.get_data(
            as_text=True)
    stopped = sign_in(client, agent.email, PASSWORD)
    assert stopped.status_code == 429 and int(stopped.headers["Retry-After"]) > 0
    assert "Too many failed sign-ins for this email" in stopped.get_data(as_text=True)
    # The owner, elsewhere, signs in as usual; the guesser may still use other accounts.
    assert sign_in(client, agent.email, PASSWORD, address=THERE).status_code == 302
    sign_out(client)
    other = make_user("agent")
    assert sign_in(client, other.email, PASSWORD).status_code == 302


def test_an_unknown_email_is_throttled_like_a_known_one(client, agent):
    answers = [sign_in(client, "ghost@example.com", "wrong-password") for _ in range(6)]
    known = [sign_in(client, agent.email, "wrong-password") for _ in range(6)]
    assert [r.status_code for r in answers] == [r.status_code for r in known] == [401] * 5 + [429]


def test_signing_in_clears_the_accounts_failures_from_that_address(client, agent):
    for _ in range(4):
        assert sign_in(client, agent.email, "wrong-password").status_code == 401
    assert sign_in(client, agent.email, PASSWORD).status_code == 302
    sign_out(client)
    for _ in range(4):
        assert sign_in(client, agent.email, "wrong-password").status_code == 401


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="needs TEST_REDIS_URL")
def test_failures_are_counted_across_web_processes_through_redis(settings, agent):
    import redis

    url = os.environ["TEST_REDIS_URL"]
    server = redis.Redis.from_url(url)
    for key in server.scan_iter("caseline:signin-fail:*"):
        server.delete(key)
    apps = []
    for _ in range(2):
        shared = Settings(**{**vars(settings), "redis_url": url})
        app = create_app(shared)
        app.config.update(TESTING=True)
        apps.append(app)
    first, second = (app.test_client() for app in apps)
    for _ in range(5):
        assert sign_in(first, agent.email, "wrong-password").status_code == 401
    assert sign_in(second, agent.email, PASSWORD).status_code == 429
    assert sign_in(second, agent.email, PASSWORD, address=THERE).status_code == 302


def test_a_csrf_token_from_before_sign_in_stops_working_after_it(client, agent):
    before = csrf_token_from(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"email": agent.email, "password": PASSWORD,
                                       "csrf_token": before})
    assert resp.status_code == 302
    refused = client.post("/logout", data={"csrf_token": before})
    assert refused.status_code == 400
    assert client.get("/").status_code == 200  # still signed in
    current = csrf_token_from(client.get("/").get_data(as_text=True))
    assert current != before
    assert client.post("/logout", data={"csrf_token": current}).status_code == 302


def test_a_csrf_token_from_before_sign_out_stops_working_after_it(client, agent, login):
    signed_in = login(agent)
    assert client.post("/logout", data={"csrf_token": signed_in}).status_code == 302
    resp = client.post("/login", data={"email": agent.email, "password": PASSWORD,
                                       "csrf_token": signed_in})
    assert resp.status_code == 400
    assert client.get("/").status_code == 302  # not signed in


@pytest.mark.parametrize("path", ["/login", "/", "/api/v1/customers?q=x", "/no-such-page"])
def test_no_other_site_may_frame_the_console(client, agent, login, path):
    login(agent)
    resp = client.get(path)
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in resp.headers["Content-Security-Policy"]


def test_the_chat_widget_may_be_framed_by_a_clients_site(client):
    resp = client.get("/chat/widget?key=default")
    assert resp.status_code == 200
    assert "X-Frame-Options" not in resp.headers
    assert "frame-ancestors" not in resp.headers.get("Content-Security-Policy", "")
