"""Sign-in security in a real browser: TOTP enrolment and sign-in, a password reset through
the emailed link, ending a session from another browser, API tokens made and revoked."""

from __future__ import annotations

import re
import subprocess
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from playwright.sync_api import expect

from tests.channels.email.conftest import SmtpPeer
from tests.e2e.conftest import CASELINE, ROOT, _free_port, start_server

PASSWORD = "caseline-e2e-pass"


@pytest.fixture(scope="module")
def mail():
    """An SMTP peer on localhost recording what the console sends."""
    from aiosmtpd.controller import Controller

    peer = SmtpPeer()
    controller = Controller(peer, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield peer, f"smtp://127.0.0.1:{controller.port}"
    controller.stop()


@pytest.fixture(scope="module")
def console(server_env, served_databases, tmp_path_factory, mail):
    """A console sending mail to the peer, its links on its own address; (URL, env)."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**server_env, "DATABASE_URL": served_databases.copy("security"),
           "INSTANCE_PATH": str(tmp_path_factory.mktemp("security") / "i"),
           "PUBLIC_BASE_URL": base, "SMTP_URL": mail[1]}
    base, proc = start_server(env, port)
    yield base, env
    proc.terminate()
    proc.wait(10)


@pytest.fixture
def person(console, request):
    """A new agent of this test alone (email, password)."""
    _, env = console
    email = f"{request.node.name[:40].replace('_', '-')}@caseline.test"
    done = subprocess.run([*CASELINE, "users", "create", "--email", email, "--name",
                           "Security Tester", "--role", "agent", "--password", PASSWORD],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return email


def sign_in(page, base, email, password=PASSWORD):
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def test_totp_enrolment_then_sign_in_with_a_code(new_page, console, person):
    base, _ = console
    page = new_page()
    sign_in(page, base, person)
    page.wait_for_url(base + "/")
    page.click("#account-link")
    page.click("text=Two-factor")
    expect(page.locator("#totp-qr svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text()
    page.fill("#code", pyotp.TOTP(secret).now())
    page.click("text=Turn on two-factor sign-in")
    expect(page.locator("#recovery-codes li")).to_have_count(10)

    page.click("text=Sign out")
    sign_in(page, base, person)
    page.wait_for_url(base + "/login/code")
    later = datetime.now(UTC) + timedelta(seconds=30)  # the enrolment used this step's code
    page.fill("#code", pyotp.TOTP(secret).at(later))
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    expect(page.locator("#connection")).to_have_text("live")


def test_password_reset_through_the_emailed_link(new_page, console, person, mail):
    base, _ = console
    peer, _ = mail
    page = new_page()
    page.goto(base + "/login")
    page.click("#forgot-link")
    page.fill("input[name=email]", person)
    page.click("button[type=submit]")
    expect(page.locator("#reset-sent")).to_be_visible()
    link = _wait_for_link(peer, person, base)

    page.goto(link)
    page.fill("input[name=password]", "a whole new passphrase")
    page.fill("input[name=again]", "a whole new passphrase")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/login")
    sign_in(page, base, person, "a whole new passphrase")
    page.wait_for_url(base + "/")

    page.goto(link)  # once only
    expect(page.locator("#login-error")).to_contain_text("used already")


def test_ending_a_session_signs_the_other_browser_out(new_page, console, person):
    base, _ = console
    laptop, phone = new_page(), new_page()
    sign_in(phone, base, person)
    phone.wait_for_url(base + "/")
    expect(phone.locator("#connection")).to_have_text("live")
    sign_in(laptop, base, person)
    laptop.wait_for_url(base + "/")
    laptop.goto(base + "/account/sessions")
    rows = laptop.locator("#sessions tbody tr")
    expect(rows).to_have_count(2)
    rows.filter(has_not_text="this browser").get_by_role("button", name="End").click()
    expect(laptop.locator(".flash")).to_contain_text("has ended")
    expect(rows).to_have_count(1)
    # The other browser's open console is signed out without it doing anything.
    expect(phone).to_have_url(re.compile(re.escape(base) + r"/login"), timeout=15_000)


def test_an_api_token_made_and_revoked_on_screen(new_page, console, person):
    base, _ = console
    page = new_page()
    sign_in(page, base, person)
    page.wait_for_url(base + "/")
    page.goto(base + "/account/tokens")
    page.fill("#token-label", "reporting")
    page.check("input[value=read]")
    page.click("text=Create token")
    raw = page.locator("#raw-token").inner_text()
    assert _api(base, raw) == 200
    assert _api(base, raw, method="POST") == 403  # read-only
    page.goto(base + "/account/tokens")  # (not a reload: that would post the form again)
    row = page.locator("#tokens tbody tr", has_text="reporting")
    expect(row).not_to_contain_text("never")  # last use shown
    row.get_by_role("button", name="Revoke").click()
    expect(page.locator(".flash")).to_contain_text("revoked")
    assert _api(base, raw) == 401


def _api(base, raw, method="GET") -> int:
    data = b"{}" if method == "POST" else None
    req = urllib.request.Request(base + "/api/v1/cases/1/notes" if data else
                                 base + "/api/v1/customers?q=a", data=data, method=method,
                                 headers={"Authorization": f"Bearer {raw}",
                                          "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _wait_for_link(peer, to, base) -> str:
    import time

    deadline = time.time() + 15
    while time.time() < deadline:
        for mail in peer.messages():
            if mail["To"] == to:
                text = mail.get_body(preferencelist=("plain",)).get_content()
                return re.search(re.escape(base) + r"/login/reset/\S+", text).group(0)
        time.sleep(0.2)
    raise AssertionError(f"no reset mail to {to}")
