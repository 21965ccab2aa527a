"""Case work in a real browser: a customer made by hand, edited, merged after a preview; a
case closed with a reason; a task added and done, also in "My tasks"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert

from crm.models import Interaction
from crm.models.workspace import reversed_digits
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, on_a_simulated_call, signed_in


@pytest.fixture(scope="module")
def duplicate(server_env):
    """A customer with two texts on their case, written straight into the served database."""
    phone = "+12025550961"
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Quillon Dupe", "CL-E2EDUPE1",
                             {"kind": "phone", "value": phone,
                              "digits_rev": reversed_digits(phone)})
        start = datetime.now(UTC) - timedelta(days=3)
        conn.execute(insert(Interaction.__table__), [
            {"client_id": client_id, "case_id": case_id, "medium": "sms",
             "direction": "inbound", "status": "received", "body": f"Dupe text {n}",
             "occurred_at": start + timedelta(hours=n)} for n in range(2)])
    return case_id


def _new_customer(page, name, phone):
    page.click("#new-customer-button")
    page.fill("#new-customer-name", name)
    page.fill("#new-customer-phones", phone)
    page.fill("#new-customer-emails", f"{name.split()[0].lower()}@example.com")
    page.fill("#new-customer-timezone", "Europe/Lisbon")
    page.click("#new-customer-create")
    expect(page.locator("#case-customer")).to_have_text(name)
    expect(page.locator("#customer-name")).to_have_text(name)


def test_a_customer_made_by_hand_is_edited_and_takes_in_a_duplicate(live_server, sign_in,
                                                                   new_page, duplicate):
    page = sign_in(new_page())
    _new_customer(page, "Quillon Original", "(202) 555-0962")
    pane = page.locator("#customer-pane")
    expect(pane.locator(".cp-value", has_text="+12025550962")).to_be_visible()
    # A phone already someone's is refused, in words.
    page.click("#new-customer-button")
    page.fill("#new-customer-name", "Someone Else")
    page.fill("#new-customer-phones", "+1 202 555 0961")
    page.click("#new-customer-create")
    expect(page.locator("#new-customer-error")).to_contain_text("already belongs")
    page.keyboard.press("Escape")

    page.click("#customer-edit-details summary")
    page.fill("#customer-edit-language", "pt")
    page.click("#customer-edit-form button[type=submit]")
    expect(page.locator("#customer-language")).to_have_text("pt")
    page.click("#customer-edit-details summary")
    page.fill("#contact-add-value", "quillon.work@example.com")
    page.click("#contact-add-form button[type=submit]")
    expect(pane.locator(".cp-value", has_text="quillon.work@example.com")).to_be_visible()

    page.click("#customer-merge summary")
    page.fill("#merge-search", "Quillon Dupe")
    page.click("#merge-search-form button[type=submit]")
    page.click(".merge-pick")
    preview = page.locator("#merge-preview")
    expect(preview.locator("[data-moves=interactions]")).to_have_text("2 timeline items")
    expect(preview.locator("[data-moves=contact_points]")).to_have_text("1 contact points")
    expect(preview).to_contain_text("CL-E2EDUPE1")
    page.click("#merge-confirm")
    expect(page.locator("#timeline")).to_contain_text("Dupe text 1")
    expect(pane.locator(".cp-value", has_text="+12025550961")).to_be_visible()
    expect(pane.locator(".linked")).to_contain_text("Quillon Dupe")


def test_closing_a_case_asks_why_and_shows_it(live_server, sign_in, new_page):
    page = sign_in(new_page())
    _new_customer(page, "Rosalind Closer", "+1 202 555 0963")
    page.select_option("#case-status-select", "closed")
    page.click("#case-work-save")
    expect(page.locator("#case-work-error")).to_contain_text("Say why")
    page.fill("#case-status-reason", "Policy cancelled at the customer's request")
    page.fill("#case-labels", "retention, VIP")
    page.click("#case-work-save")
    expect(page.locator("#case-status")).to_have_text("closed")
    expect(page.locator("#case-status-why")).to_contain_text("Policy cancelled")
    expect(page.locator("#timeline")).to_contain_text(
        "Status open → closed: Policy cancelled at the customer's request")
    page.reload()
    expect(page.locator("#case-labels")).to_have_value("retention, VIP")


def test_a_task_is_added_seen_in_my_tasks_and_done(live_server, sign_in, new_page):
    page = sign_in(new_page())
    _new_customer(page, "Tobias Tasker", "+1 202 555 0964")
    page.fill("#task-title", "Send the renewal quote")
    page.fill("#task-due", "2099-03-04T10:30")
    page.click("#task-form button[type=submit]")
    item = page.locator("#case-task-list li", has_text="Send the renewal quote")
    expect(item).to_be_visible()
    page.click("#my-tasks-button")
    expect(page.locator("#my-task-list")).to_contain_text("Send the renewal quote")
    page.click("#my-tasks-dialog form[method=dialog] button")
    item.locator(".task-done").click()
    expect(item).to_have_count(0)


def test_callback_arranged_on_wrap_up_is_a_task_for_the_agent(new_page, demo_server):
    base, _ = demo_server
    page = signed_in(new_page, base, "agent@caseline.demo")
    on_a_simulated_call(page)
    page.click("#phone-end")
    expect(page.locator("#phone-wrapup")).to_be_visible()
    page.select_option("#phone-disposition", "callback")
    expect(page.locator("#phone-callback")).to_be_visible()
    page.click("#phone-wrapup-submit")  # no time given: refused, in words
    expect(page.locator("#phone-message")).to_contain_text("callback")
    page.fill("#phone-callback-at", "2099-06-01T09:15")
    page.click("#phone-wrapup-submit")
    expect(page.locator("#phone-wrapup")).to_be_hidden()
    expect(page.locator("#case-task-list")).to_contain_text("Callback arranged")
    page.click("#my-tasks-button")
    expect(page.locator("#my-task-list")).to_contain_text("Callback arranged")
