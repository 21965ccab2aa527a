"""Investigations in a real browser: an agent escalates, an investigator takes and closes it."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert, select, update

from crm.models import Case, Claim, Interaction, Investigation, User, utcnow
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, open_case, signed_in

SUMMARY = "Four claims for one bicycle in two weeks"


@pytest.fixture(scope="module")
def claimant(server_env):
    """A customer's case nobody has escalated yet, with a claim whose loss came 10 days after
    its policy started (a red flag the escalation's risk score weighs)."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Bea Bicyclist", "CL-E2EINV1",
                             {"kind": "email", "value": "bea.bicyclist@example.com"})
        conn.execute(insert(Claim.__table__).values(
            client_id=client_id, case_id=case_id, number="CLM-E2EINV1",
            policy_start=date(2026, 3, 1), loss_date=date(2026, 3, 11)))
        return case_id


def test_an_agent_escalates_and_an_investigator_takes_and_closes_it(new_page, live_server,
                                                                    claimant):
    agent = signed_in(new_page, live_server, "agent@caseline.demo")
    open_case(agent, live_server, claimant, "CL-E2EINV1")
    agent.click("#escalate-fraud")
    agent.fill("#escalate-dialog-summary", SUMMARY)
    agent.click("#escalate-dialog-submit")
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
    expect(panel.locator("#investigation-risk")).to_have_text(
        "Risk 30: loss soon after start (30)")
    panel.locator("#investigation-take").click()
    expect(panel.locator("#investigation-status")).to_have_text("investigating")

    panel.locator("#investigation-more summary").click()  # the work unfolds below
    panel.locator("#investigation-note").fill("Called the bike shop")
    panel.get_by_role("button", name="Add note").click()
    expect(panel.locator("#investigation-notes")).to_contain_text("Called the bike shop")

    # Escalating further asks for where to and why in the panel (no browser prompt): an
    # empty reason is refused beside the box; Cancel leaves the status alone.
    panel.locator("#investigation-send-up").click()
    panel.locator("#investigation-send-up-submit").click()
    expect(panel.locator("#investigation-send-up-error")).to_have_text(
        "Say where it goes and why (SIU, legal, the police…).")
    panel.locator("#investigation-send-up-cancel").click()
    expect(panel.locator("#investigation-send-up-form")).to_be_hidden()
    expect(panel.locator("#investigation-status")).to_have_text("investigating")
    panel.locator("#investigation-send-up").click()
    expect(panel.locator("#investigation-send-up-error")).to_have_text("")
    panel.get_by_label("Escalate further: where to, and why").fill("To SIU: a ring of four")
    panel.locator("#investigation-send-up-submit").click()
    expect(panel.locator("#investigation-status")).to_have_text("escalated")

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
                 "Investigation escalated further: To SIU: a ring of four",
                 "Investigation closed (confirmed fraud)"):
        expect(fraud.locator("#timeline")).to_contain_text(step)

    # The agent still sees only that the case was under review.
    agent.reload()
    expect(agent.locator("#timeline")).not_to_contain_text("Same frame number")
    expect(agent.locator("#timeline")).not_to_contain_text(reference)


LONG_SUMMARY = ("Seven claims in five weeks, each for a water leak in a different flat, all "
                "paid to one account and all reported by the same caller who gave a different "
                "name each time; the loss adjuster found no sign of water in two of them. ") * 3


@pytest.fixture(scope="module")
def worked(server_env):
    """A case whose investigation the demo investigator is working, with many notes."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Wanda Workedon", "CL-E2EINV2",
                             {"kind": "email", "value": "wanda.workedon@example.com"})
        conn.execute(update(Case.__table__).where(Case.id == case_id).values(sensitive=True))
        fraud = conn.execute(select(User.id).where(User.email == "fraud@caseline.demo")
                             ).scalar()
        inv = conn.execute(insert(Investigation.__table__).values(
            client_id=client_id, case_id=case_id, reference="INV-2026-EFOLD01",
            status="investigating", severity="high", summary=LONG_SUMMARY,
            assigned_to_id=fraud, taken_at=utcnow())).inserted_primary_key[0]
        conn.execute(insert(Interaction.__table__), [
            {"client_id": client_id, "case_id": case_id, "medium": "note",
             "direction": "internal", "status": "saved", "agent_id": fraud,
             "body": f"Investigation note {n}: checked another flat", "status_seq": -1,
             "occurred_at": utcnow(), "meta": {"investigation_id": inv}} for n in range(12)])
    return case_id


def test_the_investigation_panel_folds_to_a_summary_and_unfolds_within_a_third(
        new_page, live_server, worked):
    fraud = signed_in(new_page, live_server, "fraud@caseline.demo")
    assert fraud.viewport_size == {"width": 1280, "height": 720}
    open_case(fraud, live_server, worked, "CL-E2EINV2")
    panel = fraud.locator("#investigation-panel")
    # Folded: reference, state, severity, whose and what was escalated, in a few lines.
    expect(panel.locator("#investigation-reference")).to_have_text("INV-2026-EFOLD01")
    expect(panel.locator("#investigation-status")).to_have_text("investigating")
    expect(panel.locator("#investigation-severity")).to_have_text("high")
    expect(panel.locator(".inv-summary")).to_be_visible()
    expect(panel.locator("#investigation-more summary")).to_contain_text(
        "Work on it · evidence 0 · notes 12")
    expect(panel.locator("#investigation-notes")).to_be_hidden()
    folded = panel.bounding_box()["height"]
    assert folded < 720 / 4, folded
    for selector in ("#investigation-reference", "#investigation-status", ".inv-summary",
                     "#investigation-more summary"):
        assert fraud.locator(selector).evaluate(
            "(el) => { const p = el.closest('#investigation-panel').getBoundingClientRect();"
            " const r = el.getBoundingClientRect(); return r.top >= p.top && r.bottom <= p.bottom;"
            " }"), f"{selector} is cut off"

    # Unfolded: everything, scrolling inside at most a third of the screen.
    panel.locator("#investigation-more summary").click()
    notes = panel.locator("#investigation-notes li")
    expect(notes).to_have_count(12)
    box = panel.bounding_box()
    assert box["height"] <= 720 / 3 + 1, box
    assert panel.evaluate("(el) => el.scrollHeight > el.clientHeight")  # it scrolls
    notes.last.scroll_into_view_if_needed()
    expect(notes.last).to_be_in_viewport()
    # A live refresh keeps it unfolded.
    panel.locator("#investigation-note").fill("One more")
    panel.get_by_role("button", name="Add note").click()
    expect(notes).to_have_count(13)
    expect(panel.locator("#investigation-more")).to_have_attribute("open", "")
