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

    page.once("dialog", lambda d: d.accept("Wear and tear is not covered"))
    card.get_by_role("button", name="Decline (sign-off)…").click()
    expect(card.locator(".claim-pending")).to_contain_text(
        "To be declined (Wear and tear is not covered): a reviewer approves or rejects it")
    expect(card.locator(".claim-status")).to_have_text("triage")

    reviewer = sign_in(new_page(), "reviewer@caseline.demo")
    open_case(reviewer, live_server, holder, "CL-E2ECLM1")
    reviewer.locator("#decisions").get_by_role("button", name="Approve").click()
    expect(reviewer.locator("#claim-panel .claim-status")).to_have_text("declined")
    # The handler's open page follows live.
    expect(card.locator(".claim-status")).to_have_text("declined")
    expect(card).to_contain_text("Why declined: Wear and tear is not covered")
