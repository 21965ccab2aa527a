"""An SMS offered to an agent in a real browser: the card, accept, the case, done."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.pages import signed_in, text_in


def test_an_agent_accepts_an_sms_offer_works_it_in_the_case_and_finishes(new_page,
                                                                         sms_server):
    base, _db_url = sms_server
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
    base, _db_url = sms_server
    page = signed_in(new_page, base, "agent@caseline.demo")
    page.locator("body").press("?")
    expect(page.locator("#shortcuts")).to_contain_text("Accept / decline the work offered")
