"""An SMS offered to an agent in a real browser: the card, accept, the case, done."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import start_sms_console
from tests.e2e.test_voice_phone import signed_in

TOKEN = "e2e-offers-auth-token-0123456789"
OUR_NUMBER = "+15005550006"
HOOK = "/webhooks/twilio/messaging/incoming"


@pytest.fixture(scope="module")
def sms_server(server_env, tmp_path_factory):
    """A console with a (fake) Twilio number, so signed SMS webhooks are accepted."""
    base, proc = start_sms_console(server_env, tmp_path_factory.mktemp("offers-e2e"), "offers",
                                   TWILIO_AUTH_TOKEN=TOKEN, TWILIO_PHONE_NUMBER=OUR_NUMBER)
    yield base
    proc.terminate()
    proc.wait(10)


def text_in(base: str, sid: str, body: str, sender: str) -> None:
    """An inbound SMS webhook, signed as Twilio signs it."""
    params = {"MessageSid": sid, "SmsMessageSid": sid, "AccountSid": "AC" + "1" * 32,
              "From": sender, "To": OUR_NUMBER, "Body": body, "NumMedia": "0",
              "NumSegments": "1", "SmsStatus": "received", "ApiVersion": "2010-04-01"}
    signature = RequestValidator(TOKEN).compute_signature(base + HOOK, params)
    req = urllib.request.Request(base + HOOK, data=urllib.parse.urlencode(params).encode(),
                                 headers={"X-Twilio-Signature": signature})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200


def test_an_agent_accepts_an_sms_offer_works_it_in_the_case_and_finishes(new_page,
                                                                         sms_server):
    base = sms_server
    page = signed_in(new_page, base, "agent@caseline.demo")
    expect(page.locator("#phone-state")).to_have_text("away")
    page.click("#phone-presence")
    expect(page.locator("#phone-state")).to_have_text("available")

    text_in(base, "SM" + "a1" * 16, "My parcel never arrived, order 5521", "+14155550142")
    card = page.locator("#work-offers .offer-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("My parcel never arrived, order 5521")
    expect(card).to_contain_text("SMS · general · CL-")
    expect(card.locator(".offer-count")).to_have_text(re.compile(r"^\d+ s$"))
    expect(page.locator("#phone-offer")).to_be_hidden()  # the phone is for calls only

    card.locator(".offer-accept").click()
    expect(card).to_have_count(0)
    expect(page).to_have_url(re.compile(r"#case/\d+$"))
    message = page.locator("#timeline li.medium-sms.dir-inbound .tl-body").first
    expect(message).to_have_text("My parcel never arrived, order 5521")
    tray = page.locator("#work-in-hand")
    expect(tray).to_be_visible()
    expect(tray.locator(".in-hand-item")).to_have_count(1)
    expect(page.locator("#phone-state")).to_have_text("available")  # free for more work

    # A second conversation, passed on from the keyboard.
    text_in(base, "SM" + "b2" * 16, "Second customer here", "+14155550143")
    expect(card).to_contain_text("Second customer here")
    page.locator("body").press("d")
    expect(card).to_have_count(0)
    expect(page.locator("#offer-status")).to_have_text("Passed on.")

    tray.locator(".in-hand-done").click()  # the first conversation is finished
    expect(tray).to_be_hidden()


def test_the_shortcut_sheet_lists_taking_offered_work(new_page, sms_server):
    page = signed_in(new_page, sms_server, "agent@caseline.demo")
    page.locator("body").press("?")
    expect(page.locator("#shortcuts")).to_contain_text("Accept / decline the work offered")
