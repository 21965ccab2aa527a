"""Outside business hours in a real browser: an admin closes the lines on /admin/hours, the
chat widget then shows the offline form, and the change and the form show on /admin/audit."""

import pytest
from playwright.sync_api import expect
from sqlalchemy import text

from crm.core.db import make_engine
from crm.hours.schedule import DAYS
from tests.e2e.conftest import start_server
from tests.e2e.databases import served_db


@pytest.fixture(scope="module")
def hours_server(server_env, served_databases, tmp_path_factory):
    """A console of its own (closing its lines must not touch the other browser tests)."""
    url = served_databases.copy("hours")
    env = {**server_env, "DATABASE_URL": url,
           "INSTANCE_PATH": str(tmp_path_factory.mktemp("hours-e2e") / "instance")}
    base, proc = start_server(env)
    yield base, url
    proc.terminate()
    proc.wait(10)


def _widget_client(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found = conn.execute(text("SELECT client_id FROM inbound_addresses WHERE kind = "
                                      "'chat' AND value = 'default'")).scalar()
            return found or conn.execute(text("SELECT min(id) FROM clients")).scalar_one()
    finally:
        engine.dispose()


def test_outside_hours_the_widget_takes_a_message_for_the_morning(hours_server, new_page):
    base, url = hours_server
    admin = new_page()
    admin.set_viewport_size({"width": 1280, "height": 720})
    admin.goto(base + "/login")
    admin.fill("input[name=email]", "admin@caseline.demo")
    admin.fill("input[name=password]", "caseline-demo")
    admin.click("button[type=submit]")
    admin.wait_for_url(base + "/admin/")  # an admin lands on the admin screens

    admin.goto(base + "/admin/hours")
    admin.select_option("#hours-client", str(_widget_client(url)))
    expect(admin.locator("#hours-state")).to_contain_text("Not set")
    # A bad interval is refused, and the day at fault is marked.
    admin.fill("#hours-timezone", "Europe/London")
    admin.fill("#day-mon", "09:00-12:00, 11:00-17:00")
    admin.click("#hours-save")
    expect(admin.locator("#hours-error")).to_contain_text("overlap")
    expect(admin.locator("#day-mon")).to_have_attribute("aria-invalid", "true")
    # Closed every day (all days blank), with an auto-reply.
    for day in DAYS:
        admin.fill(f"#day-{day}", "")
    admin.fill("#hours-auto-reply", "We are closed; we will reply in the morning.")
    admin.click("#hours-save")
    expect(admin.locator("#hours-message")).to_have_text("Saved.")
    expect(admin.locator("#hours-state")).to_contain_text("Closed now")

    visitor = new_page()
    visitor.goto(base + "/chat/widget?key=default")
    expect(visitor.locator("#chat-offline")).to_be_visible()
    expect(visitor.locator("#chat-start")).to_be_hidden()
    visitor.fill("#chat-offline input[name=name]", "Olive Offline")
    visitor.fill("#chat-offline input[name=contact]", "olive@example.com")
    visitor.fill("#chat-offline textarea[name=body]", "Please call me back about my policy.")
    visitor.click("#chat-offline button[type=submit]")
    expect(visitor.locator("#chat-offline-sent")).to_be_visible()
    expect(visitor.locator("#chat-offline")).to_be_hidden()

    with served_db(url) as conn:
        body, meta_case = conn.execute(text(
            "SELECT body, case_id FROM interactions WHERE medium = 'chat' AND "
            "from_addr = 'olive@example.com'")).one()
        tasks = conn.execute(text("SELECT kind FROM tasks WHERE case_id = :c"),
                             {"c": meta_case}).scalars().all()
        offers = conn.execute(text("SELECT count(*) FROM offers WHERE case_id = :c"),
                              {"c": meta_case}).scalar_one()
    assert body == "Please call me back about my policy."
    assert tasks == ["callback"] and offers == 0

    admin.goto(base + "/admin/audit")
    admin.fill("#audit-action", "business_hours.*")
    admin.click("#audit-search")
    expect(admin.locator("#audit-rows tr")).to_have_count(1)
    expect(admin.locator("#audit-rows tr").first).to_contain_text("business_hours.set")
    expect(admin.locator("#audit-rows tr").first).to_contain_text("Demo Admin")
    href = admin.locator("#audit-export").get_attribute("href")
    assert href.startswith("/api/v1/audit.csv?") and "action=business_hours" in href
