"""Investigations in a real browser: an agent escalates, an investigator takes and closes it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, open_case, signed_in

SUMMARY = "Four claims for one bicycle in two weeks"


@pytest.fixture(scope="module")
def claimant(server_env):
    """A customer's case nobody has escalated yet."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        return add_person(conn, client_id, "Bea Bicyclist", "CL-E2EINV1",
                          {"kind": "email", "value": "bea.bicyclist@example.com"})


def test_an_agent_escalates_and_an_investigator_takes_and_closes_it(new_page, live_server,
                                                                    claimant):
    agent = signed_in(new_page, live_server, "agent@caseline.demo")
    open_case(agent, live_server, claimant, "CL-E2EINV1")
    agent.once("dialog", lambda d: d.accept(SUMMARY))
    agent.click("#escalate-fraud")
    expect(agent.locator("#case-header .work-investigation")).to_have_text(
        "Investigation: under review")
    expect(agent.locator("#investigation-under-review")).to_have_text("Under review")
    expect(agent.locator("#timeline")).to_contain_text("under review")
    expect(agent.locator("#timeline")).not_to_contain_text(SUMMARY)

    fraud = signed_in(new_page, live_server, "fraud@caseline.demo")
    expect(fraud.locator("#fraud-queue")).to_contain_text("Fraud queue")
    open_case(fraud, live_server, claimant, "CL-E2EINV1")
    panel = fraud.locator("#investigation-panel")
    expect(panel.locator("#investigation-status")).to_have_text("open")
    expect(panel).to_contain_text(SUMMARY)
    panel.locator("#investigation-take").click()
    expect(panel.locator("#investigation-status")).to_have_text("investigating")

    panel.locator("#investigation-note").fill("Called the bike shop")
    panel.get_by_role("button", name="Add note").click()
    expect(panel.locator("#investigation-notes")).to_contain_text("Called the bike shop")

    panel.locator("#investigation-outcome-select").select_option("confirmed_fraud")
    panel.locator("#investigation-close-summary").fill("Same frame number on every claim")
    panel.get_by_role("button", name="Close investigation").click()
    expect(panel.locator("#investigation-status")).to_have_text("closed")
    expect(panel.locator("#investigation-outcome")).to_contain_text(
        "confirmed fraud: Same frame number on every claim")
    reference = panel.locator("#investigation-reference").inner_text()
    fraud.reload()
    expect(fraud.locator("#fraud-queue")).to_contain_text("Fraud queue")
    expect(fraud.locator("#fraud-queue")).not_to_contain_text(reference)
    for step in ("Escalated to the fraud team", "Investigation taken by",
                 "Investigation closed (confirmed fraud)"):
        expect(fraud.locator("#timeline")).to_contain_text(step)

    # The agent still sees only that the case was under review.
    agent.reload()
    expect(agent.locator("#timeline")).not_to_contain_text("Same frame number")
    expect(agent.locator("#timeline")).not_to_contain_text(reference)
