"""The browser phone in a real browser: a simulated call answered, held, transferred, wrapped up."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import text

from tests.e2e.databases import served_db
from tests.e2e.pages import on_a_simulated_call, signed_in


def test_agent_answers_holds_resumes_transfers_and_wraps_up_a_simulated_call(new_page,
                                                                              demo_server):
    base, db_url = demo_server
    page = signed_in(new_page, base, "agent@caseline.demo")

    state = page.locator("#phone-state")
    expect(state).to_have_text("away")
    page.click("#phone-presence")
    expect(state).to_have_text("available")

    page.click("#phone-simulate")
    offer = page.locator("#phone-offer")
    expect(offer).to_be_visible()
    expect(page.locator("#phone-offer-case")).to_contain_text("CL-")
    expect(page.locator("#phone-offer .phone-caller")).to_contain_text("+1415555")
    # A caller known only by their number is not shown it twice.
    assert page.locator("#phone-offer .phone-caller").inner_text().count("+1415555") == 1
    # The pop opens the caller's case, with its history, before the call is answered.
    expect(page).to_have_url(re.compile(r"#case/\d+$"))
    reference = page.locator("#phone-offer-case").inner_text()
    expect(page.locator("#case-reference")).to_have_text(reference)
    expect(page.locator(".tl-item", has_text="Inbound call").first).to_be_visible()

    page.click("#phone-answer")
    expect(page.locator("#phone-call")).to_be_visible()
    expect(page.locator("#phone-call-label")).to_contain_text("simulated call")
    expect(state).to_have_text("on call")

    page.click("#phone-hold")
    expect(state).to_have_text("on hold")
    page.click("#phone-resume")
    expect(state).to_have_text("on call")

    page.select_option("#phone-transfer-target", label="collections")
    page.click("#phone-transfer")
    expect(page.locator("#phone-wrapup")).to_be_visible()
    expect(page.locator("#phone-message")).to_contain_text("Transferred to collections")

    page.click("#phone-wrapup-submit")  # no disposition chosen yet: refused
    expect(page.locator("#phone-message")).to_contain_text("Choose a disposition")
    page.select_option("#phone-disposition", "resolved")
    page.fill("#phone-notes", "Customer asked about their claim; sent to collections.")
    page.click("#phone-wrapup-submit")
    expect(page.locator("#phone-message")).to_have_text("Call wrapped up.")
    expect(page.locator("#phone-wrapup")).to_be_hidden()
    # The case's timeline shows the wrap-up by its label, with the notes.
    expect(page.locator(".tl-wrapup").first).to_contain_text(
        "Resolved — Customer asked about their claim; sent to collections.")

    with served_db(db_url) as conn:
        row = conn.execute(text("SELECT disposition, meta FROM interactions "
                                "WHERE medium = 'voice' ORDER BY id DESC LIMIT 1")).one()
        actions = [a for (a,) in conn.execute(text(
            "SELECT action FROM audit_events WHERE action LIKE 'call.%' ORDER BY id"))]
    assert row.disposition == "resolved"
    assert actions == ["call.held", "call.resumed", "call.transferred", "call.wrapped_up"]


def test_warm_transfer_hands_the_call_to_a_colleague_who_wraps_it_up(new_page, demo_server):
    base, _db = demo_server
    colleague = signed_in(new_page, base, "collections@caseline.demo")
    expect(colleague.locator("#phone-state")).to_have_text("away")
    colleague_id = colleague.evaluate("fetch('/api/v1/me').then(r => r.json()).then(m => m.id)")
    page = signed_in(new_page, base, "agent@caseline.demo")
    on_a_simulated_call(page)

    # The picker lists colleagues by name with their status (signed in, away).
    colleague_name = colleague.evaluate(
        "fetch('/api/v1/me').then(r => r.json()).then(m => m.name)")
    picked = page.locator(f"#phone-transfer-target option[value='user:{colleague_id}']")
    expect(picked).to_have_text(f"{colleague_name} (away)")
    page.select_option("#phone-transfer-target", f"user:{colleague_id}")
    page.check("#phone-warm")
    page.click("#phone-transfer")
    expect(page.locator("#phone-state")).to_have_text("consulting")
    expect(page.locator("#phone-message")).to_contain_text(f"Briefing {colleague_name}")
    page.click("#phone-transfer-complete")
    expect(page.locator("#phone-wrapup")).to_be_visible()

    expect(colleague.locator("#phone-call")).to_be_visible()
    expect(colleague.locator("#phone-call-label")).to_contain_text("(transferred)")
    # A reload on either side keeps each one's part: the wrap-up for the agent who handed the
    # call on, the live call for the colleague.
    page.reload()
    expect(page.locator("#phone-wrapup")).to_be_visible()
    colleague.reload()
    expect(colleague.locator("#phone-call-label")).to_contain_text("(resumed)")
    expect(colleague.locator("#phone-state")).to_have_text("on call")
    page.select_option("#phone-disposition", "resolved")
    page.click("#phone-wrapup-submit")
    expect(page.locator("#phone-message")).to_have_text("Call wrapped up.")

    colleague.click("#phone-end")
    expect(colleague.locator("#phone-wrapup")).to_be_visible()
    colleague.select_option("#phone-disposition", "resolved")
    colleague.click("#phone-wrapup-submit")
    expect(colleague.locator("#phone-message")).to_have_text("Call wrapped up.")


def test_a_reload_keeps_the_ringing_call_the_live_call_and_its_wrap_up(new_page,
                                                                         demo_server):
    base, _db = demo_server
    page = signed_in(new_page, base, "fraud@caseline.demo")
    page.click("#phone-presence")
    expect(page.locator("#phone-state")).to_have_text("available")
    page.click("#phone-simulate")
    expect(page.locator("#phone-offer")).to_be_visible()
    reference = page.locator("#phone-offer-case").inner_text()

    page.reload()
    # The server remembers that the agent is available and which call is ringing for them.
    expect(page.locator("#phone-offer")).to_be_visible()
    expect(page.locator("#phone-offer-case")).to_have_text(reference)
    expect(page.locator("#phone-presence")).to_have_text("Set away")
    expect(page.locator("#case-reference")).to_have_text(reference)
    page.click("#phone-answer")
    expect(page.locator("#phone-state")).to_have_text("on call")
    page.click("#phone-hold")
    expect(page.locator("#phone-state")).to_have_text("on hold")

    page.reload()  # mid-call: the call's controls come back as they were
    expect(page.locator("#phone-call")).to_be_visible()
    expect(page.locator("#phone-call-label")).to_contain_text("(resumed)")
    expect(page.locator("#phone-state")).to_have_text("on hold")
    expect(page.locator("#case-reference")).to_have_text(reference)  # the case, opened again
    expect(page.locator("#phone-presence")).to_be_disabled()  # the call decides the state
    page.click("#phone-resume")
    expect(page.locator("#phone-state")).to_have_text("on call")
    page.click("#phone-end")
    expect(page.locator("#phone-wrapup")).to_be_visible()

    page.reload()  # ended but not wrapped up: the wrap-up is still asked for
    expect(page.locator("#phone-wrapup")).to_be_visible()
    page.select_option("#phone-disposition", "resolved")
    page.click("#phone-wrapup-submit")
    expect(page.locator("#phone-message")).to_have_text("Call wrapped up.")
    # Available again for the next call, as the server has it (not "away" after the reloads).
    expect(page.locator("#phone-state")).to_have_text("available")
    expect(page.locator("#phone-presence")).to_have_text("Set away")
    expect(page.locator("#phone-presence")).to_be_enabled()
    page.reload()
    expect(page.locator("#phone-state")).to_have_text("available")
    expect(page.locator("#phone-wrapup")).to_be_hidden()


def test_double_clicks_do_one_thing_and_signing_out_ends_every_tab(new_page, demo_server):
    base, _db = demo_server
    # (The collections queue holds a call the first test transferred: not this agent's line.)
    page = signed_in(new_page, base, "claims@caseline.demo")
    on_a_simulated_call(page)
    errors = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.dblclick("#phone-hold")
    expect(page.locator("#phone-state")).to_have_text("on hold")
    page.dblclick("#phone-resume")
    expect(page.locator("#phone-state")).to_have_text("on call")
    expect(page.locator("#phone-message")).to_have_text("")  # no "already on hold" error
    assert errors == []

    # A second tab of the same browser: signing out there sends this one to the sign-in page,
    # and asks first, as a call is live.
    other = page.context.new_page()
    other.goto(base + "/")
    expect(other.locator("#phone-call")).to_be_visible()
    other.click("text=Sign out")
    ask = other.locator("#sign-out-dialog")
    expect(ask).to_contain_text("You are on a call: signing out leaves the caller with nobody.")
    ask.get_by_role("button", name="Sign out").click()
    # Polled, not awaited as one navigation: the form's and the socket's may cross.
    expect(other).to_have_url(re.compile(r"/login"))
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("input[name=email]")).to_be_visible()
