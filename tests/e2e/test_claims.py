"""The claim panel in a real browser: a first notice of loss taken, moved, a document asked
for and marked received, a decline sent for sign-off and approved by a reviewer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert

from crm.models import Attachment, Interaction
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, open_case, readable


@pytest.fixture(scope="module")
def settling(server_env):
    """A policyholder's case with nothing on it yet, for a claim taken to settlement."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        return add_person(conn, client_id, "Sam Settlewell", "CL-E2ECLM2",
                          {"kind": "email", "value": "sam.settlewell@example.com"})


@pytest.fixture(scope="module")
def holder(server_env):
    """A policyholder's case whose customer emailed a photo of the damage."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Polly Claimpanel", "CL-E2ECLM1",
                             {"kind": "email", "value": "polly.claimpanel@example.com"})
        item = conn.execute(insert(Interaction.__table__).values(
            client_id=client_id, case_id=case_id, medium="email", direction="inbound",
            status="received", body="Photos attached", subject="My car",
            status_seq=-1, meta={})).inserted_primary_key[0]
        conn.execute(insert(Attachment.__table__).values(
            interaction_id=item, kind="file", filename="bumper.jpg", content_type="image/jpeg",
            size=1234, meta={}))
    return case_id


def test_a_claim_is_taken_moved_documented_and_declined_with_sign_off(
        new_page, sign_in, live_server, holder):
    page = sign_in(new_page(), "claims@caseline.demo")
    open_case(page, live_server, holder, "CL-E2ECLM1")
    panel = page.locator("#claim-panel")
    loss = (date.today() - timedelta(days=3)).isoformat()

    panel.get_by_role("button", name="New claim (first notice of loss)…").click()
    panel.get_by_label("Claim number").fill("E2E-CLM-1")
    panel.get_by_label("Policy number").fill("POL-77")
    panel.get_by_label("Loss date").fill(loss)
    panel.get_by_label("Claim type").select_option("motor")
    panel.get_by_label("Amount claimed").fill("2,500.00")
    panel.get_by_role("button", name="New claim (first notice of loss)", exact=True).click()
    card = panel.locator(".claim-card")
    expect(card.locator(".claim-status")).to_have_text("first notice of loss")
    expect(card).to_contain_text(f"motor · loss on {loss} · reported USD 2,500.00")

    card.get_by_role("button", name="Move to triage").click()
    expect(card.locator(".claim-status")).to_have_text("triage")
    expect(page.locator("#timeline")).to_contain_text(
        "Claim E2E-CLM-1: moved from first notice of loss to triage")

    card.get_by_role("button", name="Ask for a document…").click()
    card.get_by_label("Document to ask for").fill("Photos of the damage")
    card.get_by_role("button", name="Ask for a document", exact=True).click()
    doc = card.locator(".claim-document")
    expect(doc).to_contain_text("Photos of the damage · waiting")
    doc.get_by_role("button", name="Mark an attachment as this…").click()
    doc.get_by_label("Attachment that is the Photos of the damage").select_option(
        label=f"bumper.jpg · email · {readable(date.today())}")
    doc.get_by_role("button", name="Mark received").click()
    expect(card.locator(".claim-document")).to_contain_text(
        "Photos of the damage · received as bumper.jpg")

    card.get_by_role("button", name="Decline (sign-off)…").click()
    card.get_by_label("Why declined").fill("Wear and tear is not covered")
    card.get_by_role("button", name="Decline (sign-off)", exact=True).click()
    expect(card.locator(".claim-pending")).to_contain_text(
        "To be declined (Wear and tear is not covered): a reviewer approves or rejects it")
    expect(card.locator(".claim-status")).to_have_text("triage")

    reviewer = sign_in(new_page(), "reviewer@caseline.demo")
    open_case(reviewer, live_server, holder, "CL-E2ECLM1")
    reviewer.locator("#decisions").get_by_role("button", name="Approve").click()
    reviewer.click("#review-dialog-submit")  # Approve…, then confirm
    reviewer.click("#review-dialog-submit")
    expect(reviewer.locator("#claim-panel .claim-status")).to_have_text("declined")
    # The handler's open page follows live.
    expect(card.locator(".claim-status")).to_have_text("declined")
    expect(card).to_contain_text("Why declined: Wear and tear is not covered")


def unclipped(page, selector: str) -> list[str]:
    """Fields under selector whose box is cut off: off the page's width or wider than shown."""
    return page.eval_on_selector_all(selector, """(els) => els.filter((el) => {
        const r = el.getBoundingClientRect();
        return r.right > window.innerWidth || r.left < 0 || el.scrollWidth > el.clientWidth + 1;
      }).map((el) => el.name || el.outerHTML.slice(0, 60))""")


def test_every_claim_field_is_labelled_and_a_settlement_states_its_amount(
        new_page, sign_in, live_server, settling):
    page = sign_in(new_page(), "claims@caseline.demo")
    assert page.viewport_size == {"width": 1280, "height": 720}
    open_case(page, live_server, settling, "CL-E2ECLM2")
    panel = page.locator("#claim-panel")
    panel.get_by_role("button", name="New claim (first notice of loss)…").click()
    form = panel.locator("form.claim-form").first
    # Every input and select has a visible label of its own, and none is cut off.
    for name in ("Claim number", "Policy number", "Policy start", "Loss date", "Claim type",
                 "Amount claimed", "Bank account", "What happened"):
        expect(form.get_by_label(name, exact=True)).to_be_visible()
    expect(form.locator(".field label.field-name")).to_have_count(8)
    assert page.eval_on_selector_all(
        "#claim-panel form.claim-form input, #claim-panel form.claim-form select",
        "(els) => els.filter((el) => el.labels.length === 0).length") == 0
    assert unclipped(page, "#claim-panel form.claim-form input, "
                           "#claim-panel form.claim-form select") == []

    form.get_by_label("Claim number").fill("E2E-CLM-2")
    form.get_by_label("Loss date").fill((date.today() - timedelta(days=5)).isoformat())
    form.get_by_label("Amount claimed").fill("6000.00")
    panel.get_by_role("button", name="New claim (first notice of loss)", exact=True).click()
    card = panel.locator(".claim-card")
    expect(card.locator(".claim-status")).to_have_text("first notice of loss")
    card.get_by_role("button", name="Move to triage").click()
    expect(card.locator(".claim-status")).to_have_text("triage")
    card.get_by_role("button", name="Ask for a document…").click()
    card.get_by_label("Document to ask for").fill("Police report")
    card.get_by_role("button", name="Ask for a document", exact=True).click()
    expect(card.locator(".claim-document")).to_contain_text("Police report · waiting")

    # Assessing waits for the police report: the form names it; going on needs a reason.
    card.get_by_role("button", name="Move to assessed…").click()
    move = card.locator("form.claim-move-form")
    expect(move.locator(".claim-awaited")).to_have_text("Still waiting for Police report.")
    move.get_by_role("button", name="Move to assessed", exact=True).click()
    expect(card.locator(".error")).to_contain_text(
        "Claim E2E-CLM-2 is still waiting for Police report: mark it received, or waive it "
        "with a reason, before it is assessed")
    expect(move.get_by_label("Why (optional)", exact=True)).to_be_visible()
    move.get_by_label("Go on without them (say why below)").check()
    # Going on without them makes the reason required: the label says so, never "optional".
    expect(move.get_by_label("Why (optional)", exact=True)).to_have_count(0)
    move.get_by_role("button", name="Move to assessed", exact=True).click()
    expect(card.locator(".error")).to_contain_text(
        "Say why claim E2E-CLM-2 goes on without Police report.")
    move.get_by_label("Why go on without them", exact=True).fill(
        "The insurer's own photos are enough")
    move.get_by_role("button", name="Move to assessed", exact=True).click()
    expect(card.locator(".claim-status")).to_have_text("assessed")
    expect(card.locator(".claim-document")).to_contain_text("Police report · waived")

    # Proposing a settlement asks for its amount: without one, a clear error.
    card.get_by_role("button", name="Move to settlement proposed…").click()
    move = card.locator("form.claim-move-form")
    assert unclipped(page, "#claim-panel form.claim-move-form input") == []
    move.get_by_role("button", name="Move to settlement proposed", exact=True).click()
    expect(card.locator(".error")).to_contain_text(
        "The settlement amount is required to propose a settlement (claim E2E-CLM-2)")
    move.get_by_label("Settlement amount").fill("4,250.00")
    move.get_by_role("button", name="Move to settlement proposed", exact=True).click()
    expect(card.locator(".claim-status")).to_have_text("settlement proposed")
    expect(card).to_contain_text("settlement USD 4,250.00")

    # Settling offers the proposed amount; it goes to a reviewer with it.
    card.get_by_role("button", name="Settle (sign-off)…").click()
    expect(card.get_by_label("Settlement amount")).to_have_value("4250.00")
    card.get_by_role("button", name="Settle (sign-off)", exact=True).click()
    expect(card.locator(".claim-pending")).to_contain_text("To be settled")
    expect(page.locator("#timeline")).to_contain_text(
        "Claim E2E-CLM-2: moved from assessed to settlement proposed (settlement USD 4,250.00)")
