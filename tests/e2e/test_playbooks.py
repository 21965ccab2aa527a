"""The playbook beside a claims case in a real browser: a step ticked by the work itself, one
ticked by the agent, resolving refused until every required step is done or skipped (the
skip asks why), and the knowledge base searched from the case."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert

from crm.models import Claim
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, open_case


@pytest.fixture(scope="module")
def claimant(server_env):
    """A policyholder's case with a claim at first notice: a loss date, no policy number."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Petra Playbook", "CL-E2EPLAY1",
                             {"kind": "email", "value": "petra.playbook@example.com"})
        conn.execute(insert(Claim.__table__).values(
            client_id=client_id, case_id=case_id, number="E2E-PB-1", status="fnol",
            loss_date=date(2026, 11, 30), claim_type="property", currency="USD",
            description=""))
    return case_id


def _resolve(page):
    page.select_option("#case-status-select", "resolved")
    page.fill("#case-status-reason", "Claim handed to the assessor")
    page.click("#case-work-save")


def test_an_agent_works_a_claims_case_through_its_playbook(new_page, sign_in, live_server,
                                                           claimant):
    page = sign_in(new_page(), "claims@caseline.demo")
    open_case(page, live_server, claimant, "CL-E2EPLAY1")
    panel = page.locator("#playbook-panel")
    expect(panel).to_contain_text("Claims first notice of loss · v1")
    step = lambda key: panel.locator(f".playbook-step[data-key={key}]")  # noqa: E731
    # The loss date was captured with the claim: its step is done, saying so.
    expect(step("loss")).to_have_class("playbook-step done")
    expect(step("loss")).to_contain_text("claim loss date captured")
    expect(panel.locator("#playbook-status")).to_contain_text("4 required steps")

    step("verify").get_by_role("checkbox").check()
    expect(step("verify")).to_have_class("playbook-step done")
    expect(panel.locator("#playbook-status")).to_contain_text("3 required steps")

    _resolve(page)
    expect(page.locator("#case-work-error")).to_contain_text("finish or skip the required")
    expect(page.locator("#case-status")).to_have_text("open")

    # A skip asks why: a blank reason is refused, in words.
    step("policy").get_by_role("button", name="Skip").click()
    dialog = page.locator("#playbook-skip-dialog")
    dialog.get_by_role("button", name="Skip step").click()
    expect(dialog).to_contain_text("This is required")
    dialog.get_by_label("Why is it skipped?").fill("Policyholder has no schedule to hand")
    dialog.get_by_role("button", name="Skip step").click()
    expect(dialog).to_be_hidden()
    expect(step("policy")).to_contain_text("Policyholder has no schedule to hand")
    step("documents").get_by_role("button", name="Skip").click()
    dialog.get_by_label("Why is it skipped?").fill("Sent by post")
    dialog.get_by_role("button", name="Skip step").click()
    step("next").get_by_role("checkbox").check()
    expect(panel.locator("#playbook-status")).to_have_text("Every required step is done")

    _resolve(page)
    expect(page.locator("#case-status")).to_have_text("resolved")

    # The policyholder also wants to cancel: the retention playbook is started by hand.
    panel.get_by_label("Playbook to start").select_option("retention")
    panel.get_by_role("button", name="Start").click()
    expect(panel).to_contain_text("Cancellation request · v1")
    expect(panel.get_by_role("tab", name="Claims ✓")).to_be_visible()

    # The policy step's article opens in the knowledge base panel; search finds by body words.
    kb = page.locator("#kb-panel")
    kb.get_by_label("Search the knowledge base").fill("gutters")
    kb.get_by_role("button", name="Search").click()
    kb.get_by_role("button", name="Storm and hail damage to a home").click()
    expect(kb.locator("#kb-article")).to_contain_text("keep the receipts")
    expect(kb.locator("#kb-article strong", has_text="keep the receipts")).to_be_visible()
