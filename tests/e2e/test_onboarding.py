"""An admin onboards a new client from scratch in the browser — the client, a number, a
mailbox, a widget key, a queue with a skill, two staff with that skill, business hours — and a
signed text and call to the new number are offered to one of those two; outside hours the
caller hears the client's announcement and can leave a voicemail."""

from __future__ import annotations

import json
import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import bindparam, text

from crm.hours.schedule import DAYS
from tests.e2e.conftest import start_sms_console
from tests.e2e.databases import served_db
from tests.e2e.pages import OUR_NUMBER, TOKEN, call_in, text_in

NEW_NUMBER = "+14155550177"
PASSWORD = "harbour-staff-1"


@pytest.fixture(scope="module")
def onboarding_server(server_env, served_databases, tmp_path_factory):
    """A console with a (fake) Twilio account, so signed webhooks are accepted; its URL."""
    url = served_databases.copy("onboarding")
    base, proc = start_sms_console(server_env, url, tmp_path_factory.mktemp("onboarding"),
                                   TWILIO_AUTH_TOKEN=TOKEN, TWILIO_PHONE_NUMBER=OUR_NUMBER)
    yield base, url
    proc.terminate()
    proc.wait(10)


def _sign_in(page, base, email, password, lands_on):
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + lands_on)
    return page


def _add(page, form, fields: dict, row_text: str, rows: str):
    """Fill a form's fields (#form-name: value; a <select> by its label) and add the row."""
    for selector, value in fields.items():
        control = page.locator(selector)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    page.click(f"#{form}-submit")
    expect(page.locator(f"#{form}-status")).to_have_text("Added.")
    expect(page.locator(f"#{rows} tbody")).to_contain_text(row_text)


def _add_person(page, email, name):
    page.fill("#user-email", email)
    page.fill("#user-name", name)
    page.fill("#user-password", PASSWORD)
    page.locator("#user-roles").get_by_label("Agent", exact=True).check()
    page.locator("#user-clients").get_by_label("Harbour Mutual").check()
    page.fill("#user-skills", "motor_claims: 3")
    page.fill("#user-languages", "en")
    page.click("#user-submit")
    expect(page.locator("#user-status")).to_have_text("Added.")
    expect(page.locator("#user-rows tbody")).to_contain_text(email)


def _set_hours(page, base, days: str, announcement: str, state: str, was: str):
    """Set Harbour Mutual's hours on /admin/hours: every day the same intervals."""
    page.click(".admin-nav >> text=Business hours")
    page.wait_for_url(base + "/admin/hours")
    page.select_option("#hours-client", label="Harbour Mutual")
    page.select_option("#hours-queue", label="The whole client")
    # The hours as they were are loaded into the form before it is changed.
    expect(page.locator("#hours-form[data-loaded]")).to_have_count(1)
    expect(page.locator("#hours-state")).to_contain_text(was)
    page.fill("#hours-timezone", "UTC")
    for day in DAYS:
        page.fill(f"#day-{day}", days)
    page.fill("#hours-announcement", announcement)
    page.click("#hours-save")
    expect(page.locator("#hours-message")).to_have_text("Saved.")
    expect(page.locator("#hours-state")).to_contain_text(state)


def _call_offered_to(url: str, call_sid: str) -> list:
    with served_db(url) as conn:
        found = conn.execute(text(
            "SELECT o.offered_to FROM offers o JOIN interactions i ON i.id = o.interaction_id "
            "WHERE i.provider_id = :sid"), {"sid": call_sid}).scalars().all()
    # A JSON column read as text (SQLite) or as the list (PostgreSQL).
    return [json.loads(v) if isinstance(v, str) else v for v in found]


def _user_ids(url: str, emails) -> set[int]:
    with served_db(url) as conn:
        return set(conn.execute(text("SELECT id FROM users WHERE email IN :emails").bindparams(
            bindparam("emails", expanding=True)), {"emails": list(emails)}).scalars())


def test_an_admin_onboards_a_client_and_its_first_text_reaches_its_staff(new_page,
                                                                           onboarding_server):
    base, url = onboarding_server
    admin = new_page()
    admin.set_viewport_size({"width": 1280, "height": 720})
    # An admin with no other role lands on the admin screens, not an empty console.
    _sign_in(admin, base, "admin@caseline.demo", "caseline-demo", "/admin/")
    expect(admin.locator(".admin-nav")).to_contain_text("Business hours")

    _add(admin, "client", {"#client-slug": "harbour-mutual", "#client-name": "Harbour Mutual",
                           "#client-colour": "#0b6e4f"}, "harbour-mutual", "client-rows")

    admin.click(".admin-nav >> text=Addresses")
    expect(admin.locator("#addresses")).to_be_visible()
    _add(admin, "address", {"#address-client_id": "Harbour Mutual",
                            "#address-kind": "Phone (calls, SMS)",
                            "#address-value": "+1 415 555 0177",
                            "#address-line_of_work": "insurance"}, NEW_NUMBER, "address-rows")
    # A number that is not in international form is refused beside its field.
    admin.fill("#address-value", "415 555 0178")
    admin.click("#address-submit")
    expect(admin.locator("#address-value-error")).to_contain_text("international format")
    _add(admin, "address", {"#address-kind": "Mailbox",
                            "#address-value": "claims@harbour.example",
                            "#address-line_of_work": "insurance"}, "claims@harbour.example",
         "address-rows")
    _add(admin, "address", {"#address-kind": "Chat widget key", "#address-value": "",
                            "#address-line_of_work": ""}, "Chat widget", "address-rows")

    admin.click(".admin-nav >> text=Queues")
    _add(admin, "queue", {"#queue-client_id": "Harbour Mutual", "#queue-name": "insurance",
                          "#queue-skills": "motor_claims: 2",
                          "#queue-sla_seconds": "sms: 600, voice: 20"}, "motor_claims: 2",
         "queue-rows")

    admin.click(".admin-nav >> text=Staff")
    # A skill level out of range is named beside the skills field; nothing is added.
    admin.fill("#user-email", "rosa@harbour.example")
    admin.fill("#user-name", "Rosa Diaz")
    admin.locator("#user-roles").get_by_label("Agent", exact=True).check()
    admin.locator("#user-clients").get_by_label("Harbour Mutual").check()
    admin.fill("#user-skills", "motor_claims: 9")
    admin.click("#user-submit")
    expect(admin.locator("#user-skills-error")).to_contain_text("from 1 to 5")
    admin.locator("#user-roles").get_by_label("Agent", exact=True).uncheck()
    admin.locator("#user-clients").get_by_label("Harbour Mutual").uncheck()
    _add_person(admin, "rosa@harbour.example", "Rosa Diaz")
    _add_person(admin, "theo@harbour.example", "Theo Park")

    # Both new agents sign in to their console and make themselves available.
    agents = []
    for email in ("rosa@harbour.example", "theo@harbour.example"):
        page = _sign_in(new_page(), base, email, PASSWORD, "/")
        expect(page.locator("#phone-state")).to_have_text("away")
        page.click("#phone-presence")
        expect(page.locator("#phone-state")).to_have_text("available")
        agents.append(page)

    text_in(base, "SM" + "c3" * 16, "A van reversed into my car", "+14155550142",
            to=NEW_NUMBER)
    cards = [p.locator("#work-offers .offer-card") for p in agents]
    deadline = time.monotonic() + 15
    while sum(c.count() for c in cards) == 0 and time.monotonic() < deadline:
        agents[0].wait_for_timeout(200)
    offered = [c for c in cards if c.count()]
    assert len(offered) == 1, "the text is offered to exactly one of the two"
    expect(offered[0]).to_contain_text("A van reversed into my car")
    expect(offered[0]).to_contain_text(re.compile(r"SMS · insurance · CL-"))

    # Business hours set on screen: open all day, a call is queued for one of the two.
    staff = _user_ids(url, ("rosa@harbour.example", "theo@harbour.example"))
    _set_hours(admin, base, "00:00-24:00", "Harbour Mutual is closed. Please leave a "
               "message after the tone.", "Open now", was="Not set")
    answered = call_in(base, "CA" + "d4" * 16, "+14155550143", to=NEW_NUMBER)
    assert "<Enqueue" in answered and "insurance" in answered
    [offered_to] = _call_offered_to(url, "CA" + "d4" * 16)
    assert offered_to and set(offered_to) <= staff, "the call is offered to the new staff"

    # Closed every day: the caller hears the announcement and can leave a voicemail.
    _set_hours(admin, base, "", "Harbour Mutual is closed. Please leave a message after "
               "the tone.", "Closed now", was="Open now")
    after_hours = call_in(base, "CA" + "e5" * 16, "+14155550144", to=NEW_NUMBER)
    assert "Harbour Mutual is closed. Please leave a message after the tone." in after_hours
    assert "<Record" in after_hours and "/voicemail-done" in after_hours
    assert "<Enqueue" not in after_hours
    assert _call_offered_to(url, "CA" + "e5" * 16) == []


def test_an_admin_styles_a_chat_widget_with_a_live_preview(new_page, onboarding_server):
    base, _ = onboarding_server
    admin = new_page()
    admin.set_viewport_size({"width": 1280, "height": 720})
    _sign_in(admin, base, "admin@caseline.demo", "caseline-demo", "/admin/")
    admin.click(".admin-nav >> text=Chat widgets")
    expect(admin.locator("#widget-form[data-ready]")).to_have_count(1)
    admin.select_option("#widget-choice", label="Default client · Demo website chat")
    expect(admin.locator("#widget-colour")).to_have_attribute("placeholder", re.compile("#"))
    # A colour that is not #rrggbb is refused beside its field, nothing saved.
    admin.fill("#widget-colour", "teal")
    admin.click("#widget-submit")
    expect(admin.locator("#widget-colour-error")).to_contain_text("#rrggbb")
    # The preview follows what is typed, before saving.
    admin.fill("#widget-colour", "#aa2200")
    admin.fill("#widget-greeting", "Welcome to the demo insurer")
    admin.select_option("#widget-field-phone", "off")
    preview = admin.locator("#widget-preview")
    expect(preview).to_contain_text("Welcome to the demo insurer")
    expect(preview).not_to_contain_text("Phone")
    assert preview.evaluate("e => e.style.getPropertyValue('--brand')") == "#aa2200"
    admin.click("#widget-submit")
    expect(admin.locator("#widget-status")).to_have_text("Saved.")

    visitor = new_page()
    visitor.goto(base + "/chat/widget?key=default")
    expect(visitor.locator(".chat-greeting")).to_have_text("Welcome to the demo insurer")
    expect(visitor.locator("#chat-start input[name=phone]")).to_have_count(0)
