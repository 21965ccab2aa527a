"""The chat widget as a visitor sees it: the client's branding, the widget's own pre-chat
questions, the place in the queue while waiting, and the rating at the end."""

import json
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from tests.e2e.conftest import start_server
from tests.e2e.databases import served_db

KEY = "e2e-phone-widget"
INSERT = ("INSERT INTO inbound_addresses (client_id, kind, value, label, widget) "
          "VALUES (:c, 'chat', :k, 'Website', :w)")
INSERT_PG = INSERT.replace(":w)", "CAST(:w AS jsonb))")


@pytest.fixture(scope="module")
def widget_server(server_env, served_databases, tmp_path_factory):
    """A console of its own (visitors' new chats are limited per address, so these tests do
    not spend the other chat tests' allowance); (URL, its database's URL)."""
    url = served_databases.copy("widget")
    _widget(url)
    env = {**server_env, "DATABASE_URL": url,
           "INSTANCE_PATH": str(tmp_path_factory.mktemp("widget-e2e") / "instance")}
    base, proc = start_server(env)
    yield base, url
    proc.terminate()
    proc.wait(10)


def _widget(database_url) -> None:
    """A widget of the demo client asking a required phone and no email."""
    with served_db(database_url) as conn:
        client_id = conn.execute(text("SELECT min(id) FROM clients")).scalar_one()
        insert = INSERT_PG if conn.dialect.name == "postgresql" else INSERT
        conn.execute(text(insert),
            {"c": client_id, "k": KEY, "w": json.dumps(
                {"fields": {"name": "required", "email": "off", "phone": "required"}})})
        conn.execute(text("UPDATE clients SET brand_colour = '#0f5c55', logo_url = NULL, "
                          "greeting = 'Hello! How can we help with your claim?' "
                          "WHERE id = :c"), {"c": client_id})


def test_the_widget_is_branded_and_asks_its_own_questions(widget_server, new_page):
    live_server, _ = widget_server
    page = new_page()
    page.set_viewport_size({"width": 340, "height": 460})  # the iframe's size on a client site
    page.goto(f"{live_server}/chat/widget?key={KEY}")
    head = page.locator(".chat-head")
    expect(head).to_have_css("background-color", "rgb(15, 92, 85)")
    expect(page.locator(".chat-greeting")).to_have_text("Hello! How can we help with your claim?")
    expect(page.get_by_label("Phone")).to_be_visible()
    assert page.locator("#chat-start input[name=email]").count() == 0

    page.fill("#chat-start input[name=name]", "Pia Phone")
    page.fill("#chat-start input[name=phone]", "not-an-address")
    page.click("#chat-start button[type=submit]")
    expect(page.locator("#chat-error")).to_have_text(
        "Please enter a phone number like +44 20 7946 0000.")
    page.fill("#chat-start input[name=phone]", "+1 415 555 0177")
    page.click("#chat-start button[type=submit]")
    expect(page.locator("#chat-room")).to_be_visible()
    expect(page.locator("#chat-error")).to_have_text("")
    box = page.locator("#chat-send button[type=submit]").bounding_box()
    assert box and box["x"] + box["width"] <= 340 and box["y"] + box["height"] <= 460


def test_a_waiting_visitor_sees_their_place_then_rates_the_chat(widget_server, new_page):
    live_server, database_url = widget_server
    page = new_page()
    page.goto(f"{live_server}/chat/widget?key=default")
    page.fill("#chat-start input[name=name]", "Quinn Queue")
    page.fill("#chat-start input[name=email]", "quinn@example.com")
    page.click("#chat-start button[type=submit]")
    # Queued as the chat starts: the room is not blank before the visitor writes.
    queue = page.locator("#chat-queue")
    expect(queue).to_be_visible()
    expect(page.locator("#chat-log li")).to_have_count(0)
    expect(queue).to_contain_text("An agent will be with you shortly.")
    expect(queue).to_have_text(re.compile(r"You are number \d+ in the queue\."))
    page.fill("#chat-send textarea", "Is anybody there?")
    page.press("#chat-send textarea", "Enter")
    expect(page.locator("#chat-log li.visitor")).to_have_count(1)
    expect(queue).to_have_text(re.compile(r"You are number \d+ in the queue\."))

    page.click("#chat-end")
    expect(page.locator("#chat-ended")).to_be_visible()
    expect(page.locator("#chat-transcript-send")).to_have_text(
        "Email me the chat at quinn@example.com")
    page.click("#chat-ended button[type=submit]")  # no score chosen
    expect(page.locator("#chat-error")).to_have_text("Please choose a rating from 1 to 5.")
    page.get_by_label("4").check()
    page.fill("#chat-ended textarea[name=comment]", "Friendly")
    page.click("#chat-ended button[type=submit]")
    expect(page.locator("#chat-rated")).to_have_text("Thank you for your feedback.")
    with served_db(database_url) as conn:
        score, comment = conn.execute(text(
            "SELECT csat_score, csat_comment FROM chat_visits WHERE contact = :c"),
            {"c": "quinn@example.com"}).one()
    assert (score, comment) == (4, "Friendly")


def test_the_widget_speaks_spanish(widget_server, new_page):
    live_server, _ = widget_server
    page = new_page()
    page.goto(f"{live_server}/chat/widget?key=default&lang=es")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.locator("#chat-start button[type=submit]")).to_have_text("Iniciar el chat")
    page.click("#chat-start button[type=submit]")
    expect(page.locator("#chat-error")).to_have_text("Díganos su nombre.")


def test_the_widget_follows_a_dark_system_and_the_brand_still_reads(widget_server, browser):
    live_server, _ = widget_server
    context = browser.new_context(color_scheme="dark", viewport={"width": 340, "height": 460})
    try:
        page = context.new_page()
        page.goto(f"{live_server}/chat/widget?key={KEY}")
        expect(page.locator(".chat-greeting")).to_be_visible()
        seen = page.evaluate("""() => {
          const rgb = (s) => (s.match(/[\\d.]+/g) || []).slice(0, 3).map(Number);
          const lum = (c) => { const v = c.map((x) => x / 255).map((x) => (x <= 0.03928
            ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4));
            return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
          const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
            return (x + 0.05) / (y + 0.05); };
          const css = (sel, prop) => rgb(getComputedStyle(document.querySelector(sel))[prop]);
          const page = css("body", "backgroundColor");
          const ink = rgb(getComputedStyle(document.querySelector(".chat"))
            .getPropertyValue("--brand-ink").trim().replace(/^#(..)(..)(..)$/,
              (_, r, g, b) => `${parseInt(r, 16)} ${parseInt(g, 16)} ${parseInt(b, 16)}`));
          return { page: lum(page), text: ratio(css(".chat-greeting", "color"), page),
                   head: ratio(css(".chat-head", "color"), css(".chat-head", "backgroundColor")),
                   ink: ratio(ink, page), field: lum(css("#chat-start input", "backgroundColor")) };
        }""")
        assert seen["page"] < 0.05 and seen["field"] < 0.05  # dark page, dark fields
        assert seen["text"] >= 4.5 and seen["head"] >= 4.5
        assert seen["ink"] >= 4.5  # the brand as text or outline on the dark page
    finally:
        context.close()
