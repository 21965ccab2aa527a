"""The collections worklist in a real browser: a supervisor filters it, opens an account and
records a time the debtor named as inconvenient."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect
from sqlalchemy import insert

from crm.models import DebtAccount
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person
from tests.zones import zone_where_it_is


def test_a_supervisor_filters_the_collections_worklist_and_opens_the_case(
        new_page, sign_in, live_server, server_env):
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Barred Debtor-E2E", "CL-E2EBARR1",
                          {"kind": "email", "value": "barred.e2e@example.com"},
                          timezone=zone_where_it_is(12))
        conn.execute(insert(DebtAccount.__table__).values(
            client_id=client_id, case_id=case_id, account_number="E2E-TB-1",
            creditor="Old Bank", balance_cents=100_000_000, original_balance_cents=100_000_000,
            currency="USD", status="time_barred", attorney_represented=False, disputed=False,
            ceased=False, created_at=datetime.now(UTC),
            delinquent_since=(datetime.now(UTC) - timedelta(days=400)).date()))
    page = sign_in(new_page(), "supervisor@caseline.demo")
    section = page.locator("#wl-collections")
    expect(section).to_contain_text("Collections due now")
    section.locator("select[name=status]").select_option("time_barred")
    row = section.locator(".wl-debt", has_text="Barred Debtor-E2E")
    expect(row).to_contain_text("90+")
    expect(row).to_contain_text("400 days past due, 90+ (+20)")
    row.click()
    expect(page.locator("#case-customer")).to_have_text("Barred Debtor-E2E")
    # The agent records what the debtor said: "not on Sundays".
    form = page.locator("#restriction-form")
    form.locator("input[value=sun]").check()
    form.locator("input[name=note]").fill("never on Sunday")
    form.locator("button[type=submit]").click()
    expect(page.locator("#contact-rules .restriction")).to_contain_text("on sun")
    expect(page.locator("#contact-rules .restriction")).to_contain_text("never on Sunday")


def test_the_status_filter_matches_exactly_and_reads_in_words(new_page, sign_in, live_server,
                                                              server_env):
    today = datetime.now(UTC).date()
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Lapsed Debtor-E2E", "CL-E2ELAPS1",
                             {"kind": "email", "value": "lapsed.e2e@example.com"},
                             timezone=zone_where_it_is(12))
        # Active by its status, but past its limitations date: time-barred, not active.
        conn.execute(insert(DebtAccount.__table__).values(
            client_id=client_id, case_id=case_id, account_number="E2E-LAPS-1",
            creditor="Old Bank", balance_cents=99_000_000, original_balance_cents=99_000_000,
            currency="USD", status="active", attorney_represented=False, disputed=False,
            ceased=False, created_at=datetime.now(UTC),
            statute_of_limitations_on=today - timedelta(days=1),
            delinquent_since=today - timedelta(days=400)))
    page = sign_in(new_page(), "supervisor@caseline.demo")
    section = page.locator("#wl-collections")
    status = section.locator("select[name=status]")
    expect(status.locator("option")).to_have_text(["all", "Active", "Payment plan",
                                                   "Time-barred"])
    status.select_option(label="Active")
    expect(section.locator(".wl-debt").first).to_be_visible()
    expect(section.locator(".wl-debt", has_text="Lapsed Debtor-E2E")).to_have_count(0)
    for row in section.locator(".wl-meta.muted:not(.wl-reasons)").all():
        expect(row).to_contain_text("· Active ·")
    section.locator("select[name=status]").select_option(label="Time-barred")
    row = section.locator(".wl-debt", has_text="Lapsed Debtor-E2E")
    expect(row).to_contain_text("CL-E2ELAPS1 · Time-barred · 90+")
    expect(section).not_to_contain_text("time_barred")


def test_the_order_is_named_and_the_priority_explained_in_words(new_page, sign_in,
                                                                live_server):
    page = sign_in(new_page(), "collections@caseline.demo")
    # The collections list says what its order is and, unfolded, how the points add up.
    order = page.locator("#wl-collections-order")
    expect(order.locator("summary")).to_have_text(
        "Most urgent first: points for money due, broken promises, days past due and balance")
    order.locator("summary").click()
    expect(order).to_contain_text("broken promise: 10 each (up to 30)")
    expect(order).to_contain_text("days past due: 1-30 days 5, 31-60 10, 61-90 15, over 90 20")
    expect(order).to_contain_text("Equal points: the larger balance first")
    # The case list's own order select says what it orders by, each choice in words.
    sort = page.get_by_label("Order by")
    expect(sort.locator("option")).to_have_text([
        "latest activity first (default)", "latest activity first",
        "case priority, urgent first", "case status, open first",
        "next task due, soonest first"])
    page.locator("#wl-view").select_option("tasks")
    expect(page.get_by_label("Order by").locator("option").first).to_have_text(
        "due soonest first (default)")
