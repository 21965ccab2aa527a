"""The debt panel in a real browser: the account in the header, a payment, a promise."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert

from crm.models import DebtAccount
from crm.models.workspace import reversed_digits
from tests.e2e.test_workspace import _person, _served_db, open_case


@pytest.fixture(scope="module")
def debtor(server_env):
    """A debtor's case with one account of USD 1,000.00, 45 days past due."""
    with _served_db(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = _person(conn, client_id, "Dora Debtpanel", "CL-E2EDEBT1",
                          {"kind": "email", "value": "dora@example.com"},
                          timezone="America/New_York")
        conn.execute(insert(DebtAccount.__table__).values(
            client_id=client_id, case_id=case_id, account_number="E2E-DEBT-1",
            creditor="Northwind Bank", original_balance_cents=120_000, balance_cents=100_000,
            currency="USD", status="active", delinquent_since=date.today() - timedelta(days=45),
            attorney_represented=False, disputed=False, ceased=False))
    return case_id


@pytest.fixture(scope="module")
def phoned_debtor(server_env):
    """A debtor's case with a phone number and one account under collection."""
    with _served_db(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = _person(conn, client_id, "Pia Phonedebt", "CL-E2EDEBT2",
                          {"kind": "phone", "value": "+12125550177",
                           "digits_rev": reversed_digits("+12125550177")})
        conn.execute(insert(DebtAccount.__table__).values(
            client_id=client_id, case_id=case_id, account_number="E2E-DEBT-2",
            original_balance_cents=50_000, balance_cents=50_000, currency="USD",
            status="active", attorney_represented=False, disputed=False, ceased=False))
    return case_id


def test_the_call_button_shows_the_weeks_calls_left_before_dialling(new_page, sign_in,
                                                                    live_server,
                                                                    phoned_debtor):
    page = sign_in(new_page())
    open_case(page, live_server, phoned_debtor, "CL-E2EDEBT2")
    expect(page.locator(".cp-allowance")).to_contain_text("7 of 7 calls left this week")
    expect(page.locator(".cp-call")).to_have_attribute("title", re.compile("7 of 7 calls left"))


def test_an_agent_posts_a_payment_and_takes_a_promise_from_the_composer(new_page, sign_in,
                                                                         live_server, debtor):
    page = sign_in(new_page())
    open_case(page, live_server, debtor, "CL-E2EDEBT1")
    header = page.locator("#case-debts")
    expect(header).to_contain_text("Debt E2E-DEBT-1")
    expect(header).to_contain_text("USD 1,000.00 of USD 1,200.00")
    expect(header).to_contain_text("45 days past due (31-60)")

    panel = page.locator("#debt-panel")
    panel.get_by_role("button", name="Post payment…").click()
    panel.get_by_label("Payment amount").fill("25.00")
    panel.get_by_label("Payment reference").fill("E2E-PAY-1")
    panel.get_by_role("button", name="Post payment", exact=True).click()
    expect(panel.locator(".debt-payments")).to_contain_text("USD 25.00 · card · E2E-PAY-1")
    expect(header).to_contain_text("USD 975.00 of USD 1,200.00")

    # The same payment again is already recorded, and says so; another under its
    # reference is refused.
    for value in ("25.00", "30.00"):
        panel.get_by_role("button", name="Post payment…").click()
        panel.get_by_label("Payment amount").fill(value)
        panel.get_by_label("Payment reference").fill("E2E-PAY-1")
        panel.get_by_role("button", name="Post payment", exact=True).click()
        if value == "25.00":
            expect(panel.locator(".debt-notice")).to_contain_text("Already recorded")
    expect(panel.locator(".error")).to_contain_text("E2E-PAY-1 is already used")
    expect(panel.locator(".debt-notice")).to_have_count(0)
    expect(header).to_contain_text("USD 975.00 of USD 1,200.00")

    due = (date.today() + timedelta(days=3)).isoformat()
    page.select_option("#composer-medium", "promise")
    page.fill("#composer-body", f"50.00 by {due}")
    page.click("#composer-send")
    expect(panel.locator(".debt-promises")).to_contain_text(f"USD 50.00 by {due}")
    expect(panel.locator(".debt-promises")).to_contain_text("open")
    expect(page.locator("#timeline")).to_contain_text("Promise to pay USD 50.00")
