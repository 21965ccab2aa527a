"""Work offered again to the only agent, in a real browser: the card and the ringing call stay."""

from __future__ import annotations

import re
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import expect
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import start_sms_console
from tests.e2e.pages import signed_in

TOKEN = "e2e-reoffers-auth-token-012345678"
OUR_NUMBER = "+15005550006"
OFFER_SECONDS = 6  # an unanswered offer runs out this fast; the sweep re-offers every 5 s
LATER = (OFFER_SECONDS + 10) * 1000  # ms: long enough for an expiry and the sweep after it

# Every offer event the page's socket receives, kept in order (what the server really sent).
RECORD = """(socket) => {
  window.offerNews = [];
  socket.onAny((name, msg) => {
    if (name.startsWith("offer.")) window.offerNews.push([name, msg]);
  });
}"""
# Deliver again, now, the rescind of an item's first offer: as if it had arrived late.
REPLAY_FIRST_RESCIND = """([socket, offerId]) => {
  const [, msg] = window.offerNews.find(([name, m]) =>
    name === "offer.rescinded" && m.offer_id === offerId && m.attempt === 1);
  for (const listener of socket.listeners("offer.rescinded")) listener(msg);
  return msg.reason;
}"""


@pytest.fixture(scope="module")
def console(server_env, served_databases, tmp_path_factory):
    """A console with a (fake) Twilio number and offers that run out after a few seconds."""
    base, proc = start_sms_console(
        server_env, served_databases.copy("reoffers"), tmp_path_factory.mktemp("reoffers-e2e"),
        TWILIO_AUTH_TOKEN=TOKEN, TWILIO_PHONE_NUMBER=OUR_NUMBER,
        ROUTING_OFFER_TIMEOUT_SECONDS=str(OFFER_SECONDS))
    yield base
    proc.terminate()
    proc.wait(10)


def webhook(base: str, path: str, params: dict) -> None:
    """A Twilio webhook, signed as Twilio signs it."""
    signature = RequestValidator(TOKEN).compute_signature(base + path, params)
    req = urllib.request.Request(base + path, data=urllib.parse.urlencode(params).encode(),
                                 headers={"X-Twilio-Signature": signature})
    with urllib.request.urlopen(req, timeout=10) as resp:
        assert resp.status == 200


def text_in(base: str, sid: str, body: str, sender: str) -> None:
    """An inbound SMS."""
    webhook(base, "/webhooks/twilio/messaging/incoming", {
        "MessageSid": sid, "SmsMessageSid": sid, "AccountSid": "AC" + "1" * 32,
        "From": sender, "To": OUR_NUMBER, "Body": body, "NumMedia": "0", "NumSegments": "1",
        "SmsStatus": "received", "ApiVersion": "2010-04-01"})


def call_in(base: str, sid: str, caller: str) -> None:
    """An inbound call reaching our number."""
    webhook(base, "/webhooks/twilio/voice/incoming", {
        "CallSid": sid, "AccountSid": "AC" + "1" * 32, "From": caller, "To": OUR_NUMBER,
        "Caller": caller, "Called": OUR_NUMBER, "CallStatus": "ringing",
        "Direction": "inbound", "ApiVersion": "2010-04-01"})


def caller_leaves(base: str, sid: str, result: str) -> None:
    """The caller leaves the queue: hangs up ("hangup") or is sent to voicemail ("leave")."""
    webhook(base, "/webhooks/twilio/voice/queue-result", {
        "CallSid": sid, "AccountSid": "AC" + "1" * 32, "QueueResult": result,
        "QueueTime": "3"})


def available(page) -> None:
    state = page.locator("#phone-state")
    expect(state).to_have_text("away")
    page.click("#phone-presence")
    expect(state).to_have_text("available")


def test_an_sms_offered_again_to_the_only_agent_stays_on_their_page(new_page, console):
    page = signed_in(new_page, console, "agent@caseline.demo")
    socket = page.evaluate_handle("window.caseline.socket")
    page.evaluate(RECORD, socket)
    available(page)

    text_in(console, "SM" + "c3" * 16, "Hello? Is anybody reading these?", "+14155550161")
    card = page.locator("#work-offers .offer-card", has_text="Is anybody reading these?")
    expect(card).to_have_attribute("data-attempt", "1")
    # Nobody answers: it runs out, and comes back to the only agent as a new offer.
    expect(card).to_have_attribute("data-attempt", "2", timeout=LATER)
    expect(card).to_be_visible()
    offer_id = int(card.get_attribute("data-offer-id"))

    # The first offer's rescind arriving after the re-offer leaves the re-offer alone.
    assert page.evaluate(REPLAY_FIRST_RESCIND, [socket, offer_id]) == "expired"
    expect(card).to_be_visible()
    expect(card).to_have_attribute("data-attempt", "2")

    card.locator(".offer-accept").click()
    expect(card).to_have_count(0)
    expect(page).to_have_url(re.compile(r"#case/\d+$"))
    expect(page.locator("#work-in-hand .in-hand-item")).to_have_count(1)
    page.click("#phone-presence")  # away: later tests' work is not for this agent
    expect(page.locator("#phone-state")).to_have_text("away")


def test_a_call_offered_again_to_the_only_agent_rings_again(new_page, console):
    page = signed_in(new_page, console, "collections@caseline.demo")
    socket = page.evaluate_handle("window.caselinePhone.socket")
    page.evaluate(RECORD, socket)
    # Everything the phone says, in order (a message can be replaced at once).
    page.evaluate("""() => { window.phoneSaid = [];
      new MutationObserver(() => window.phoneSaid.push(
        document.getElementById("phone-message").textContent)).observe(
          document.getElementById("phone-message"), { childList: true, characterData: true,
                                                      subtree: true }); }""")
    available(page)

    call_in(console, "CA" + "a7" * 16, "+14155550162")
    offer = page.locator("#phone-offer")
    expect(offer).to_be_visible()
    expect(offer).to_have_attribute("data-attempt", "1")
    # Not answered in time: it rings again for the only agent, as a new offer.
    expect(offer).to_have_attribute("data-attempt", "2", timeout=LATER)
    expect(offer).to_be_visible()
    expect(page.locator("#phone-state")).to_have_text("incoming call")
    said = page.evaluate("window.phoneSaid")
    assert "Not answered in time: the call went back to the queue." in said
    assert "The caller left." not in said  # they did not: they are still waiting

    news = page.evaluate("window.offerNews")
    offer_id = news[0][1]["offer_id"]
    assert page.evaluate(REPLAY_FIRST_RESCIND, [socket, offer_id]) == "expired"
    expect(offer).to_be_visible()  # the late rescind of the first offer silences nothing
    expect(page.locator("#phone-state")).to_have_text("incoming call")

    page.click("#phone-answer")
    expect(page.locator("#phone-state")).to_have_text("on call")
    page.click("#phone-end")
    expect(page.locator("#phone-wrapup")).to_be_visible()
    page.select_option("#phone-disposition", index=1)
    page.click("#phone-wrapup-submit")
    expect(page.locator("#phone-wrapup")).to_be_hidden()
    page.click("#phone-presence")
    expect(page.locator("#phone-state")).to_have_text("away")


def test_the_phone_says_the_caller_left_only_when_they_hung_up(new_page, console):
    page = signed_in(new_page, console, "claims@caseline.demo")
    available(page)
    message, offer = page.locator("#phone-message"), page.locator("#phone-offer")

    call_in(console, "CA" + "b8" * 16, "+14155550163")
    expect(offer).to_be_visible()
    caller_leaves(console, "CA" + "b8" * 16, "leave")
    expect(offer).to_be_hidden()
    expect(message).to_have_text("Nobody answered in time: the caller was sent to voicemail.")

    call_in(console, "CA" + "c9" * 16, "+14155550164")
    expect(offer).to_be_visible()
    caller_leaves(console, "CA" + "c9" * 16, "hangup")
    expect(offer).to_be_hidden()
    expect(message).to_have_text("The caller left.")
    page.click("#phone-presence")
    expect(page.locator("#phone-state")).to_have_text("away")
