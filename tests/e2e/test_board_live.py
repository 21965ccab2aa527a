"""The supervisor's board in a real browser updates live as calls arrive and are answered."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import text

from tests.e2e.databases import served_db
from tests.e2e.pages import on_a_simulated_call, signed_in


def _grows(page, selector: str, than: int) -> None:
    """Wait (no reload) until a figure on the board exceeds a value."""
    page.wait_for_function(
        "([sel, n]) => Number(document.querySelector(sel).textContent) > n", arg=[selector, than])


def test_board_updates_live_as_a_call_arrives_and_is_answered(new_page, demo_server):
    # The demo's message simulator also plays SMS into the queues: figures only ever grow here.
    base, _db = demo_server
    boss = signed_in(new_page, base, "supervisor@caseline.demo")
    boss.click("#board-link")  # from the console; the board links back
    expect(boss).to_have_url(base + "/board")
    expect(boss.locator("header a", has_text="Console")).to_have_attribute("href", "/")
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


def test_supervisor_listens_whispers_and_stops_on_a_live_call(new_page, demo_server):
    # Demo mode has no Twilio: the board says the monitor is simulated; it is still audited.
    base, db_url = demo_server
    boss = signed_in(new_page, base, "supervisor@caseline.demo")
    boss.goto(base + "/board")
    agent = signed_in(new_page, base, "claims@caseline.demo")
    agent_id = agent.evaluate("fetch('/api/v1/me').then(r => r.json()).then(m => m.id)")
    on_a_simulated_call(agent)

    row = boss.locator(f"#board-agents tr[data-agent='{agent_id}']")
    listen = row.locator("button[data-monitor=listen]")
    expect(listen).to_be_visible()
    call_id = int(listen.get_attribute("data-call"))
    expect(row.locator("button[data-monitor=stop]")).to_be_disabled()
    listen.click()
    status = boss.locator("#board-monitor")
    expect(status).to_contain_text(f"Listening to call #{call_id}")
    expect(status).to_contain_text("simulated")
    row.locator("button[data-monitor=whisper]").click()
    expect(status).to_contain_text(f"Whispering to the agent on call #{call_id}")
    row.locator("button[data-monitor=stop]").click()
    expect(status).to_have_text(f"Stopped listening to call #{call_id}.")

    with served_db(db_url) as conn:
        actions = [a for (a,) in conn.execute(text(
            "SELECT action FROM audit_events WHERE object_type = 'interaction' AND object_id = "
            ":id AND action IN ('call.listen', 'call.whisper', 'call.monitor_stopped') "
            "ORDER BY id"), {"id": str(call_id)})]
    assert actions == ["call.listen", "call.whisper", "call.monitor_stopped"]

    agent.click("#phone-end")  # the agent is free again for the module's other tests
    expect(agent.locator("#phone-wrapup")).to_be_visible()


def test_supervisor_hands_a_waiting_call_to_an_agent_from_the_board(new_page, demo_server):
    base, _db = demo_server
    boss = signed_in(new_page, base, "supervisor@caseline.demo")
    boss.goto(base + "/board")
    agent = signed_in(new_page, base, "fraud@caseline.demo")
    expect(agent.locator("#phone-state")).to_have_text("away")  # nothing is offered to them
    name = agent.evaluate("fetch('/api/v1/me').then(r => r.json()).then(m => m.name)")
    agent.click("#phone-simulate")

    # The call is on the board's work list, waiting (or offered to someone else).
    newest = boss.wait_for_function("""() => {
        const rows = [...document.querySelectorAll('#board-items tr')].filter(
            (r) => r.cells[1].textContent === 'voice' && !r.cells[4].textContent.startsWith('in'));
        return rows.length && Math.max(...rows.map((r) => Number(r.dataset.item)));
    }""").json_value()
    row = boss.locator(f"#board-items tr[data-item='{newest}']")
    expect(row.locator("button")).to_be_disabled()  # no agent picked yet
    row.locator("select").select_option(label=f"{name} (away)")
    row.locator("button").click()
    expect(boss.locator("#board-message")).to_have_text(
        f"Item #{newest} re-assigned to {name}.")
    expect(agent.locator("#phone-offer")).to_be_visible()  # the supervisor's choice rings
    expect(boss.locator(f"#board-items tr[data-item='{newest}']")).to_contain_text(
        f"offered to {name}")
    agent.click("#phone-answer")
    expect(agent.locator("#phone-state")).to_have_text("on call")
    expect(boss.locator(f"#board-items tr[data-item='{newest}']")).to_contain_text(
        f"in hand: {name}")
