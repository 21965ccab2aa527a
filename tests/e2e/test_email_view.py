"""A hostile HTML email shown in the console never runs script (Chromium via Playwright)."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import CASELINE, ROOT, _free_port

TOKEN = "e2e-inbound-token"
HOSTILE = (ROOT / "tests/channels/email_corpus/12_html_only_hostile.eml").read_bytes()


@pytest.fixture(scope="module")
def mail_server(server_env, served_databases, tmp_path_factory):
    """A console with inbound email enabled, on its own copy of the demo database."""
    tmp = tmp_path_factory.mktemp("e2e-email")
    env = {**server_env, "DATABASE_URL": served_databases.copy("email"),
           "INBOUND_EMAIL_TOKEN": TOKEN, "INSTANCE_PATH": str(tmp / "instance")}
    port = _free_port()
    proc = subprocess.Popen([*CASELINE, "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            assert proc.poll() is None, "the console exited"
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(10)


def deliver(base: str, raw: bytes) -> dict:
    request = urllib.request.Request(base + "/webhooks/email/inbound", data=raw, method="POST",
                                     headers={"Authorization": f"Bearer {TOKEN}",
                                              "Content-Type": "message/rfc822"})
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.loads(resp.read())


def test_script_links_and_handlers_in_an_email_never_run(mail_server, new_page):
    landed = deliver(mail_server, HOSTILE)
    page = new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(mail_server + "/login")
    page.fill("input[name=email]", "agent@caseline.demo")
    page.fill("input[name=password]", "caseline-demo")
    page.click("button[type=submit]")
    page.wait_for_url(mail_server + "/")

    url = f"{mail_server}/cases/{landed['case_id']}/emails/{landed['interaction_id']}"
    for view in (url, url + "?images=1"):
        page.goto(view)
        frame_element = page.wait_for_selector("iframe")
        frame = frame_element.content_frame()
        frame.wait_for_load_state()
        assert "Pay invoice" in frame.inner_text("body")
        # Click everything a reader might: the former javascript: link and the onclick link.
        frame.click("text=click here", no_wait_after=True)
        frame.hover("text=Pay invoice")
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert frame.evaluate("typeof window.__pwned") == "undefined"
        assert "javascript:" not in frame.content().lower()
    assert dialogs == []
    page.click("#back-to-case")  # the way back to answer it
    expect(page.locator("#case-reference")).to_be_visible()
    assert page.url.endswith(f"/#case/{landed['case_id']}")
