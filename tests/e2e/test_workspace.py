"""The agent workspace in a real browser: search, open, note live, XSS-safe, long history."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert

from crm.models import Interaction
from crm.models.workspace import reversed_digits
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, open_case, signed_in, text_in

LONG = 5_000
MEDIA = [("sms", "inbound"), ("voice", "outbound"), ("email", "inbound"), ("note", "internal"),
         ("whatsapp", "outbound"), ("chat", "inbound")]


def _customer(conn, client_id, name, phone, reference, items):
    now = datetime.now(UTC)
    case_id = add_person(conn, client_id, name, reference,
                      {"kind": "phone", "value": phone, "digits_rev": reversed_digits(phone),
                       "opt_outs": {"sms": now.isoformat()},
                       # Consent to texts given a year before they opted out of them.
                       "consents": {"sms": (now - timedelta(days=365)).isoformat(),
                                    "whatsapp": now.isoformat()}},
                      timezone="Europe/Berlin", language="de")
    start = now - timedelta(days=4 * 365)
    rows = []
    for n in range(items):
        medium, direction = MEDIA[n % len(MEDIA)]
        body = "The very first contact" if n == 0 else f"History item {n}"
        rows.append({"client_id": client_id, "case_id": case_id, "medium": medium,
                     "direction": direction, "status": "delivered", "body": body,
                     "occurred_at": start + timedelta(minutes=n * 400)})
    if rows:
        conn.execute(insert(Interaction.__table__), rows)
    return case_id


@pytest.fixture(scope="session")
def cases(server_env):
    """Two customers written straight into the served database: a short case and a long one."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        made = {
            "short": _customer(conn, client_id, "Zoë Ångström-Test", "+12025550188",
                               "CL-E2ESHORT", 3),
            "long": _customer(conn, client_id, "Long Historia", "+12025550147",
                              "CL-E2ELONG1", LONG),
        }
    return made


def _mail_customer(conn, client_id, name, address, reference, emails):
    """A customer reachable by email whose case holds these (direction, subject) emails, oldest
    first."""
    now = datetime.now(UTC)
    case_id = add_person(conn, client_id, name, reference, {"kind": "email", "value": address})
    ours = "claims@caseline.demo"
    conn.execute(insert(Interaction.__table__), [
        {"client_id": client_id, "case_id": case_id, "medium": "email", "direction": direction,
         "subject": subject, "status": "received", "body": f"Email {n}",
         "from_addr": address if direction == "inbound" else ours,
         "to_addr": ours if direction == "inbound" else address,
         "occurred_at": now - timedelta(hours=len(emails) - n)}
        for n, (direction, subject) in enumerate(emails)])
    return case_id


def _mail_cases(url: str) -> dict:
    """Customers who wrote by email: in a thread with a subject, without one, and a third."""
    with served_default(url) as (conn, client_id):
        made = {
            "thread": _mail_customer(conn, client_id, "Thandi Mailthread", "thandi@example.com",
                                     "CL-E2EMAIL1",
                                     [("outbound", "Your claim [CL-E2EMAIL1]"),
                                      ("inbound", "RE: Re: Your claim [CL-E2EMAIL1]")]),
            "plain": _mail_customer(conn, client_id, "Pieter Nosubject", "pieter@example.com",
                                    "CL-E2EMAIL2", [("inbound", None)]),
            "notes": _mail_customer(conn, client_id, "Noor Notetaker", "noor@example.com",
                                    "CL-E2EMAIL3", [("inbound", "A question")]),
        }
    return made


@pytest.fixture(scope="session")
def mail_cases(server_env):
    """The email customers in the served console's database."""
    return _mail_cases(server_env["DATABASE_URL"])


@pytest.fixture(scope="module")
def sms_mail_cases(sms_server):
    """The email customers in the SMS console's database (a copy of the demo data only)."""
    return _mail_cases(sms_server[1])


def open_by_search(page, typed, name):
    page.keyboard.press("/")
    expect(page.locator("#search")).to_be_focused()
    page.keyboard.type(typed)
    expect(page.locator(".search-hit").first).to_contain_text(name)
    page.keyboard.press("Enter")
    expect(page.locator("#case-customer")).to_have_text(name)


def test_search_a_phone_in_another_format_open_the_case_and_a_note_appears_live_elsewhere(
        new_page, sign_in, live_server, cases):
    agent = sign_in(new_page())
    expect(agent.locator("#connection")).to_have_text("live")
    open_by_search(agent, "(202) 555-0188", "Zoë Ångström-Test")
    assert agent.url.endswith(f"#case/{cases['short']}")
    expect(agent.locator("#customer-pane")).to_contain_text("+12025550188")
    # One state per medium, the one that holds: the opt-out (since when), not the consent
    # it overrode; the consent to WhatsApp stands.
    states = agent.locator("#customer-pane .cp-state")
    expect(states).to_have_text([re.compile(r"^opted out of SMS since "),
                                 re.compile(r"^consent to WhatsApp since ")])
    expect(agent.locator("#customer-language")).to_have_text("de")
    expect(agent.locator(".tl-item")).to_have_count(3)

    other = sign_in(new_page(), "supervisor@caseline.demo")
    other.goto(f"{live_server}/#case/{cases['short']}")
    expect(other.locator("#case-customer")).to_have_text("Zoë Ångström-Test")
    expect(other.locator("#viewers")).to_have_text("Also viewing: Demo Agent")
    expect(agent.locator("#viewers")).to_have_text("Also viewing: Demo Supervisor")

    agent.locator("#timeline").click()
    agent.keyboard.press("n")
    expect(agent.locator("#composer-body")).to_be_focused()
    agent.keyboard.type("Customer confirmed the new address")
    agent.keyboard.press("Control+Enter")
    expect(other.locator(".tl-item").first).to_contain_text("Customer confirmed the new address")
    expect(other.locator(".tl-item").first).to_contain_text("Demo Agent")
    expect(agent.locator(".tl-item", has_text="Customer confirmed")).to_have_count(1)
    expect(other.locator(".tl-item")).to_have_count(4)

    other.close()
    expect(agent.locator("#viewers")).to_be_hidden()


def test_a_note_with_html_and_script_is_shown_as_text_and_never_runs(new_page, sign_in,
                                                                     live_server, cases):
    page = sign_in(new_page())
    page.goto(f"{live_server}/#case/{cases['short']}")
    expect(page.locator("#case-customer")).to_be_visible()
    evil = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script> hello'
    page.fill("#composer-body", evil)
    page.click("#composer-send")
    body = page.locator(".tl-body", has_text="onerror")
    expect(body).to_have_text(evil)
    assert page.evaluate("window.__xss") is None
    assert page.locator("#timeline img, #timeline script").count() == 0
    page.reload()
    expect(page.locator(".tl-body", has_text="onerror").first).to_have_text(evil)
    assert page.evaluate("window.__xss") is None


def test_an_unsent_draft_waits_on_its_case_while_the_agent_is_on_another(new_page, sign_in,
                                                                        live_server, cases):
    page = sign_in(new_page())
    open_case(page, live_server, cases['short'], "CL-E2ESHORT")
    page.fill("#composer-body", "Half-written reply about the excess")
    # Another case opens (a screen pop does the same): its composer starts empty.
    page.evaluate(f"location.hash = '#case/{cases['long']}'")
    expect(page.locator("#case-reference")).to_have_text("CL-E2ELONG1")
    expect(page.locator("#composer-body")).to_have_value("")
    page.go_back()
    expect(page.locator("#case-reference")).to_have_text("CL-E2ESHORT")
    expect(page.locator("#composer-body")).to_have_value("Half-written reply about the excess")


def test_an_unsent_draft_survives_a_reload_but_not_a_sign_out(new_page, sign_in, live_server,
                                                              cases):
    page = sign_in(new_page())
    open_case(page, live_server, cases['short'], "CL-E2ESHORT")
    page.fill("#composer-body", "Draft the agent must not lose")
    page.reload()
    expect(page.locator("#case-reference")).to_have_text("CL-E2ESHORT")
    expect(page.locator("#composer-body")).to_have_value("Draft the agent must not lose")

    # Signed out, the next person at the desk signs in to the same tab: nothing is left.
    page.click("text=Sign out")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("input[name=email]")).to_be_visible()
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.includes('draft'))") == []
    sign_in(page)
    open_case(page, live_server, cases['short'], "CL-E2ESHORT")
    expect(page.locator("#composer-body")).to_have_value("")


def test_a_medium_that_cannot_be_used_says_why_and_cannot_be_chosen(new_page, sign_in,
                                                                   live_server, cases):
    page = sign_in(new_page())
    open_case(page, live_server, cases['short'], "CL-E2ESHORT")
    whatsapp = page.locator("#composer-medium option[value=whatsapp]")
    expect(whatsapp).to_be_disabled()  # they never wrote on WhatsApp: outside its window
    expect(whatsapp).to_contain_text("WhatsApp — the customer has not written on whatsapp")
    expect(page.locator("#composer-medium option[value=note]")).to_be_enabled()
    page.keyboard.press("n")  # the note shortcut still works; a barred medium is never chosen
    expect(page.locator("#composer-medium")).to_have_value("note")


def test_a_decision_asked_for_is_signed_off_by_a_reviewer_never_its_maker(new_page, sign_in,
                                                                          live_server, cases):
    maker = sign_in(new_page(), "collections@caseline.demo")
    open_case(maker, live_server, cases['short'], "CL-E2ESHORT")
    maker.click("#ask-sign-off")
    maker.select_option("#sign-off-dialog-kind", "other")  # the case holds no debt or claim
    maker.fill("#sign-off-dialog-summary", "Settle at 60% of the balance")
    maker.click("#sign-off-dialog-submit")
    mine = maker.locator("#decisions .decision", has_text="Settle at 60%")
    expect(mine).to_contain_text("(yours: a reviewer decides)")
    expect(mine.locator("button")).to_have_count(0)

    reviewer = sign_in(new_page(), "reviewer@caseline.demo")
    waiting = reviewer.locator("#wl-sign-off button", has_text="Settle at 60%")
    waiting.click()  # their worklist leads to it
    expect(reviewer.locator("#case-reference")).to_have_text("CL-E2ESHORT")
    theirs = reviewer.locator("#decisions .decision", has_text="Settle at 60%")
    approve = theirs.get_by_role("button", name="Approve")
    # In the side column, beside the conversation: scrolled to, nothing over it.
    approve.scroll_into_view_if_needed()
    expect(approve).to_be_in_viewport()
    approve.click()
    reviewer.click("#review-dialog-submit")  # Approve…, then confirm
    expect(reviewer.locator("#review-confirm")).to_contain_text("cannot be undone")
    reviewer.click("#review-dialog-submit")
    expect(theirs).to_have_count(0)
    expect(waiting).to_have_count(0)
    expect(mine).to_have_count(0)  # the maker's page hears of it live


def test_an_agent_escalates_to_fraud_and_only_the_fraud_team_sees_the_ring(new_page, sign_in,
                                                                           live_server, cases):
    agent = sign_in(new_page(), "claims@caseline.demo")
    open_case(agent, live_server, cases['long'], "CL-E2ELONG1")
    agent.click("#escalate-fraud")
    agent.fill("#escalate-dialog-summary", "Same invoice as another claim")
    agent.click("#escalate-dialog-submit")
    # The escalating agent is not on the fraud team: the investigation is only "under review".
    expect(agent.locator(".work-investigation")).to_contain_text("under review")
    expect(agent.locator("#escalate-fraud")).to_have_count(0)

    fraud = sign_in(new_page(), "fraud@caseline.demo")
    fraud.locator("#wl-escalated button", has_text="Same invoice as another claim").click()
    expect(fraud.locator("#case-reference")).to_have_text("CL-E2ELONG1")
    fraud.fill("#link-other", "CL-E2ESHORT")
    fraud.fill("#link-reason", "same bank account")
    fraud.click(".link-form button[type=submit]")
    expect(fraud.locator(".linked")).to_contain_text("fraud ring: same bank account")
    agent.reload()
    expect(agent.locator("#customer-name")).to_be_visible()
    expect(agent.locator(".linked")).to_have_count(0)  # the agent never sees the ring
    expect(agent.locator("#link-other")).to_have_count(0)


def test_a_customers_number_is_called_from_their_pane(new_page, sign_in, live_server, cases):
    page = sign_in(new_page(), "claims@caseline.demo")
    open_case(page, live_server, cases['short'], "CL-E2ESHORT")
    page.click(".cp-call")
    expect(page.locator("#phone-call-label")).to_contain_text("Calling +12025550188")
    page.click("#phone-end")
    page.select_option("#phone-disposition", index=1)
    page.click("#phone-wrapup-submit")
    expect(page.locator("#phone-message")).to_have_text("Call wrapped up.")
    expect(page.locator(".tl-item.medium-voice.dir-outbound").first).to_be_visible()


def test_part_of_a_number_finds_the_customer(new_page, sign_in, cases):
    page = sign_in(new_page())
    page.fill("#search", "0147")
    expect(page.locator(".search-hit")).to_contain_text(["Long Historia"])
    page.fill("#search", "angstrom")
    expect(page.locator(".search-hit").first).to_contain_text("Zoë Ångström-Test")


def test_scroll_far_back_in_a_long_case(new_page, sign_in, live_server, cases):
    page = sign_in(new_page())
    page.goto(f"{live_server}/#case/{cases['long']}")
    # The newest history item leads (after anything another test added since, such as an
    # escalation's entry).
    history = page.locator(".tl-item", has_text="History item")
    expect(history.first).to_contain_text(f"History item {LONG - 1}")
    first = page.locator(".tl-body", has_text="The very first contact")
    # Scroll the timeline to its end again and again, as an agent holding End would.
    page.eval_on_selector("#timeline-scroll", """async (el) => {
      for (let i = 0; i < 1000 && !document.querySelector('#timeline-status')
             .textContent.startsWith('Start'); i += 1) {
        el.scrollTop = el.scrollHeight;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      el.scrollTop = el.scrollHeight;
    }""")
    expect(first).to_be_visible()
    expect(page.locator("#timeline-status")).to_have_text("Start of the history")
    ids = page.eval_on_selector_all(".tl-item", "els => els.map(e => Number(e.dataset.id))")
    assert len(set(ids)) == len(ids) and history.count() == LONG - 1  # each once, all there
    assert ids == sorted(ids, reverse=True)  # inserted oldest first, so ids order = time order


def test_after_a_dropped_connection_missed_items_arrive_once(new_page, sign_in, live_server,
                                                             cases):
    page = sign_in(new_page())
    page.goto(f"{live_server}/#case/{cases['short']}")
    expect(page.locator("#connection")).to_have_text("live")
    expect(page.locator(".tl-item").first).to_be_visible()
    page.evaluate("window.caseline.socket.disconnect()")
    expect(page.locator("#connection")).not_to_have_text("live")
    other = sign_in(new_page(), "supervisor@caseline.demo")
    token = other.locator('meta[name="csrf-token"]').get_attribute("content")
    resp = other.request.post(f"{live_server}/api/v1/cases/{cases['short']}/notes",
                              data={"body": "Written while you were offline"},
                              headers={"X-CSRFToken": token})
    assert resp.status == 201
    assert page.locator(".tl-item", has_text="while you were offline").count() == 0
    page.evaluate("window.caseline.socket.connect()")
    expect(page.locator("#connection")).to_have_text("live")
    expect(page.locator(".tl-item", has_text="while you were offline")).to_have_count(1)


def test_keyboard_shortcuts(new_page, sign_in, live_server, cases):
    page = sign_in(new_page())
    page.goto(f"{live_server}/#case/{cases['short']}")
    expect(page.locator(".tl-item").first).to_be_visible()
    page.locator("#case-header").click()
    page.keyboard.press("?")
    expect(page.locator("#shortcuts")).to_be_visible()
    expect(page.locator("#shortcuts")).to_contain_text("Start a note")
    page.keyboard.press("Escape")
    expect(page.locator("#shortcuts")).to_be_hidden()
    page.keyboard.press("j")
    page.keyboard.press("j")
    items = page.locator(".tl-item")
    expect(page.locator(".tl-item.selected")).to_have_count(1)
    expect(items.nth(1)).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("k")
    expect(items.nth(0)).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("n")
    expect(page.locator("#composer-body")).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("/")
    expect(page.locator("#search")).to_be_focused()
    page.keyboard.type("Historia")
    expect(page.locator(".search-hit")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(page.locator("#case-customer")).to_have_text("Long Historia")


def timeline_requests(page) -> list[str]:
    """The URLs of the page's timeline requests, as they are made."""
    seen = []
    page.on("request", lambda r: seen.append(r.url) if "/timeline" in r.url else None)
    return seen


def test_a_timeline_that_fails_stops_shows_why_and_retries_on_request(new_page, sign_in,
                                                                      live_server, mail_cases):
    page = sign_in(new_page())
    seen = timeline_requests(page)
    pattern = f"**/api/v1/cases/{mail_cases['plain']}/timeline*"
    # The service is briefly down: the browser sees a 503 (the network is the boundary here).
    page.route(pattern, lambda route: route.fulfill(
        status=503, content_type="application/json",
        body='{"error": {"code": "unavailable", "message": "try again shortly"}}'))
    page.goto(f"{live_server}/#case/{mail_cases['plain']}")
    expect(page.locator("#timeline-status")).to_contain_text("Could not load: try again shortly")
    page.wait_for_timeout(1500)
    assert len(seen) <= 2, seen  # the first page, perhaps the socket's catch-up: no loop
    before = len(seen)
    page.unroute(pattern)
    page.click("#timeline-retry")
    expect(page.locator(".tl-item")).to_have_count(1)
    expect(page.locator("#timeline-retry")).to_have_count(0)
    assert len(seen) == before + 1


def test_a_link_to_an_unknown_case_asks_once_and_says_not_found_in_our_words(
        new_page, sign_in, live_server):
    page = sign_in(new_page())
    seen = timeline_requests(page)
    page.goto(f"{live_server}/#case/99999999")
    page.wait_for_timeout(1500)
    assert len(seen) <= 1, seen  # the 404 is not asked again and again
    expect(page.locator("#case-header")).to_have_text(
        "Case not found (it may have been merged or you may not have access).")
    expect(page.locator("#composer")).to_be_hidden()


def test_links_to_malformed_case_ids_say_so_and_request_nothing(new_page, sign_in,
                                                                live_server, cases):
    page = sign_in(new_page())
    seen = timeline_requests(page)
    header = page.locator("#case-header")
    for bad in ("99999999999999999999999", "abc", "27/x", "0", "-3", "1.5"):
        # Each time from a case on screen: a bad link must not leave it there unremarked.
        page.evaluate(f"location.hash = '#case/{cases['short']}'")
        expect(page.locator("#case-reference")).to_have_text("CL-E2ESHORT")
        expect(page.locator(".tl-item").first).to_be_visible()
        expect(page.locator("#customer-name")).to_have_text("Zoë Ångström-Test")
        seen.clear()
        page.evaluate(f"location.hash = '#case/{bad}'")
        expect(header).to_have_text("No such case: the link does not name one.")
        expect(page.locator(".tl-item")).to_have_count(0)
        expect(page.locator("#customer-name")).to_have_count(0)
        expect(page.locator("#composer")).to_be_hidden()
        page.wait_for_timeout(300)
        # (A page of the case before, still on its way as the link changed, is not the bad
        # link's doing.)
        asked = [u for u in seen if f"/cases/{cases['short']}/" not in u]
        assert asked == [], (bad, asked)


def test_ctrl_enter_pressed_twice_quickly_sends_once(new_page, sign_in, live_server,
                                                     mail_cases):
    page = sign_in(new_page())
    page.goto(f"{live_server}/#case/{mail_cases['notes']}")
    expect(page.locator("#composer-medium")).to_have_value("email")  # their last medium
    page.select_option("#composer-medium", "note")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.fill("#composer-body", "Called back about the excess, once")
    # Two presses in the same moment, before the first send has its answer.
    page.eval_on_selector("#composer-body", """(el) => {
      for (let i = 0; i < 2; i += 1) {
        el.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", ctrlKey: true,
                                                        bubbles: true, cancelable: true }));
      }
    }""")
    expect(page.locator("#composer-body")).to_have_value("")
    page.wait_for_timeout(500)
    assert len(posts) == 1, posts
    page.reload()
    expect(page.locator(".tl-body", has_text="about the excess, once")).to_have_count(1)


def test_an_email_reply_starts_with_the_threads_subject_and_one_re(new_page, sign_in,
                                                                    live_server, mail_cases):
    page = sign_in(new_page())
    page.goto(f"{live_server}/#case/{mail_cases['thread']}")
    expect(page.locator("#composer-medium")).to_have_value("email")
    # The last email's subject was "RE: Re: Your claim …": one "Re:" is enough.
    expect(page.locator("#composer-subject")).to_have_value("Re: Your claim [CL-E2EMAIL1]")


def test_the_email_subject_stays_with_its_case_and_clears_once_sent(new_page, sign_in,
                                                                     live_server, mail_cases):
    page = sign_in(new_page())
    subject, body = page.locator("#composer-subject"), page.locator("#composer-body")
    page.goto(f"{live_server}/#case/{mail_cases['thread']}")
    expect(page.locator("#composer-medium")).to_have_value("email")
    expect(page.locator(".tl-item")).to_have_count(2)
    subject.fill("Photos of the damage")
    body.fill("Please send photos of the damage.")

    page.evaluate(f"location.hash = '#case/{mail_cases['plain']}'")
    expect(page.locator("#case-reference")).to_have_text("CL-E2EMAIL2")
    expect(page.locator("#composer-medium")).to_have_value("email")
    expect(page.locator(".tl-item")).to_have_count(1)
    expect(subject).to_have_value("")  # not the other case's subject
    expect(body).to_have_value("")
    subject.fill("For Pieter")

    page.go_back()
    expect(page.locator("#case-reference")).to_have_text("CL-E2EMAIL1")
    expect(subject).to_have_value("Photos of the damage")
    expect(body).to_have_value("Please send photos of the damage.")
    page.click("#composer-send")
    expect(page.locator(".tl-subject", has_text="Photos of the damage")).to_have_count(1)
    expect(subject).to_have_value("")
    expect(body).to_have_value("")

    page.go_forward()
    expect(page.locator("#case-reference")).to_have_text("CL-E2EMAIL2")
    expect(subject).to_have_value("For Pieter")


def test_offer_cards_never_cover_the_composer_or_the_customer(new_page, sms_server,
                                                              sms_mail_cases):
    base, _db_url = sms_server
    page = signed_in(new_page, base, "agent@caseline.demo")
    page.set_viewport_size({"width": 1280, "height": 800})
    state = page.locator("#phone-state")
    expect(state).not_to_have_text("offline")
    if state.inner_text() != "available":
        page.click("#phone-presence")
    expect(state).to_have_text("available")
    page.goto(f"{base}/#case/{sms_mail_cases['thread']}")
    expect(page.locator("#customer-name")).to_have_text("Thandi Mailthread")
    for n in range(4):
        text_in(base, f"SM{n:032x}", f"Customer {n} needs help with a long question about "
                "their policy renewal and the excess", f"+1415555017{n}")
    cards = page.locator("#work-offers .offer-card")
    expect(cards).to_have_count(4)

    def overlaps(a, b):
        return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                    or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])

    offers = page.locator("#work-offers").bounding_box()
    for covered in ("#composer", "#composer-send", "#customer-pane"):
        assert not overlaps(offers, page.locator(covered).bounding_box()), covered
    # The click lands on Send itself (an empty composer answers), not on a card's Accept.
    page.click("#composer-send", timeout=3000)
    expect(page.locator("#composer-error")).to_have_text("Write something first.")
    expect(cards).to_have_count(4)
    # The fourth card is reachable by scrolling its column.
    cards.nth(3).locator(".offer-decline").click()
    expect(cards).to_have_count(3)
