"""A chat visitor and an agent talk live in two real browsers; visitor text stays text."""

from playwright.sync_api import expect
from sqlalchemy import text

from crm.core.db import make_engine

XSS = '<img src=x onerror="window.__pwned = 1; alert(1)">'


def _case_of(server_env, email: str) -> int:
    engine = make_engine(server_env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT cases.id FROM cases JOIN contact_points cp "
                "ON cp.customer_id = cases.customer_id WHERE cp.kind = 'email' "
                "AND cp.value = :v"), {"v": email}).scalar_one()
    finally:
        engine.dispose()


def _say(page, body):
    page.fill("#chat-send textarea", body)
    page.press("#chat-send textarea", "Enter")


def test_visitor_and_agent_chat_live(live_server, server_env, new_page, sign_in):
    visitor = new_page()
    visitor.goto(live_server + "/chat/widget?key=default")
    visitor.fill("#chat-start input[name=name]", "Vera Visitor")
    visitor.fill("#chat-start input[name=email]", "vera@example.com")
    visitor.click("#chat-start button[type=submit]")
    expect(visitor.locator("#chat-room")).to_be_visible()
    _say(visitor, "Hello, is anyone there?")
    expect(visitor.locator("#chat-log li.visitor")).to_have_count(1)
    case_id = _case_of(server_env, "vera@example.com")

    agent = sign_in(new_page())
    alerts = []
    agent.on("dialog", lambda d: (alerts.append(d.message), d.dismiss()))
    agent.goto(f"{live_server}/#case/{case_id}")
    expect(agent.locator("#case-header")).to_contain_text("Vera Visitor")
    # The customer's medium is preselected in the case composer: they wrote by chat.
    expect(agent.locator("#composer-medium")).to_have_value("chat")

    _say(visitor, XSS)
    last = agent.locator("#timeline li.medium-chat.dir-inbound .tl-body").first
    expect(last).to_have_text(XSS)
    assert agent.locator("#timeline img").count() == 0
    assert agent.evaluate("window.__pwned") is None and alerts == []

    agent.fill("#composer-body", "Hi Vera, ")
    agent.type("#composer-body", "how can I help?")
    expect(visitor.locator("#chat-typing")).to_contain_text("is typing")
    agent.click("#composer-send")
    visitor.reload()
    expect(visitor.locator("#chat-log li")).to_have_count(3)
    expect(visitor.locator("#chat-log li.visitor .text").nth(1)).to_have_text(XSS)
    assert visitor.locator("#chat-log img").count() == 0


def _start_chat(page, live_server, name, email):
    page.goto(live_server + "/chat/widget?key=default")
    page.fill("#chat-start input[name=name]", name)
    page.fill("#chat-start input[name=email]", email)
    page.click("#chat-start button[type=submit]")
    expect(page.locator("#chat-room")).to_be_visible()


def test_a_visitor_claiming_a_customers_email_is_shown_unverified_until_checked(
        live_server, server_env, new_page, sign_in):
    owner = new_page()
    _start_chat(owner, live_server, "Uma Owner", "uma@example.com")
    _say(owner, "My own question")
    expect(owner.locator("#chat-log li.visitor")).to_have_count(1)
    case_id = _case_of(server_env, "uma@example.com")
    claimant = new_page()
    _start_chat(claimant, live_server, "Ivan Impostor", "uma@example.com")
    _say(claimant, "What is my bank account on file?")
    expect(claimant.locator("#chat-log li.visitor")).to_have_count(1)

    agent = sign_in(new_page())
    agent.goto(f"{live_server}/#case/{case_id}")
    banner = agent.locator("#unverified-chats")
    expect(banner).to_contain_text("Ivan Impostor")
    claimed = agent.locator("#timeline li.medium-chat.dir-inbound").first
    expect(claimed.locator(".tl-unverified")).to_have_text("unverified")
    expect(agent.locator("#composer-medium option[value=chat]")).to_have_text("Chat (unverified)")
    expect(agent.locator("#composer-medium")).not_to_have_value("chat")

    # Verifying asks first, in the page; cancelling leaves the chat unverified.
    banner.get_by_role("button", name="Mark verified").click()
    check = agent.locator("#chat-check-dialog")
    expect(check).to_contain_text('who gave the name "Ivan Impostor"')
    check.get_by_role("button", name="Cancel").click()
    expect(check).to_have_count(0)
    expect(banner).to_contain_text("Ivan Impostor")
    banner.get_by_role("button", name="Mark verified").click()
    check.get_by_role("button", name="Yes, verified").click()
    expect(agent.locator("#unverified-chats")).to_have_count(0)
    expect(agent.locator("#timeline .tl-unverified")).to_have_count(0)
    expect(agent.locator("#composer-medium option[value=chat]")).to_have_text("Chat")
