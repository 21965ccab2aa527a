"""The supervisor's board in a real browser updates live as calls arrive and are answered."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.test_voice_phone import demo_server, signed_in  # noqa: F401


def _grows(page, selector: str, than: int) -> None:
    """Wait (no reload) until a figure on the board exceeds a value."""
    page.wait_for_function(
        "([sel, n]) => Number(document.querySelector(sel).textContent) > n", arg=[selector, than])


def test_board_updates_live_as_a_call_arrives_and_is_answered(new_page, demo_server):
    # The demo's message simulator also plays SMS into the queues: figures only ever grow here.
    base, _db = demo_server
    boss = signed_in(new_page, base, "supervisor@caseline.demo")
    boss.goto(base + "/board")
    expect(boss.locator("#board-updated")).to_contain_text("updated")
    arrivals = int(boss.locator("#board-arrivals").inner_text())
    answered = int(boss.locator("#board-answered").inner_text())

    agent = signed_in(new_page, base, "agent@caseline.demo")
    expect(agent.locator("#phone-state")).to_have_text("away")
    agent_id = agent.evaluate("fetch('/api/v1/me').then(r => r.json()).then(m => m.id)")
    row = boss.locator(f"#board-agents tr[data-agent='{agent_id}']")
    expect(row.locator(".agent-state")).to_contain_text("away")
    agent.click("#phone-simulate")  # nobody is available: the call waits
    _grows(boss, "#board-arrivals", arrivals)
    _grows(boss, "#board-waiting", 0)

    agent.click("#phone-presence")  # available: the waiting call is offered
    expect(row.locator(".agent-state")).to_have_text("available")
    expect(agent.locator("#phone-offer")).to_be_visible()
    agent.click("#phone-answer")
    expect(agent.locator("#phone-state")).to_have_text("on call")
    _grows(boss, "#board-answered", answered)
    expect(row.locator(".agent-state")).to_have_text("busy")
    expect(row).to_contain_text("voice")  # the call is the agent's current work
    expect(boss.locator("#board-chart rect.answers").first).to_be_attached()


def test_agents_cannot_open_the_board(new_page, demo_server):
    base, _db = demo_server
    page = signed_in(new_page, base, "agent@caseline.demo")
    resp = page.goto(base + "/board")
    assert resp.status == 403
