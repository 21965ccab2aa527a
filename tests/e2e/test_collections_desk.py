"""A collections agent's desk in a real browser: the debt panel is a summary that leaves the
composer in view, nothing is covered by the phone bar, payments read in words, the worklist
and the blocked attempts follow live, sign-offs say what is signed, the forms guide."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from crm.models import (
    BlockedAttempt,
    Case,
    Client,
    ContactPoint,
    DebtAccount,
    Interaction,
    Payment,
    Promise,
    Settlement,
)
from crm.tenancy import users
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, open_case, readable
from tests.zones import number_where_it_is, zone_where_it_is

TODAY = datetime.now(UTC).date()  # the app's day is UTC
SIZES = ({"width": 1280, "height": 800}, {"width": 1440, "height": 900})


def debtor(conn, client_id, name, reference, email, **debt) -> tuple[int, int]:
    """A customer (where it is midday now) with one account; (case id, debt id)."""
    case_id = add_person(conn, client_id, name, reference, {"kind": "email", "value": email},
                         timezone=zone_where_it_is(12))
    values = {"creditor": "Northwind Bank", "original_balance_cents": 100_000,
              "balance_cents": 100_000, "currency": "USD", "status": "active",
              "delinquent_since": TODAY - timedelta(days=45), "attorney_represented": False,
              "disputed": False, "ceased": False, "created_at": datetime.now(UTC), **debt}
    debt_id = conn.execute(insert(DebtAccount.__table__).values(
        client_id=client_id, case_id=case_id, **values)).inserted_primary_key[0]
    return case_id, debt_id


def api(page, method: str, path: str, body: dict | None = None) -> dict:
    """A request from the signed-in page (its session and CSRF token), as a colleague's
    console would make it; {status, body}."""
    return page.evaluate("""async ([method, path, body]) => {
        const csrf = document.querySelector('meta[name="csrf-token"]').content;
        const r = await fetch(`/api/v1${path}`, {method, credentials: "same-origin",
            headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
            body: body ? JSON.stringify(body) : undefined});
        return {status: r.status, body: await r.json().catch(() => null)};
    }""", [method, path, body])


def uncovered(page, selector: str) -> bool:
    """Is the centre of the (first) element the element itself, or inside it, at its point?"""
    return page.evaluate("""(selector) => {
        const el = document.querySelector(selector);
        el.scrollIntoView({block: "nearest"});
        const r = el.getBoundingClientRect();
        const x = r.left + r.width / 2, y = r.top + r.height / 2;
        if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false;
        const hit = document.elementFromPoint(x, y);
        return hit === el || el.contains(hit);
    }""", selector)


@pytest.fixture(scope="module")
def ledger(server_env):
    """An account with a year of payments (one reversed), an open promise, a settlement
    waiting for sign-off and blocked attempts."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id, debt_id = debtor(conn, client_id, "Lena Ledger", "CL-E2ELEDG1",
                                  "lena.ledger@example.com", account_number="E2E-LEDG-1",
                                  original_balance_cents=600_000, balance_cents=500_000)
        common = {"client_id": client_id, "case_id": case_id, "debt_account_id": debt_id}
        ids = {}
        for n in range(1, 13):
            ids[n] = conn.execute(insert(Payment.__table__).values(
                **common, amount_cents=2_500, paid_on=TODAY - timedelta(days=30 * n),
                method="card", reference=f"LP-{n:02d}")).inserted_primary_key[0]
        # The reversal was keyed in last, for a day between two payments.
        conn.execute(insert(Payment.__table__).values(
            **common, amount_cents=-2_500, paid_on=TODAY - timedelta(days=45), method="card",
            reference=f"reversal-of-{ids[3]}", reverses_payment_id=ids[3],
            reason="Card charged back"))
        conn.execute(insert(Promise.__table__).values(
            **common, amount_cents=5_000, due_on=TODAY + timedelta(days=10), status="open",
            paid_cents=0))
        conn.execute(insert(Settlement.__table__).values(
            **common, amount_cents=300_000, balance_cents=500_000, status="pending",
            terms={"as": "promise", "due_on": (TODAY + timedelta(days=14)).isoformat()}))
        for n in range(6):
            conn.execute(insert(BlockedAttempt.__table__).values(
                client_id=client_id, case_id=case_id, medium="voice", rule="call_frequency",
                occurred_at=datetime.now(UTC) - timedelta(hours=n + 1)))
    return case_id


def test_the_debt_panel_is_a_summary_and_nothing_covers_the_composer(new_page, sign_in,
                                                                     live_server, ledger):
    case_id = ledger
    page = sign_in(new_page(), "collections@caseline.demo")
    for size in SIZES:
        page.set_viewport_size(size)
        open_case(page, live_server, case_id, "CL-E2ELEDG1")
        panel = page.locator("#debt-panel")
        expect(panel.locator(".fold-payments summary")).to_contain_text(
            f"13, last USD 25.00 on {readable(TODAY - timedelta(days=30))}")
        expect(panel.locator(".fold-promises summary")).to_contain_text("1 open")
        # Folded: the panel is a few lines and the composer's Send is in view, uncovered.
        assert panel.bounding_box()["height"] < size["height"] / 3
        expect(page.locator("#composer-send")).to_be_in_viewport()
        assert uncovered(page, "#composer-send")
        # The phone bar at its tallest (a wrap-up) sits below the panes, over nothing.
        page.evaluate("document.getElementById('phone-wrapup').hidden = false")
        assert uncovered(page, "#composer-send")
        expect(page.locator("#blocked-attempts .blocked")).to_have_count(6)
        assert uncovered(page, "#blocked-attempts .blocked:last-child")
        assert uncovered(page, "#phone-wrapup-submit")
        page.evaluate("document.getElementById('phone-wrapup').hidden = true")
        page.goto("about:blank")

    # The settlement waiting for sign-off stands beside the account in the header.
    open_case(page, live_server, case_id, "CL-E2ELEDG1")
    expect(page.locator("#case-debts .settlement")).to_contain_text(
        "settlement pending sign-off USD 3,000.00 (balance then USD 5,000.00) as one payment "
        f"by {readable(TODAY + timedelta(days=14))}")
    # The digest's promise reads like the rest: money with its currency, a readable day.
    expect(page.locator("#case-digest .promise-chip")).to_have_text(
        f"USD 50.00 by {readable(TODAY + timedelta(days=10))}")
    # Unfolded, payments run newest first by the day paid; a reversal says what it undoes.
    panel = page.locator("#debt-panel")
    panel.locator(".fold-payments summary").click()
    rows = panel.locator(".debt-payments li")
    expect(rows).to_have_count(13)
    expect(rows.nth(0)).to_contain_text("LP-01")
    expect(rows.nth(1)).to_have_text(
        f"{readable(TODAY - timedelta(days=45))} · -USD 25.00 · Reversal of payment LP-03 on "
        f"{readable(TODAY - timedelta(days=90))} · Card charged back")
    expect(rows.nth(2)).to_contain_text("LP-02")
    expect(panel).not_to_contain_text("reversal-of-")


def test_the_worklist_row_follows_a_payment_without_a_reload(new_page, sign_in, live_server,
                                                             server_env):
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id, debt_id = debtor(conn, client_id, "Walter Worklist", "CL-E2EWORK1",
                                  "walter.worklist@example.com", account_number="E2E-WORK-1",
                                  original_balance_cents=90_000_000, balance_cents=90_000_000,
                                  delinquent_since=TODAY - timedelta(days=400))
        # Every point the priority gives (broken promises, large ones due today): the top row.
        for status, due in [("broken", TODAY - timedelta(days=60))] * 4 + [("open", TODAY)] * 3:
            conn.execute(insert(Promise.__table__).values(
                client_id=client_id, case_id=case_id, debt_account_id=debt_id,
                amount_cents=40_000_000, due_on=due, status=status, paid_cents=0))
    page = sign_in(new_page(), "collections@caseline.demo")
    row = page.locator(f'#wl-collections .wl-debt[data-case-id="{case_id}"]')
    expect(row).to_contain_text("Walter Worklist · USD 900,000.00")
    page.evaluate("window.stayed = true")  # gone if the page reloads
    row.click()
    expect(page.locator("#case-reference")).to_have_text("CL-E2EWORK1")

    # This agent's payment: the row follows at once.
    panel = page.locator("#debt-panel")
    panel.get_by_role("button", name="Post payment…").click()
    panel.get_by_label("Payment amount").fill("100,000.00")
    panel.get_by_label("Payment reference").fill("E2E-WORK-PAY-1")
    panel.get_by_role("button", name="Post payment", exact=True).click()
    expect(row).to_contain_text("Walter Worklist · USD 800,000.00")

    # A colleague's payment on the case open here: the socket's case events move the row.
    colleague = sign_in(new_page(), "supervisor@caseline.demo")
    posted = api(colleague, "POST", f"/debts/{debt_id}/payments", {
        "amount_cents": 50_000_000, "paid_on": TODAY.isoformat(),
        "reference": "E2E-WORK-PAY-2", "method": "ach"})
    assert posted["status"] == 201, posted
    expect(row).to_contain_text("Walter Worklist · USD 300,000.00")
    assert page.evaluate("window.stayed") is True


def test_the_record_forms_guide_and_say_what_is_wrong_beside_the_field(new_page, sign_in,
                                                                       live_server,
                                                                       server_env):
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id, _ = debtor(conn, client_id, "Greta Guided", "CL-E2EFORM1",
                            "greta.guided@example.com", account_number="E2E-FORM-1",
                            balance_cents=123_456)
    # One "today" for the browser and the test: the page's clock stands still at this moment,
    # so a run that crosses midnight (UTC) still expects the day the form shows.
    now = datetime.now(UTC)
    today = now.date()
    page = new_page()
    page.clock.set_fixed_time(now)
    page = sign_in(page, "collections@caseline.demo")
    open_case(page, live_server, case_id, "CL-E2EFORM1")
    panel = page.locator("#debt-panel")
    panel.get_by_role("button", name="Post payment…").click()
    form = panel.locator("form[aria-label='Post payment']")
    # The amount is empty (what came in is typed, never the balance confirmed by a second
    # Enter), the balance a hint; today by default; hints give the units.
    expect(form.get_by_label("Payment amount")).to_have_value("")
    expect(form.get_by_label("Payment amount")).to_have_attribute("required", "")
    expect(form.get_by_label("Paid on")).to_have_value(today.isoformat())
    expect(form).to_contain_text("Amount")
    expect(form).to_contain_text("required; USD, e.g. 25.00 · balance 1234.56")
    expect(form).to_contain_text("the receipt or transaction number")
    form.get_by_role("button", name="Post payment").click()
    expect(form.locator(".field-error[data-field=amount]")).to_have_text(
        "Write the amount in USD, e.g. 25.00")
    error = form.locator(".field-error[data-field=reference]")
    form.get_by_label("Payment amount").fill("10.00")
    form.get_by_role("button", name="Post payment").click()
    expect(error).to_have_text("Write the payment's reference (receipt or transaction number)")
    form.get_by_label("Payment amount").fill("12,34x")
    form.get_by_label("Payment reference").fill("E2E-FORM-PAY-1")
    form.get_by_role("button", name="Post payment").click()
    expect(form.locator(".field-error[data-field=amount]")).to_have_text(
        "Write the amount in USD, e.g. 25.00")
    expect(error).to_be_hidden()
    # The server's refusal lands beside the field it is about.
    form.get_by_label("Payment amount").fill("10.00")
    form.get_by_label("Paid on").fill((today + timedelta(days=2)).isoformat())
    form.get_by_role("button", name="Post payment").click()
    expect(form.locator(".field-error[data-field=paid_on]")).to_have_text(
        "The payment's date cannot be in the future")

    # The promise form: the amount empty (the balance only a hint, as for a payment: what
    # the debtor promised is typed), today by default, and the words for a bad day.
    panel.get_by_role("button", name="Take promise…").click()
    promise = panel.locator("form[aria-label='Take promise']")
    expect(promise.get_by_label("Promise amount")).to_have_value("")
    expect(promise).to_contain_text("required; USD, e.g. 50.00 · balance 1234.56")
    promise.get_by_role("button", name="Take promise").click()
    expect(promise.locator(".field-error[data-field=amount]")).to_have_text(
        "Write the amount in USD, e.g. 50.00")
    expect(promise.get_by_label("Promised by")).to_have_value(today.isoformat())
    promise.get_by_label("Promise amount").fill("100.00")
    promise.get_by_label("Promised by").fill((today + timedelta(days=400)).isoformat())
    promise.get_by_role("button", name="Take promise").click()
    expect(promise.locator(".field-error[data-field=due_on]")).to_contain_text(
        "between today and a year from now")
    promise.get_by_label("Promised by").fill((today + timedelta(days=7)).isoformat())
    promise.get_by_role("button", name="Take promise").click()
    expect(panel.locator(".fold-promises summary")).to_contain_text("1 open")

    # A plan shares the balance out by default; a settlement must be below the balance.
    panel.get_by_role("button", name="Payment plan…").click()
    plan = panel.locator("form[aria-label='Payment plan']")
    expect(plan.get_by_label("Instalment amount")).to_have_value("205.76")
    plan.get_by_label("Number of instalments").fill("4")
    expect(plan.get_by_label("Instalment amount")).to_have_value("308.64")
    plan.get_by_role("button", name="Cancel").click()
    panel.get_by_role("button", name="Propose settlement…").click()
    settle = panel.locator("form[aria-label='Propose settlement']")
    settle.get_by_label("Settlement amount").fill("2000")
    settle.get_by_role("button", name="Propose settlement").click()
    expect(settle.locator(".field-error[data-field=amount]")).to_contain_text(
        "less than the balance (USD 1,234.56)")


def test_a_blocked_attempt_shows_on_the_open_case_without_a_reload(new_page, sign_in,
                                                                   live_server, server_env):
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id, _ = debtor(conn, client_id, "Bruno Blocked", "CL-E2EBLOK1",
                            "bruno.blocked@example.com", account_number="E2E-BLOK-1",
                            disputed=True, status="disputed")
    page = sign_in(new_page(), "collections@caseline.demo")
    open_case(page, live_server, case_id, "CL-E2EBLOK1")
    expect(page.locator("#contact-rules")).to_contain_text("Inconvenient times and places")
    expect(page.locator("#blocked-attempts .blocked")).to_have_count(0)
    page.evaluate("window.stayed = true")
    # A colleague tries to email: the guardrail refuses, and this page's list shows it.
    colleague = sign_in(new_page(), "supervisor@caseline.demo")
    refused = api(colleague, "POST", f"/cases/{case_id}/messages", {
        "medium": "email", "subject": "Your balance", "body": "Please pay what you owe."})
    assert (refused["status"], refused["body"]["error"]["code"]) == (409, "disputed")
    blocked = page.locator("#blocked-attempts .blocked")
    expect(blocked).to_have_count(1)
    expect(blocked).to_contain_text("email · disputed")
    # Its override shows the same way.
    colleague_sees = api(colleague, "GET", f"/cases/{case_id}/blocked-attempts")
    row_id = colleague_sees["body"]["items"][0]["id"]
    assert api(colleague, "POST", f"/blocked-attempts/{row_id}/override",
               {"reason": "Sending the validation notice"})["status"] == 200
    expect(blocked).to_contain_text('overridden: "Sending the validation notice"')
    assert page.evaluate("window.stayed") is True


def test_a_reversal_and_an_override_ask_their_reason_in_the_page(new_page, sign_in,
                                                                 live_server, server_env):
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id, debt_id = debtor(conn, client_id, "Rita Reason", "CL-E2EREAS1",
                                  "rita.reason@example.com", account_number="E2E-REAS-1",
                                  balance_cents=97_500)
        conn.execute(insert(Payment.__table__).values(
            client_id=client_id, case_id=case_id, debt_account_id=debt_id, amount_cents=2_500,
            paid_on=TODAY - timedelta(days=3), method="card", reference="RR-01"))
        conn.execute(insert(BlockedAttempt.__table__).values(
            client_id=client_id, case_id=case_id, medium="voice", rule="call_frequency",
            occurred_at=datetime.now(UTC) - timedelta(hours=1)))
    page = sign_in(new_page(), "supervisor@caseline.demo")
    popups = []
    page.on("dialog", lambda d: (popups.append(d.message), d.dismiss()))
    open_case(page, live_server, case_id, "CL-E2EREAS1")
    panel = page.locator("#debt-panel")
    panel.locator(".fold-payments summary").click()

    # Reverse: a form in the page says what is undone; Cancel leaves the payment alone.
    panel.locator(".debt-payments li", has_text="RR-01").get_by_role("button",
                                                                     name="Reverse").click()
    dialog = page.locator("#reverse-payment-dialog")
    expect(dialog).to_contain_text("Reverse payment RR-01")
    expect(dialog).to_contain_text("USD 25.00 · card · RR-01")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_have_count(0)
    expect(panel.locator(".debt-payments li")).to_have_count(1)
    # The reason is required, and said so beside it; given, the reversal posts.
    panel.get_by_role("button", name="Reverse").click()
    dialog.get_by_role("button", name="Reverse payment").click()
    expect(dialog.locator(".field-error")).to_contain_text("required")
    dialog.get_by_label("Why is it reversed?").fill("Card charged back")
    dialog.get_by_role("button", name="Reverse payment").click()
    expect(dialog).to_have_count(0)
    expect(panel.locator(".debt-payments li.reversal")).to_contain_text(
        "Reversal of payment RR-01")
    expect(panel.locator(".debt-summary")).to_contain_text("USD 1,000.00 owed")

    # Override a blocked call: the same kind of form, the reason kept on the case.
    page.locator("#blocked-attempts .blocked").get_by_role("button", name="Override").click()
    override = page.locator("#override-dialog")
    expect(override).to_contain_text("call")
    override.get_by_role("button", name="Override").click()
    expect(override.locator(".field-error")).to_contain_text("required")
    override.get_by_label("Why may it go ahead?").fill("Debtor asked us to call back now")
    override.get_by_role("button", name="Override").click()
    expect(override).to_have_count(0)
    expect(page.locator("#blocked-attempts .blocked")).to_contain_text(
        'overridden: "Debtor asked us to call back now"')
    assert popups == []  # no prompt() on the way


def test_a_running_plan_is_shown_and_no_second_one_offered(new_page, sign_in, live_server,
                                                          server_env):
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id, debt_id = debtor(conn, client_id, "Paul Planned", "CL-E2EPLAN1",
                                  "paul.planned@example.com", account_number="E2E-PLAN-1")
    page = sign_in(new_page(), "collections@caseline.demo")
    open_case(page, live_server, case_id, "CL-E2EPLAN1")
    card = page.locator("#debt-panel .debt-card")
    expect(card.get_by_role("button", name="Payment plan…")).to_be_visible()
    first = datetime.now(UTC).date() + timedelta(days=3)
    made = api(page, "POST", f"/debts/{debt_id}/plans", {"instalment_cents": 25_000,
               "frequency": "monthly", "first_due_on": first.isoformat(), "count": 4})
    assert made["status"] == 201, made
    page.reload()
    expect(card.locator(".debt-plan")).to_have_text(
        f"Plan running: 4 monthly instalments of USD 250.00 from {readable(first)}")
    expect(card.get_by_role("button", name="Payment plan…")).to_be_hidden()
    expect(card.get_by_role("button", name="Take promise…")).to_be_visible()


def test_a_reviewer_sees_settlements_grouped_with_their_figures(new_page, sign_in, live_server,
                                                                server_env):
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        _, debt_id = debtor(conn, client_id, "Sally Settle", "CL-E2ESETL1",
                            "sally.settle@example.com", account_number="E2E-SETL-1")
    maker = sign_in(new_page(), "collections@caseline.demo")
    offered = api(maker, "POST", f"/debts/{debt_id}/settlements", {
        "amount_cents": 40_000, "as": "promise",
        "due_on": (TODAY + timedelta(days=5)).isoformat()})
    assert offered["status"] == 201 and offered["body"]["status"] == "pending", offered
    reviewer = sign_in(new_page(), "reviewer@caseline.demo")
    group = reviewer.locator("#wl-sign-off .wl-kind-settlement_offer")
    expect(group.locator("h4")).to_contain_text("Settlement offers")
    ask = group.locator(".wl-decision", has_text="E2E-SETL-1")
    expect(ask).to_contain_text("Settle USD 400.00 of USD 1,000.00")
    expect(ask).to_contain_text("60% off · debt E2E-SETL-1 (Northwind Bank)")
    expect(ask).to_contain_text(f"as one payment by {readable(TODAY + timedelta(days=5))}")
    ask.click()
    expect(reviewer.locator("#case-reference")).to_have_text("CL-E2ESETL1")


def test_who_works_for_two_clients_filters_the_worklist_by_client(new_page, sign_in,
                                                                  live_server, server_env):
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        other = conn.execute(insert(Client.__table__).values(
            slug="e2e-second-lender", name="Second Lender")).inserted_primary_key[0]
        debtor(conn, other, "Olga Otherclient", "CL-E2ECLNT1", "olga.other@example.com",
               account_number="E2E-CLNT-1", balance_cents=95_000_000,
               delinquent_since=TODAY - timedelta(days=400))
        with Session(bind=conn) as session:
            users.create_user(session, "two.clients@caseline.demo", "Two Clients",
                              ["collections"], "caseline-demo",
                              [session.get(Client, client_id), session.get(Client, other)])
            session.flush()
    # One client: nothing to choose.
    single = sign_in(new_page(), "collections@caseline.demo")
    expect(single.locator("#wl-collections")).to_contain_text("Collections due now")
    expect(single.locator("#wl-collections select[name=client]")).to_have_count(0)

    page = sign_in(new_page(), "two.clients@caseline.demo")
    choice = page.locator("#wl-collections select[name=client]")
    expect(choice.locator("option")).to_have_count(3)
    expect(choice).to_contain_text("Second Lender")
    choice.select_option(label="Second Lender")
    rows = page.locator("#wl-collections .wl-debt")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Olga Otherclient")
    expect(page.locator("#wl-collections select[name=client]")).to_have_value(str(other))


def test_a_recorded_dont_call_me_turns_the_call_off_at_once(new_page, sign_in, live_server,
                                                             server_env):
    number, _ = number_where_it_is(day=True)
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id, debt_id = debtor(conn, client_id, "Nora Nocall", "CL-E2ENOCL1",
                                  "nora.nocall@example.com", account_number="E2E-NOCL-1",
                                  balance_cents=98_000_000,
                                  delinquent_since=TODAY - timedelta(days=400))
        customer_id = conn.scalar(select(Case.customer_id).where(Case.id == case_id))
        conn.execute(insert(ContactPoint.__table__).values(
            client_id=client_id, customer_id=customer_id, kind="phone", value=number))
        for status, due in [("broken", TODAY - timedelta(days=60))] * 3 + [("open", TODAY)] * 2:
            conn.execute(insert(Promise.__table__).values(
                client_id=client_id, case_id=case_id, debt_account_id=debt_id,
                amount_cents=1_000, due_on=due, status=status, paid_cents=0))
    page = sign_in(new_page(), "collections@caseline.demo")
    row = page.locator(f'#wl-collections .wl-debt[data-case-id="{case_id}"]')
    expect(row).to_contain_text("7 calls left this week")
    row.click()
    expect(page.locator("#case-reference")).to_have_text("CL-E2ENOCL1")
    call = page.locator("#customer-pane .cp-call")
    allowance = page.locator("#customer-pane .cp-allowance")
    expect(call).to_be_enabled()
    expect(allowance).to_have_text("7 of 7 calls left this week")

    # Every field of the request is labelled, with a hint it is described by.
    for label, field in (("Number or address", "point"), ("Request", "medium"),
                         ("How they asked", "source"), ("Their words", "note")):
        control = page.get_by_label(label, exact=True)
        expect(control).to_have_id(f"opt-out-{field}")
        expect(control).to_have_attribute("aria-describedby", f"opt-out-{field}-hint")
        expect(page.locator(f"#opt-out-{field}-hint")).not_to_be_empty()
    page.get_by_label("Number or address", exact=True).select_option(label=number)
    page.get_by_label("Request", exact=True).select_option(label="don't call me")
    page.get_by_label("Their words", exact=True).fill("Stop ringing me")
    page.get_by_role("button", name="Record request").click()

    # The server refuses such a call; the pane says so: the button is off, with the reason.
    expect(call).to_be_disabled()
    expect(call).to_have_attribute("title", f"No call to {number}: opted out of calls")
    expect(allowance).to_have_text("No call: opted out of calls")
    expect(page.locator("#customer-pane")).not_to_contain_text("calls left this week")
    # The worklist row follows: why no call, instead of the calls left.
    expect(row).to_contain_text("No call now: opted out of calls")
    expect(row).not_to_contain_text("calls left this week")


def test_a_refused_message_keeps_its_medium_and_never_becomes_a_note(new_page, sign_in,
                                                                      live_server, server_env):
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id, _ = debtor(conn, client_id, "Mia Mailnot", "CL-E2EMNOT1",
                            "mia.mailnot@example.com", account_number="E2E-MAIL-1")
        point_id = conn.scalar(select(ContactPoint.id).where(
            ContactPoint.value == "mia.mailnot@example.com"))
    page = sign_in(new_page(), "collections@caseline.demo")
    open_case(page, live_server, case_id, "CL-E2EMNOT1")
    medium = page.locator("#composer-medium")
    expect(medium.locator("option[value=email]")).to_be_enabled()
    medium.select_option("email")
    page.locator("#composer-subject").fill("Your account")
    words = "Could we agree a plan for the balance this month?"
    page.locator("#composer-body").fill(words)
    # The debtor tells a colleague "don't email me" meanwhile.
    colleague = sign_in(new_page(), "supervisor@caseline.demo")
    assert api(colleague, "POST", f"/contact-points/{point_id}/opt-outs",
               {"medium": "email", "note": "no more emails"})["status"] == 200
    expect(medium.locator("option[value=email]")).to_be_disabled()
    # The agent's words stay under the medium they chose, which now says why not.
    expect(medium).to_have_value("email")
    expect(page.locator("#composer-body")).to_have_value(words)
    page.locator("#composer-body").press("Control+Enter")
    expect(page.locator("#composer-error")).to_contain_text("opted out of email")
    expect(medium).to_have_value("email")
    expect(page.locator("#composer-body")).to_have_value(words)
    expect(page.locator("#timeline")).not_to_contain_text(words)


def test_a_promise_on_the_wrap_up_says_what_is_missing_in_words(new_page, sign_in,
                                                                live_server, server_env):
    number, _ = number_where_it_is(day=True)
    # Another number of the same place: a number belongs to one customer of a client.
    number = number[:-1] + str((int(number[-1]) + 1) % 10)
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id, debt_id = debtor(conn, client_id, "Wanda Wrapup", "CL-E2EWRAP1",
                                  "wanda.wrapup@example.com", account_number="E2E-WRAP-1")
        customer_id = conn.scalar(select(Case.customer_id).where(Case.id == case_id))
        conn.execute(insert(ContactPoint.__table__).values(
            client_id=client_id, customer_id=customer_id, kind="phone", value=number))
    page = sign_in(new_page(), "collections@caseline.demo")
    open_case(page, live_server, case_id, "CL-E2EWRAP1")
    page.locator("#customer-pane .cp-call").click()
    page.click("#phone-end")
    expect(page.locator("#phone-wrapup")).to_be_visible()
    page.select_option("#phone-disposition", "promise_to_pay")
    message = page.locator("#phone-message")
    page.fill("#phone-promise-amount", "12,34x")
    page.click("#phone-wrapup-submit")
    expect(message).to_have_text("Write the promised amount, e.g. 50.00")
    page.fill("#phone-promise-amount", "75.00")
    page.click("#phone-wrapup-submit")
    expect(message).to_have_text("Pick the day they will pay by")
    due = TODAY + timedelta(days=5)
    page.fill("#phone-promise-due", due.isoformat())
    page.click("#phone-wrapup-submit")
    expect(page.locator("#phone-wrapup")).to_be_hidden()
    promises = api(page, "GET", f"/debts/{debt_id}/promises")["body"]["items"]
    assert [(p["amount_cents"], p["due_on"], p["status"]) for p in promises] == [
        (7_500, due.isoformat(), "open")]


def test_the_calls_left_follow_a_call_without_reopening_the_case(new_page, sign_in,
                                                                  live_server, server_env):
    number, _ = number_where_it_is(day=True)
    number = number[:-1] + str((int(number[-1]) + 2) % 10)  # a number of its own
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id, _ = debtor(conn, client_id, "Cora Counted", "CL-E2ECNT1",
                            "cora.counted@example.com", account_number="E2E-CNT-1")
        customer_id = conn.scalar(select(Case.customer_id).where(Case.id == case_id))
        conn.execute(insert(ContactPoint.__table__).values(
            client_id=client_id, customer_id=customer_id, kind="phone", value=number))
        for hours in (30, 50, 70):  # three unanswered calls this week
            conn.execute(insert(Interaction.__table__).values(
                client_id=client_id, case_id=case_id, medium="voice", direction="outbound",
                status="no-answer", body="Outbound call", to_addr=number,
                occurred_at=datetime.now(UTC) - timedelta(hours=hours)))
    page = sign_in(new_page(), "collections@caseline.demo")
    open_case(page, live_server, case_id, "CL-E2ECNT1")
    allowance = page.locator("#customer-pane .cp-allowance")
    expect(allowance).to_have_text("4 of 7 calls left this week")
    page.evaluate("window.stayed = true")
    page.locator("#customer-pane .cp-call").click()
    expect(page.locator("#phone-state")).to_have_text("on call")
    # Nobody answers (Twilio's status callback would say so); the agent ends the call.
    with served_default(server_env["DATABASE_URL"]) as (conn, _):
        conn.execute(update(Interaction.__table__).where(
            Interaction.case_id == case_id, Interaction.status == "queued")
            .values(status="no-answer"))
    page.click("#phone-end")
    expect(allowance).to_have_text("3 of 7 calls left this week")
    expect(page.locator("#customer-pane .cp-allowance")).to_have_count(1)
    page.select_option("#phone-disposition", "no_answer")
    page.click("#phone-wrapup-submit")
    expect(page.locator("#phone-wrapup")).to_be_hidden()
    assert page.evaluate("window.stayed") is True
