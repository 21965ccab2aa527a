"""An admin onboards a new client from scratch in the browser — the client, a number, a
mailbox, a widget key, a queue with a skill, two staff with that skill — and a signed text to
the new number is offered to one of those two."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import start_sms_console
from tests.e2e.pages import OUR_NUMBER, TOKEN, text_in

NEW_NUMBER = "+14155550177"
PASSWORD = "harbour-staff-1"


@pytest.fixture(scope="module")
def onboarding_server(server_env, served_databases, tmp_path_factory):
    """A console with a (fake) Twilio account, so signed webhooks are accepted; its URL."""
    url = served_databases.copy("onboarding")
    base, proc = start_sms_console(server_env, url, tmp_path_factory.mktemp("onboarding"),
                                   TWILIO_AUTH_TOKEN=TOKEN, TWILIO_PHONE_NUMBER=OUR_NUMBER)
    yield base
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


def test_an_admin_onboards_a_client_and_its_first_text_reaches_its_staff(new_page,
                                                                           onboarding_server):
    base = onboarding_server
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
                            "#address-kind": "Phone number (calls and SMS)",
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
