"""Lists in a real browser: the worklist's second page and a filter, the search results
page, the timeline filtered by medium and searched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert, select, update

from crm.models import Case, Claim, Interaction, User
from tests.e2e.conftest import start_server
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, open_case, signed_in

AGENT = "agent@caseline.demo"
DAY0 = datetime(2025, 3, 1, 12, tzinfo=UTC)


@pytest.fixture(scope="module")
def lists_server(server_env, served_databases, tmp_path_factory):
    """A console of its own (30 more cases for the demo agent); (URL, its database's URL)."""
    url = served_databases.copy("lists")
    env = {**server_env, "DATABASE_URL": url,
           "INSTANCE_PATH": str(tmp_path_factory.mktemp("lists-e2e") / "instance")}
    with served_default(url) as (conn, client_id):
        agent_id = conn.execute(select(User.id).where(User.email == AGENT)).scalar()
        now = datetime.now(UTC)
        for n in range(30):
            case_id = add_person(conn, client_id, f"Paged Person {n:02d}", f"CL-PAGE{n:04d}",
                                 {"kind": "email", "value": f"paged{n}@example.com"})
            conn.execute(update(Case.__table__).where(Case.id == case_id).values(
                owner_id=agent_id, priority="urgent" if n == 3 else "normal",
                last_activity_at=now + timedelta(days=1, minutes=n)))
            if n == 5:
                conn.execute(insert(Claim.__table__).values(
                    client_id=client_id, case_id=case_id, number="CLM-PAGED-5",
                    policy_number="POL-E2E-777", status="fnol", currency="USD",
                    description="", created_at=now, updated_at=now))
        timeline_case = add_person(conn, client_id, "Tim Eline-E2E", "CL-TIMEL001",
                                   {"kind": "email", "value": "tim.e2e@example.com"})
        for day in range(3):
            at = DAY0 + timedelta(days=day)
            for n, (medium, body, subject) in enumerate([
                    ("sms", f"windscreen cracked on day {day}", None),
                    ("email", "see attached", f"Photos day {day}"),
                    ("note", f"called the garage {day}", None)]):
                conn.execute(insert(Interaction.__table__).values(
                    client_id=client_id, case_id=timeline_case, medium=medium,
                    direction="internal" if medium == "note" else "inbound",
                    status="received", body=body, subject=subject, meta={}, status_seq=-1,
                    occurred_at=at + timedelta(minutes=n), created_at=now, updated_at=now))
    base, proc = start_server(env)
    yield base, url
    proc.terminate()
    proc.wait(10)


def test_the_worklist_pages_and_filters(new_page, lists_server):
    base, _ = lists_server
    page = signed_in(new_page, base, AGENT)
    assigned = page.locator("#wl-assigned")
    expect(assigned.locator(".wl-case").first).to_contain_text("Paged Person 29")
    expect(page.locator("#wl-pager")).to_contain_text("page 1 of")
    page.locator("#wl-next").click()
    expect(page.locator("#wl-pager")).to_contain_text("page 2 of")
    expect(assigned.locator(".wl-case", has_text="Paged Person 04")).to_be_visible()
    expect(assigned.locator(".wl-case", has_text="Paged Person 29")).to_have_count(0)
    page.locator("#wl-priority").select_option("urgent")
    expect(assigned.locator(".wl-case", has_text="Paged Person 03")).to_be_visible()
    expect(assigned.locator(".wl-case", has_text="Paged Person 04")).to_have_count(0)
    page.locator("#wl-line").select_option("insurance")
    expect(assigned).to_contain_text("Nothing here.")
    page.locator("#wl-clear").click()
    expect(assigned.locator(".wl-case").first).to_contain_text("Paged Person 29")


def test_the_timeline_filters_searches_and_jumps(new_page, lists_server):
    base, url = lists_server
    with served_default(url) as (conn, _):
        case_id = conn.execute(select(Case.id).where(Case.reference == "CL-TIMEL001")).scalar()
    page = signed_in(new_page, base, AGENT)
    open_case(page, base, case_id, "CL-TIMEL001")
    items = page.locator("#timeline .tl-item")
    expect(items).to_have_count(9)
    expect(page.locator("#timeline .tl-item.day-start")).to_have_count(3)
    page.locator(".tl-chip[data-medium=email]").click()
    expect(items).to_have_count(3)
    expect(page.locator("#timeline .tl-item.medium-email")).to_have_count(3)
    page.locator(".tl-chip[data-medium=email]").click()
    expect(items).to_have_count(9)
    page.locator("#timeline-search").fill("windscreen")
    expect(items).to_have_count(3)
    expect(page.locator("#timeline mark.tl-hit")).to_have_count(3)
    expect(page.locator("#timeline mark.tl-hit").first).to_have_text("windscreen")
    page.locator("#timeline-search").fill("no such words")
    expect(page.locator("#timeline-status")).to_have_text("Nothing matches")
    page.locator("#timeline-search").fill("")
    expect(items).to_have_count(9)
    page.locator("#timeline-jump").fill("2025-03-02")
    expect(items.first).to_contain_text("called the garage 1")
    expect(items).to_have_count(6)
    page.locator("#timeline-latest").click()
    expect(items.first).to_contain_text("called the garage 2")


def test_the_search_results_page_pages(new_page, lists_server):
    base, _ = lists_server
    page = signed_in(new_page, base, AGENT)
    page.locator("#search").fill("paged person")
    page.locator("#search-all").click()
    page.wait_for_url("**/search?q=paged+person")
    rows = page.locator("#results-body tr")
    expect(rows).to_have_count(20)
    expect(page.locator("#results-status")).to_contain_text("Results 1\u201320")
    page.locator("#results-next").click()
    expect(rows).to_have_count(10)
    expect(page.locator("#results-next")).to_be_hidden()
    page.locator("#results-q").fill("POL-E2E-777")
    page.locator("#results-form button[type=submit]").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Paged Person 05")
    expect(rows.first).to_contain_text("policy")
    rows.first.locator("a").first.click()
    expect(page.locator("#case-reference")).to_have_text("CL-PAGE0005")


def test_a_saved_view_comes_back_in_one_click(new_page, lists_server):
    base, _ = lists_server
    page = signed_in(new_page, base, AGENT)
    assigned = page.locator("#wl-assigned")
    expect(assigned.locator(".wl-case").first).to_contain_text("Paged Person 29")
    page.locator("#wl-priority").select_option("urgent")
    page.locator("#wl-save input[name=name]").fill("Urgent only")
    page.locator("#wl-save button[type=submit]").click()
    chip = page.locator(".wl-chip", has_text="Urgent only")
    expect(chip.locator(".wl-chip-apply")).to_have_attribute("aria-pressed", "true")
    page.locator("#wl-clear").click()
    expect(chip.locator(".wl-chip-apply")).to_have_attribute("aria-pressed", "false")
    expect(assigned.locator(".wl-case").first).to_contain_text("Paged Person 29")
    chip.locator(".wl-chip-apply").click()
    expect(page.locator("#wl-priority")).to_have_value("urgent")
    expect(assigned.locator(".wl-case", has_text="Paged Person 03")).to_be_visible()
    expect(assigned.locator(".wl-case", has_text="Paged Person 29")).to_have_count(0)
    chip.locator(".wl-chip-remove").click()
    expect(page.locator(".wl-chip")).to_have_count(0)
