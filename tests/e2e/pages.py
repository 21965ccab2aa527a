"""What the browser tests do as a person would (sign in, take a simulated call) and the
traffic they send the console (a signed SMS), shared by several test modules."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request

from playwright.sync_api import expect
from sqlalchemy import insert
from twilio.request_validator import RequestValidator

from crm.models import Case, ContactPoint, Customer
from crm.models.workspace import write_name_keys

# The (fake) Twilio account of the SMS console (tests/e2e/conftest.py sms_server).
TOKEN = "e2e-offers-auth-token-0123456789"
OUR_NUMBER = "+15005550006"
HOOK = "/webhooks/twilio/messaging/incoming"


def signed_in(new_page, base, email):
    page = new_page()
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "caseline-demo")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def on_a_simulated_call(page) -> None:
    """The agent goes available, a simulated call pops, and they answer it."""
    state = page.locator("#phone-state")
    # The server has told the page their status (and brought back a call they are still on).
    expect(state).not_to_have_text(re.compile(r"^(offline|busy)$"))
    _finish_a_call_left_over(page)
    if state.inner_text() != "available":  # it remembers an agent left available earlier
        page.click("#phone-presence")
    expect(state).to_have_text("available")
    page.click("#phone-simulate")
    expect(page.locator("#phone-offer")).to_be_visible()
    page.click("#phone-answer")
    expect(page.locator("#phone-state")).to_have_text("on call")


def _finish_a_call_left_over(page) -> None:
    # A browser whose renderer crashed mid-test (a rerun follows) left its agent on a call.
    state, wrap_up = page.locator("#phone-state"), page.locator("#phone-wrapup")
    if state.inner_text() in ("on call", "on hold", "consulting"):
        page.click("#phone-end")
        expect(wrap_up).to_be_visible()
    elif state.inner_text() == "wrap-up":
        expect(wrap_up).to_be_visible()
    if wrap_up.is_visible():
        page.select_option("#phone-disposition", index=1)
        page.click("#phone-wrapup-submit")
        expect(wrap_up).to_be_hidden()


def signed_post(base: str, path: str, params: dict) -> str:
    """A Twilio webhook, signed as Twilio signs it; the TwiML it is answered with."""
    signature = RequestValidator(TOKEN).compute_signature(base + path, params)
    req = urllib.request.Request(base + path, data=urllib.parse.urlencode(params).encode(),
                                 headers={"X-Twilio-Signature": signature})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200
        return resp.read().decode()


def text_in(base: str, sid: str, body: str, sender: str, to: str = OUR_NUMBER) -> None:
    """An inbound SMS webhook to one of our numbers, signed as Twilio signs it."""
    signed_post(base, HOOK, {
        "MessageSid": sid, "SmsMessageSid": sid, "AccountSid": "AC" + "1" * 32,
        "From": sender, "To": to, "Body": body, "NumMedia": "0", "NumSegments": "1",
        "SmsStatus": "received", "ApiVersion": "2010-04-01"})


def call_in(base: str, sid: str, caller: str, to: str = OUR_NUMBER) -> str:
    """An inbound call to one of our numbers, signed; the TwiML the caller is answered with."""
    return signed_post(base, "/webhooks/twilio/voice/incoming", {
        "CallSid": sid, "AccountSid": "AC" + "1" * 32, "From": caller, "To": to,
        "Caller": caller, "Called": to, "CallStatus": "ringing", "Direction": "inbound",
        "ApiVersion": "2010-04-01"})


def open_case(page, base, case_id, reference):
    """Open a case by its link and wait for its header."""
    page.goto(f"{base}/#case/{case_id}")
    expect(page.locator("#case-reference")).to_have_text(reference)


def readable(day) -> str:
    """A calendar day as the page writes it (Chromium's en-US medium date): "Dec 7, 2026"."""
    return f"{day:%b} {day.day}, {day.year}"


def add_person(conn, client_id, name, reference, contact: dict, **customer) -> int:
    """A customer (searchable by name) with one contact point and a case; the case id."""
    from crm.customers.identity import search_key

    cid = conn.execute(insert(Customer.__table__).values(
        client_id=client_id, display_name=name, search_name=search_key(name), **customer)
    ).inserted_primary_key[0]
    write_name_keys(conn, cid, client_id, search_key(name))
    conn.execute(insert(ContactPoint.__table__).values(
        client_id=client_id, customer_id=cid, **contact))
    return conn.execute(insert(Case.__table__).values(
        client_id=client_id, customer_id=cid, reference=reference)).inserted_primary_key[0]
