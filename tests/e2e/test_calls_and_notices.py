"""Calls, offers, sign-off and notices in a real browser: the sign-off and escalation forms,
a call answered by its key that keeps its case on screen, work taken during a call, the offer
tray with a backlog, colleagues' live states in the transfer picker, and notifications (the
browser's Notification and audio are stubbed: that is the browser's boundary)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert, select

from crm.models import Claim, DebtAccount, Investigation
from tests.e2e.conftest import start_sms_console
from tests.e2e.databases import served_db, served_default
from tests.e2e.pages import OUR_NUMBER, TOKEN, add_person, open_case, signed_in, text_in

# Records what the page asks of the browser instead of showing it: desktop notifications, the
# permission prompt, and the tones played.
BROWSER_STUBS = """
window.__notes = []; window.__asked = 0; window.__tones = 0;
class FakeNotification {
  constructor(title, options) { window.__notes.push({ title, ...options }); }
  close() {}
  static requestPermission() {
    window.__asked += 1;
    FakeNotification.permission = "granted";
    localStorage.setItem("fake-notification-permission", "granted");  // as a browser keeps it
    return Promise.resolve("granted");
  }
}
FakeNotification.permission = localStorage.getItem("fake-notification-permission") || "default";
window.Notification = FakeNotification;
class FakeAudio {
  constructor() { this.currentTime = 0; this.destination = {}; }
  createOscillator() { return { frequency: {}, connect: (to) => to,
                                start() { window.__tones += 1; }, stop() {} }; }
  createGain() { return { gain: {}, connect: (to) => to }; }
}
window.AudioContext = FakeAudio;
"""


@pytest.fixture(scope="module")
def holdings(server_env):
    """A case holding a debt (in euros) and a claim; (case id, claim id)."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Hana Holdings", "CL-E2ESIGN1",
                             {"kind": "phone", "value": "+12025550166"})
        conn.execute(insert(DebtAccount.__table__).values(
            client_id=client_id, case_id=case_id, account_number="ACC-E2E-SIGN",
            balance_cents=250_000, currency="EUR"))
        claim_id = conn.execute(insert(Claim.__table__).values(
            client_id=client_id, case_id=case_id, number="CLM-E2E-SIGN", status="triage")
        ).inserted_primary_key[0]
    return case_id, claim_id


@pytest.fixture(scope="module")
def phone_server(server_env, served_databases, tmp_path_factory):
    """A console taking simulated calls and signed SMS; (URL, its database's URL)."""
    url = served_databases.copy("calls")
    base, proc = start_sms_console(
        server_env, url, tmp_path_factory.mktemp("calls-e2e"), TWILIO_AUTH_TOKEN=TOKEN,
        TWILIO_PHONE_NUMBER=OUR_NUMBER, CASELINE_SIMULATOR="1", CASELINE_SIM_CALL_EVERY="0")
    yield base, url
    proc.terminate()
    proc.wait(10)


def test_the_sign_off_form_offers_what_the_case_holds_and_the_reviewer_confirms(
        new_page, live_server, holdings):
    case_id, _claim = holdings
    maker = signed_in(new_page, live_server, "collections@caseline.demo")
    popups = []
    maker.on("dialog", lambda d: (popups.append(d.message), d.dismiss()))
    open_case(maker, live_server, case_id, "CL-E2ESIGN1")
    # Notices are kept: earlier tests' ones for this shared user are read first.
    token = maker.locator('meta[name="csrf-token"]').get_attribute("content")
    assert maker.request.post(live_server + "/api/v1/me/notices/read", data={},
                              headers={"X-CSRFToken": token}).ok
    maker.reload()
    expect(maker.locator("#case-reference")).to_have_text("CL-E2ESIGN1")
    expect(maker.locator("#bell-count")).to_have_text("0")
    maker.click("#ask-sign-off")
    kind = maker.locator("#sign-off-dialog-kind")
    expect(kind.locator("option")).to_contain_text([
        "Claim settlement (pay out)", "Ex gratia payment", "Claim decline",
        "Settlement of the debt", "Hardship plan", "Write-off", "Other judgement"])
    kind.select_option("settlement_offer")
    expect(maker.get_by_label("Amount (EUR)")).to_be_visible()
    maker.fill("#sign-off-dialog-amount_cents", "twelve hundred")
    maker.fill("#sign-off-dialog-summary", "Settle at half the balance")
    maker.click("#sign-off-dialog-submit")
    expect(maker.locator("#sign-off-dialog-amount_cents-error")).to_have_text(
        "Give an amount of money, like 1,250.00.")
    maker.fill("#sign-off-dialog-amount_cents", "1,250.50")
    maker.click("#sign-off-dialog-submit")
    expect(maker.locator("#sign-off-dialog")).to_have_count(0)
    mine = maker.locator("#decisions .decision")
    expect(mine).to_contain_text(
        "Settlement of the debt · EUR 1,250.50: Settle at half the balance")

    reviewer = signed_in(new_page, live_server, "reviewer@caseline.demo")
    reviewer.on("dialog", lambda d: (popups.append(d.message), d.dismiss()))
    open_case(reviewer, live_server, case_id, "CL-E2ESIGN1")
    theirs = reviewer.locator("#decisions .decision", has_text="Settle at half")
    # At 1280x720 both buttons are whole and on screen.
    for name in ("Approve", "Reject"):
        button = theirs.get_by_role("button", name=name)
        button.scroll_into_view_if_needed()
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1280, (name, box)
    theirs.get_by_role("button", name="Reject").click()
    reviewer.click("#review-dialog-submit")
    expect(reviewer.locator("#review-dialog-note-error")).to_have_text("Say why it is rejected.")
    reviewer.click("#review-dialog-cancel")
    theirs.get_by_role("button", name="Approve").click()
    reviewer.fill("#review-dialog-note", "Within the discount policy")
    reviewer.click("#review-dialog-submit")
    expect(reviewer.locator("#review-confirm")).to_contain_text(
        "Approve Settlement of the debt · EUR 1,250.50?")
    expect(theirs).to_have_count(1)  # nothing decided before the confirmation
    reviewer.click("#review-dialog-submit")
    expect(theirs).to_have_count(0)

    # The maker is told: a toast and an unread notice in the bell.
    expect(maker.locator("#toasts")).to_contain_text(
        "Your sign-off request (Settlement of the debt) was approved.")
    expect(maker.locator("#bell-count")).to_have_text("1")
    # Kept by the server: a reload still shows it unread.
    maker.reload()
    expect(maker.locator("#bell-count")).to_have_text("1")
    with maker.expect_response("**/me/notices/read"):
        maker.click("#bell-button")
    expect(maker.locator("#bell-list li.unread")).to_have_count(1)
    expect(maker.locator("#bell-list")).to_contain_text("Settlement of the debt")
    maker.keyboard.press("Escape")
    expect(maker.locator("#bell-count")).to_have_text("0")
    with maker.expect_response("**/me/notices"):
        maker.reload()
    expect(maker.locator("#bell-count")).to_have_text("0")
    assert popups == []  # no prompt() or confirm() on the way


def test_the_escalation_form_takes_severity_and_the_claim(new_page, live_server, server_env,
                                                         holdings):
    case_id, claim_id = holdings
    agent = signed_in(new_page, live_server, "claims@caseline.demo")
    open_case(agent, live_server, case_id, "CL-E2ESIGN1")
    agent.click("#escalate-fraud")
    agent.click("#escalate-dialog-submit")
    expect(agent.locator("#escalate-dialog-summary-error")).to_have_text("Say what looks wrong.")
    agent.fill("#escalate-dialog-summary", "The invoice is for a different car")
    agent.select_option("#escalate-dialog-severity", "high")
    agent.select_option("#escalate-dialog-claim_id", label="Claim CLM-E2E-SIGN")
    agent.click("#escalate-dialog-submit")
    expect(agent.locator("#case-header .work-investigation")).to_contain_text("under review")
    with served_db(server_env["DATABASE_URL"]) as conn:
        made = conn.execute(select(Investigation.severity, Investigation.claim_id).where(
            Investigation.case_id == case_id)).one()
    assert tuple(made) == ("high", claim_id)


def stubbed(page):
    page.add_init_script(BROWSER_STUBS)
    return page


def test_notifications_a_call_answered_by_key_and_work_taken_during_it(new_page, phone_server):
    base, _db = phone_server
    colleague = signed_in(new_page, base, "collections@caseline.demo")
    expect(colleague.locator("#phone-state")).to_have_text("away")
    colleague_id = colleague.evaluate("fetch('/api/v1/me').then(r => r.json()).then(m => m.id)")
    page = signed_in(lambda: stubbed(new_page()), base, "agent@caseline.demo")
    assert page.evaluate("window.__asked") == 0  # never asked on load

    # The setting: turning desktop notifications on asks the browser, from the Save press.
    page.click("#notify-settings-button")
    expect(page.locator("#notify-permission")).to_contain_text("will ask you")
    page.check("#notify-desktop")
    page.check("#notify-sound")
    page.click("#notify-save")
    expect(page.locator("#notify-dialog")).to_have_count(0)
    assert page.evaluate("window.__asked") == 1
    saved = page.evaluate("fetch('/api/v1/me/notifications').then(r => r.json())")
    assert saved == {"desktop": True, "sound": True}
    page.reload()  # kept with the account: the next page shows it, and asks nothing
    page.click("#notify-settings-button")
    expect(page.locator("#notify-desktop")).to_be_checked()
    page.keyboard.press("Escape")

    # Work offered while available: notified (the router offers none to an agent on a call).
    page.click("#phone-presence")
    expect(page.locator("#phone-state")).to_have_text("available")
    text_in(base, "SM" + "c3" * 16, "Can I pay next week instead?", "+14155550177")
    # (The demo's own simulated traffic may be offered too: this card is the one sent here.)
    card = page.locator("#work-offers .offer-card", has_text="Can I pay next week instead?")
    expect(card).to_have_count(1)
    page.wait_for_function("window.__notes.some(n => n.title.startsWith('SMS offered'))")

    # A ringing call: a desktop notification with a tone; "p" answers, not while typing.
    page.click("#phone-simulate")
    expect(page.locator("#phone-offer")).to_be_visible()
    expect(page.locator("#phone-answer")).to_contain_text("p")
    page.wait_for_function("window.__notes.some(n => n.title.startsWith('Incoming call'))")
    assert page.evaluate("window.__tones") > 0
    page.fill("#search", "p")
    expect(page.locator("#phone-state")).to_have_text("incoming call")
    page.fill("#search", "")
    page.locator("#search").blur()
    page.keyboard.press("p")
    expect(page.locator("#phone-state")).to_have_text("on call")
    link = page.locator("#phone-call-case")
    expect(link).to_be_visible()
    call_case = re.search(r"#case/(\d+)$", link.get_attribute("href")).group(1)
    expect(page).to_have_url(re.compile(rf"#case/{call_case}$"))

    # The message offered before the call is taken during it: the call's case stays.
    card.locator(".offer-accept").click()
    expect(card).to_have_count(0)
    expect(page.locator("#offer-status")).to_contain_text("in your tray")
    expect(page.locator("#work-in-hand .in-hand-item").first).to_be_visible()
    expect(page).to_have_url(re.compile(rf"#case/{call_case}$"))

    # Looking elsewhere, the phone bar's link brings the caller's case back.
    page.goto(f"{base}/#case/{int(call_case) + 1}")
    page.click("#phone-call-case")
    expect(page).to_have_url(re.compile(rf"#case/{call_case}$"))

    # The transfer picker follows a colleague's state live.
    option = page.locator(f"#phone-transfer-target option[value='user:{colleague_id}']")
    expect(option).to_contain_text("(away)")
    colleague.click("#phone-presence")
    expect(option).to_contain_text("(available)")
    colleague.click("#phone-presence")
    expect(option).to_contain_text("(away)")

    page.click("#phone-end")
    page.select_option("#phone-disposition", index=1)
    page.click("#phone-wrapup-submit")
    expect(page.locator("#phone-message")).to_have_text("Call wrapped up.")


def test_a_backlog_met_on_going_available_waits_in_one_tray(new_page, sms_server):
    base, _db = sms_server
    page = signed_in(new_page, base, "agent@caseline.demo")
    expect(page.locator("#phone-state")).not_to_have_text("offline")
    if page.locator("#phone-state").inner_text() == "available":
        page.click("#phone-presence")
    expect(page.locator("#phone-state")).to_have_text("away")
    for n in range(3):
        text_in(base, "SM" + f"d{n}" * 16, f"Backlog message {n}", f"+1415555020{n}")
    page.click("#phone-presence")
    tray = page.locator("#work-offers")
    expect(tray.locator(".offer-card")).to_have_count(3)
    expect(page.locator("#offer-tray-count")).to_have_text("3 offers waiting · oldest first")
    expect(tray.locator(".offer-card.compact")).to_have_count(2)  # one line each
    expect(tray.locator(".offer-card.compact .offer-snippet").first).to_be_hidden()
    box = tray.bounding_box()
    assert box and box["y"] + box["height"] <= 720  # the tray stays on screen
    tray.locator(".offer-card").nth(2).locator(".offer-decline").click()
    expect(page.locator("#offer-tray-count")).to_have_text("2 offers waiting · oldest first")
    tray.locator(".offer-card").nth(1).locator(".offer-accept").click()
    expect(tray.locator(".offer-card")).to_have_count(1)
    expect(page.locator("#offer-tray-count")).to_have_text("")
    expect(tray.locator(".offer-card.compact")).to_have_count(0)  # the last one shows in full
