"""The debt panel in a real browser: the account in the header, a payment, a promise,
validation of a dispute, a settlement, a time-barred account."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert

from crm.models import DebtAccount
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, open_case, readable


@pytest.fixture(scope="module")
def debtor(server_env):
    """A debtor's case with one account of USD 1,000.00, 45 days past due."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Dora Debtpanel", "CL-E2EDEBT1",
                          {"kind": "email", "value": "dora@example.com"},
                          timezone="America/New_York")
        conn.execute(insert(DebtAccount.__table__).values(
            client_id=client_id, case_id=case_id, account_number="E2E-DEBT-1",
            creditor="Northwind Bank", original_balance_cents=120_000, balance_cents=100_000,
            currency="USD", status="active", delinquent_since=date.today() - timedelta(days=45),
            attorney_represented=False, disputed=False, ceased=False))
    return case_id


@pytest.fixture(scope="module")
def disputed(server_env):
    """A disputed account still in its payment plan (the flag, not the status), past its
    statute of limitations, with no validation recorded."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Vera Disputepanel", "CL-E2EDEBT2",
                          {"kind": "email", "value": "vera.disputepanel@example.com"},
                          timezone="America/New_York")
        conn.execute(insert(DebtAccount.__table__).values(
            client_id=client_id, case_id=case_id, account_number="E2E-DEBT-2",
            creditor="Northwind Bank", original_balance_cents=100_000, balance_cents=100_000,
            currency="USD", status="payment_plan",
            delinquent_since=date.today() - timedelta(days=400),
            statute_of_limitations_on=date.today() - timedelta(days=1),
            attorney_represented=False, disputed=True, ceased=False))
    return case_id


def test_validation_is_recorded_and_a_settlement_proposed(new_page, sign_in, live_server,
                                                          disputed):
    page = sign_in(new_page(), "collections@caseline.demo")
    open_case(page, live_server, disputed, "CL-E2EDEBT2")
    header = page.locator("#case-debts")
    expect(header.locator(".mark-disputed")).to_have_text("disputed")
    expect(header.locator(".mark-time-barred")).to_have_text("time-barred")

    box = page.locator("#validation")
    expect(box).to_contain_text("Debt E2E-DEBT-2 is disputed")
    box.get_by_role("button", name="Validation sent").click()
    expect(box).to_have_count(0)
    expect(header.locator(".mark-disputed")).to_have_count(0)
    expect(page.locator("#debt-panel")).to_contain_text(f"validated {readable(date.today())}")

    panel = page.locator("#debt-panel")
    panel.get_by_role("button", name="Propose settlement…").click()
    panel.get_by_label("Settlement amount").fill("500.00")
    panel.get_by_label("Settlement paid as").select_option("plan")
    panel.get_by_label("Settlement instalments").fill("2")
    panel.get_by_role("button", name="Propose settlement", exact=True).click()
    expect(panel.locator(".notice")).to_contain_text(
        "Settlement of USD 500.00 sent for four-eyes sign-off")
    expect(panel.locator(".settlement")).to_contain_text(
        "settlement pending sign-off USD 500.00 (balance then USD 1,000.00) as 2 weekly "
        "instalments")
    # And in the case's header, beside the account it settles.
    expect(header.locator(".settlement")).to_contain_text(
        "settlement pending sign-off USD 500.00")


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
    expect(panel.locator(".fold-payments summary")).to_contain_text("1, last USD 25.00")
    panel.locator(".fold-payments summary").click()
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
    expect(panel.locator(".field-error[data-field=reference]")).to_contain_text(
        "E2E-PAY-1 is already used")
    expect(panel.locator(".debt-notice")).to_have_count(0)
    expect(header).to_contain_text("USD 975.00 of USD 1,200.00")

    due = (date.today() + timedelta(days=3)).isoformat()
    page.select_option("#composer-medium", "promise")
    page.fill("#composer-body", f"50.00 by {due}")
    page.click("#composer-send")
    panel.locator(".fold-promises summary").click()
    expect(panel.locator(".debt-promises")).to_contain_text(
        f"USD 50.00 by {readable(date.today() + timedelta(days=3))}")
    expect(panel.locator(".debt-promises")).to_contain_text("open")
    promised = date.today() + timedelta(days=3)
    # The server's note is written for people: the day in words, the account named.
    expect(page.locator("#timeline")).to_contain_text(
        f"Promise of USD 50.00 due {promised.day} {promised:%b} {promised.year} on account "
        "E2E-DEBT-1")
    # A payment now goes to that promise, and the panel says so beside the payment (the
    # form refused above is still open, with its error).
    panel.get_by_label("Payment amount").fill("50.00")
    panel.get_by_label("Payment reference").fill("E2E-PAY-2")
    panel.get_by_role("button", name="Post payment", exact=True).click()
    expect(panel.locator(".debt-payments li").first).to_contain_text(
        f"USD 50.00 · card · E2E-PAY-2 · applied to the promise due {readable(promised)}")
