"""Approval authority in a real browser: a reviewer whose limit is below the sum is told so in
the sign-off form (and who can sign), and the one who can sees the authority they sign under."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert, select

from crm.models import (
    Attachment,
    Claim,
    Decision,
    DocumentSummary,
    Interaction,
    SigningAuthority,
    User,
)
from crm.models.base import utcnow
from tests.e2e.conftest import start_server
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, open_case


@pytest.fixture(scope="module")
def authority_server(server_env, served_databases, tmp_path_factory):
    """A console of its own (authority set here applies to every decision of its client), with
    a case whose 5,000.00 claim payout waits for sign-off: the demo reviewer may approve up
    to 1,000.00, the demo supervisor up to 10,000.00. (URL, case id)."""
    url = served_databases.copy("authority")
    with served_default(url) as (conn, client_id):
        case_id = add_person(conn, client_id, "Greta Overlimit", "CL-E2EAUTH",
                             {"kind": "email", "value": "greta.overlimit@example.com"})
        conn.execute(insert(Claim.__table__).values(
            client_id=client_id, case_id=case_id, number="E2E-AUTH-1", currency="USD",
            status="assessment", created_at=utcnow(), updated_at=utcnow()))
        staff = dict(conn.execute(select(User.email, User.id).where(
            User.email.in_(["claims@caseline.demo", "reviewer@caseline.demo",
                            "supervisor@caseline.demo"]))).all())
        conn.execute(insert(Decision.__table__).values(
            client_id=client_id, case_id=case_id, kind="claim_payout", status="pending",
            summary="Pay claim E2E-AUTH-1 for the roof", amount_cents=500_000,
            currency="USD", maker_id=staff["claims@caseline.demo"], created_at=utcnow()))
        # The claim form came by email; its summary (as the task leaves it) shows under it.
        item = conn.execute(insert(Interaction.__table__).values(
            client_id=client_id, case_id=case_id, medium="email", direction="inbound",
            status="received", body="My claim form", subject="Claim", status_seq=-1,
            meta={})).inserted_primary_key[0]
        att = conn.execute(insert(Attachment.__table__).values(
            interaction_id=item, kind="file", filename="claim-form.pdf",
            content_type="application/pdf", size=4000, meta={})).inserted_primary_key[0]
        conn.execute(insert(DocumentSummary.__table__).values(
            key=f"attachment:{att}", client_id=client_id, case_id=case_id,
            interaction_id=item, attachment_id=att, status="done", pages=20,
            sentences=[{"text": "Policy number: HOM-4471-22", "tags": ["number"]}],
            facts={"policy_number": {"value": "HOM-4471-22", "shown": "HOM-4471-22"},
                   "amount": {"value": "475000", "shown": "$4,750.00"}}))
        for email, limit in (("reviewer@caseline.demo", 100_000),
                             ("supervisor@caseline.demo", 1_000_000)):
            conn.execute(insert(SigningAuthority.__table__).values(
                user_id=staff[email], client_id=client_id, limits={"claim_payout": limit},
                qualifications=[], updated_at=utcnow()))
    env = {**server_env, "DATABASE_URL": url,
           "INSTANCE_PATH": str(tmp_path_factory.mktemp("authority-e2e") / "instance")}
    base, proc = start_server(env)
    yield base, case_id
    proc.terminate()
    proc.wait(10)


def signed_in(page, base, email, lands="/"):
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "caseline-demo")
    page.click("button[type=submit]")
    page.wait_for_url(base + lands)
    return page


def test_an_over_limit_approval_is_refused_in_the_form_and_the_signer_shows_their_authority(
        new_page, authority_server):
    base, case_id = authority_server
    junior = signed_in(new_page(), base, "reviewer@caseline.demo")
    beyond = junior.locator("#wl-beyond-authority")
    expect(beyond).to_contain_text("Needs someone else's authority")
    expect(beyond).to_contain_text("USD 5,000.00 · Demo Supervisor can sign")
    open_case(junior, base, case_id, "CL-E2EAUTH")
    summary = junior.locator("#timeline .doc-summary")
    expect(summary).to_contain_text("Summary of the document (20 pages read)")
    expect(summary).to_contain_text("Policy: HOM-4471-22")
    expect(summary).to_contain_text("Amount: $4,750.00")
    junior.locator("#decisions").get_by_role("button", name="Approve").click()
    refusal = junior.locator("#review-authority")
    expect(refusal).to_have_text(
        "Beyond your authority: USD 5,000.00 is above your authority (your limit for it is "
        "USD 1,000.00). Demo Supervisor can sign it.")
    expect(junior.locator("#review-dialog-submit")).to_be_disabled()
    junior.click("#review-dialog-cancel")

    senior = signed_in(new_page(), base, "supervisor@caseline.demo")
    open_case(senior, base, case_id, "CL-E2EAUTH")
    senior.locator("#decisions").get_by_role("button", name="Approve").click()
    expect(senior.locator("#review-authority")).to_have_text(
        "You sign under your limit of USD 10,000.00.")
    senior.click("#review-dialog-submit")  # Approve…, then confirm
    senior.click("#review-dialog-submit")
    expect(senior.locator("#timeline")).to_contain_text(
        "Signed by Demo Supervisor under a limit of USD 10,000.00.")


def test_an_admin_sets_a_reviewers_limit_and_qualification_on_the_admin_page(
        new_page, authority_server):
    base, _ = authority_server
    page = signed_in(new_page(), base, "admin@caseline.demo", "/admin/")
    page.goto(base + "/admin/#authority")
    section = page.locator("#authority")
    expect(section.get_by_role("heading", name="Sign-off authority")).to_be_visible()
    section.get_by_label("Person").select_option(label="Demo Reviewer")
    expect(section.get_by_label("Limits")).to_have_value("claim_payout: 1000.00")
    section.get_by_label("Limits").fill("claim_payout: 2,500.00, write_off: 100")
    section.get_by_label("Qualifications").fill("licensed adjuster, US-TX")
    section.get_by_role("button", name="Save authority").click()
    expect(page.locator("#authority-status")).to_have_text("Saved.")
    section.get_by_label("Limits").fill("claim_payout: lots")
    section.get_by_role("button", name="Save authority").click()
    expect(section.locator("[data-error-for=limits]")).to_contain_text("whole number of cents")
    page.reload()
    section.get_by_label("Person").select_option(label="Demo Reviewer")
    expect(section.get_by_label("Limits")).to_have_value("claim_payout: 2500.00, write_off: 100.00")
    expect(section.get_by_label("Qualifications")).to_have_value("licensed adjuster, US-TX")
