"""The console's layout in a real browser: usable on small screens, dark when the system is,
dates and money in the user's locale, and people and statuses in words rather than codes."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert

from crm.models import DebtAccount, Interaction
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, on_a_simulated_call, open_case

SMALL_SCREENS = [(1280, 720), (1024, 768)]
CHAT_THREAD = "chat_bfdc0123456789abcdef01"

# Is the element at its own centre itself (or inside it), i.e. seen and not covered?
UNCOVERED = """(el) => {
  const r = el.getBoundingClientRect();
  if (!r.width || !r.height) return false;
  const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return top !== null && (top === el || el.contains(top));
}"""

# The WCAG contrast ratio of an element's text against the first opaque background behind it.
CONTRAST = """(el) => {
  const rgb = (s) => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => v / 255)
      .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  let bg = null;
  for (let n = el; n && !bg; n = n.parentElement) {
    const c = rgb(getComputedStyle(n).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] === 1)) bg = c;
  }
  bg = bg || [255, 255, 255];
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(bg)].sort((x, y) => y - x);
  return { ratio: (a + 0.05) / (b + 0.05), bgLuminance: lum(bg) };
}"""


@pytest.fixture
def new_context(browser):
    """Browser contexts with a chosen screen, colour scheme or locale, closed afterwards."""
    made = []

    def make(**options):
        context = browser.new_context(**options)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def signed_in(context, base, role="agent"):
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(base + "/login")
    page.fill("input[name=email]", f"{role}@caseline.demo")
    page.fill("input[name=password]", "caseline-demo")
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")
    return page


def uncovered(page, selector):
    element = page.locator(selector)
    expect(element).to_be_visible()
    return element.evaluate(UNCOVERED)


def assert_the_phone_bar_is_below_the_panes(page, height):
    """The phone bar is a strip at the page's foot: the panes end where it starts."""
    bar = page.locator("#phone").bounding_box()
    panes = page.locator("#app").bounding_box()
    assert panes["y"] + panes["height"] <= bar["y"] + 0.5, (panes, bar)
    assert bar["y"] + bar["height"] <= height + 0.5, bar


@pytest.fixture(scope="module")
def labelled(server_env):
    """A case with a debt on a payment plan, a claim-free timeline holding a web chat from an
    anonymous visitor, and a task for the demo agent."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Lena Layout", "CL-E2ELAYOUT",
                             {"kind": "email", "value": "lena.layout@example.com"},
                             timezone="Europe/London")
        conn.execute(insert(DebtAccount.__table__).values(
            client_id=client_id, case_id=case_id, account_number="E2E-LAYOUT-1",
            creditor="Northwind Bank", original_balance_cents=1_250_000,
            balance_cents=1_234_567, currency="USD", status="payment_plan",
            delinquent_since=date.today() - timedelta(days=60), attorney_represented=False,
            disputed=False, ceased=False))
        conn.execute(insert(Interaction.__table__).values(
            client_id=client_id, case_id=case_id, medium="chat", direction="inbound",
            status="received", body="Hello, is anyone there?", from_addr=CHAT_THREAD,
            thread_key=CHAT_THREAD, occurred_at=datetime(2026, 3, 4, 12, 0, tzinfo=UTC)))
    return case_id


@pytest.mark.parametrize(("width", "height"), SMALL_SCREENS)
def test_a_small_screen_keeps_half_for_the_timeline_and_covers_no_control(
        demo_server, new_context, width, height):
    base, _ = demo_server
    page = signed_in(new_context(viewport={"width": width, "height": height}), base)
    # The demo agent's first case is the busiest: three debts, three claims, tasks, promises.
    page.locator("#wl-assigned .wl-case").first.click()
    expect(page.locator("#timeline .tl-item").first).to_be_visible()
    expect(page.locator("#case-reference")).not_to_be_empty()
    timeline = page.locator("#timeline-scroll").bounding_box()
    assert timeline["height"] >= height / 2, f"timeline {timeline['height']} of {height}"
    assert timeline["y"] + timeline["height"] <= height
    for control in ("#composer-send", "#composer-medium", "#composer-body", "#phone-presence",
                    "#case-reference", "#search"):
        assert uncovered(page, control), f"{control} is covered or off screen"
    assert_the_phone_bar_is_below_the_panes(page, height)

    # The case's panels are a side column beside the conversation: its jump bar brings the
    # debts into view, where an account's actions can be pressed, nothing over them.
    page.locator("#side-nav").get_by_role("button", name="Debts").click()
    actions = page.locator("#debt-panel .debt-card").first.locator(".debt-actions button:visible")
    expect(actions.first).to_be_in_viewport()
    for n in range(actions.count()):
        actions.nth(n).scroll_into_view_if_needed()
        expect(actions.nth(n)).to_be_in_viewport()
        assert actions.nth(n).evaluate(UNCOVERED), f"debt action {n} is covered"
    actions.first.click()
    form = page.locator("#debt-panel form.debt-form:visible").first
    submit = form.locator("button[type=submit]")
    expect(form.locator("input, select").first).to_be_focused()
    submit.scroll_into_view_if_needed()
    expect(submit).to_be_in_viewport()
    assert submit.evaluate(UNCOVERED), "the debt form's submit is covered"
    # Working in the column moves neither the conversation nor the composer.
    assert page.locator("#timeline-scroll").bounding_box() == timeline
    assert uncovered(page, "#composer-send")

    # A call ends: the wrap-up opens in the phone bar at the foot, and covers nothing.
    on_a_simulated_call(page)
    page.click("#phone-end")
    expect(page.locator("#phone-wrapup")).to_be_visible()
    for control in ("#phone-disposition", "#phone-wrapup-submit", "#composer-send",
                    "#composer-medium"):
        assert uncovered(page, control), f"{control} is covered or off screen in wrap-up"
    assert_the_phone_bar_is_below_the_panes(page, height)
    page.select_option("#phone-disposition", index=1)
    page.click("#phone-wrapup-submit")
    expect(page.locator("#phone-wrapup")).to_be_hidden()


@pytest.mark.parametrize("path", ["/login", "/", "/board", "/imports", "/search?q=lena",
                                  "/account/sessions", "/playbooks", "/articles"])
def test_every_screen_is_dark_when_the_system_is(live_server, new_context, path):
    context = new_context(color_scheme="dark", viewport={"width": 1280, "height": 720})
    page = context.new_page() if path == "/login" else signed_in(context, live_server,
                                                                 "supervisor")
    page.goto(live_server + path)
    page.wait_for_load_state("networkidle")
    body = page.locator("body").evaluate(CONTRAST)
    assert body["bgLuminance"] < 0.05, "the page is not dark"
    assert body["ratio"] >= 4.5, body
    texts = {"/login": ["label", ".muted", "button[type=submit]"],
             "/": [".brand", "#account-link", ".wl-section h3", ".muted:visible"],
             "/board": ["h1", "th", ".me"], "/imports": ["h1", ".muted", "#import-history th"],
             "/search?q=lena": ["h1", "#results-status"], "/account/sessions": ["h1", "td"],
             "/playbooks": ["h1", ".muted", "#playbook-list button"],
             "/articles": ["h1", "#article-list button", "label"]}
    for selector in texts[path]:
        element = page.locator(selector).first
        expect(element).to_be_visible()
        contrast = element.evaluate(CONTRAST)
        assert contrast["ratio"] >= 4.5, f"{selector}: {contrast}"


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_notices_count_reads_in_either_scheme(live_server, new_context, scheme):
    page = signed_in(new_context(color_scheme=scheme), live_server, "supervisor")
    count = page.locator("#bell-count")
    expect(count).to_be_attached()
    bell = page.locator("#bell-button")
    for unread in (False, True):  # the quiet pill, and the red one a new notice brings
        bell.evaluate("(el, on) => el.classList.toggle('has-unread', on)", unread)
        count.evaluate("(el, n) => { el.textContent = n; }", "3" if unread else "0")
        seen = count.evaluate(CONTRAST)
        assert seen["ratio"] >= 4.5, (unread, seen)
        if scheme == "dark" and not unread:  # no white pill on a dark page
            assert seen["bgLuminance"] < 0.1, seen


def test_the_light_scheme_stays_light(live_server, new_context):
    page = new_context(color_scheme="light").new_page()
    page.goto(live_server + "/login")
    assert page.locator("body").evaluate(CONTRAST)["bgLuminance"] > 0.8


@pytest.mark.parametrize(("locale", "moment", "balance"), [
    ("en-US", r"^Mar 4, 2026, \d{1,2}:\d{2}\s?[AP]M$", "USD 12,345.67 of USD 12,500.00"),
    ("en-GB", r"^4 Mar 2026, \d{2}:\d{2}$", "USD 12,345.67 of USD 12,500.00"),
    ("de-DE", r"^04\.03\.2026, \d{2}:\d{2}$", "12.345,67 USD of 12.500,00 USD"),
])
def test_dates_and_money_follow_the_browser_locale(live_server, new_context, labelled, locale,
                                                   moment, balance):
    page = signed_in(new_context(locale=locale), live_server)
    open_case(page, live_server, labelled, "CL-E2ELAYOUT")
    chat = page.locator(".tl-item.medium-chat").first
    expect(chat.locator(".tl-time")).to_have_text(re.compile(moment))
    expect(page.locator("#case-debts")).to_contain_text(balance)


def test_statuses_people_and_visitors_read_as_words(live_server, new_context, labelled):
    page = signed_in(new_context(), live_server, "supervisor")
    open_case(page, live_server, labelled, "CL-E2ELAYOUT")
    debts = page.locator("#case-debts")
    expect(debts).to_contain_text("payment plan")
    expect(debts).not_to_contain_text("payment_plan")
    chat = page.locator(".tl-item.medium-chat").first
    expect(chat.locator(".tl-addr")).to_have_text("from Web visitor")
    expect(page.locator("#timeline")).not_to_contain_text("chat_")

    # The board names each agent as colleagues know them, without a record number.
    page.goto(live_server + "/board")
    first_cells = page.locator("#board-agents tr td:first-child")
    expect(first_cells.filter(has_text="Demo Agent")).to_have_text(["Demo Agent"])
    expect(page.locator("#board-agents")).not_to_contain_text("(#")
