"""The agent workspace in a real browser: search, open, note live, XSS-safe, long history."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert, select

from crm.db import make_engine
from crm.models import Case, Client, ContactPoint, Customer, Interaction
from crm.models.workspace import reversed_digits, write_name_keys

LONG = 5_000
MEDIA = [("sms", "inbound"), ("voice", "outbound"), ("email", "inbound"), ("note", "internal"),
         ("whatsapp", "outbound"), ("chat", "inbound")]


def _customer(conn, client_id, name, phone, reference, items):
    from crm.identity import search_key

    now = datetime.now(UTC)
    cid = conn.execute(insert(Customer.__table__).values(
        client_id=client_id, display_name=name, search_name=search_key(name),
        timezone="Europe/Berlin", language="de")).inserted_primary_key[0]
    write_name_keys(conn, cid, client_id, search_key(name))
    conn.execute(insert(ContactPoint.__table__).values(
        client_id=client_id, customer_id=cid, kind="phone", value=phone,
        digits_rev=reversed_digits(phone), opt_outs={"sms": now.isoformat()}))
    case_id = conn.execute(insert(Case.__table__).values(
        client_id=client_id, customer_id=cid, reference=reference)).inserted_primary_key[0]
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
    engine = make_engine(server_env["DATABASE_URL"])
    with engine.begin() as conn:
        client_id = conn.execute(select(Client.id).where(Client.slug == "default")).scalar()
        made = {
            "short": _customer(conn, client_id, "Zoë Ångström-Test", "+12025550188",
                               "CL-E2ESHORT", 3),
            "long": _customer(conn, client_id, "Long Historia", "+12025550147",
                              "CL-E2ELONG1", LONG),
        }
    engine.dispose()
    return made


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
    expect(agent.locator("#customer-pane")).to_contain_text("opted out sms")
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
    page.goto(f"{live_server}/#case/{cases['short']}")
    expect(page.locator("#case-reference")).to_have_text("CL-E2ESHORT")
    page.fill("#composer-body", "Half-written reply about the excess")
    # Another case opens (a screen pop does the same): its composer starts empty.
    page.evaluate(f"location.hash = '#case/{cases['long']}'")
    expect(page.locator("#case-reference")).to_have_text("CL-E2ELONG1")
    expect(page.locator("#composer-body")).to_have_value("")
    page.go_back()
    expect(page.locator("#case-reference")).to_have_text("CL-E2ESHORT")
    expect(page.locator("#composer-body")).to_have_value("Half-written reply about the excess")


def test_part_of_a_number_finds_the_customer(new_page, sign_in, cases):
    page = sign_in(new_page())
    page.fill("#search", "0147")
    expect(page.locator(".search-hit")).to_contain_text(["Long Historia"])
    page.fill("#search", "angstrom")
    expect(page.locator(".search-hit").first).to_contain_text("Zoë Ångström-Test")


def test_scroll_far_back_in_a_long_case(new_page, sign_in, live_server, cases):
    page = sign_in(new_page())
    page.goto(f"{live_server}/#case/{cases['long']}")
    expect(page.locator(".tl-item").first).to_contain_text(f"History item {LONG - 1}")
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
    assert len(ids) == LONG and len(set(ids)) == LONG
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
