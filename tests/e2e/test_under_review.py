"""An agent on a case of their own that is under investigation: "under review", and nothing
the page asks for is refused (it does not ask for what it may not see)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import insert, select, update

from crm.models import Case, Interaction, Investigation, User, utcnow
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, open_case, signed_in

REFERENCE = "INV-2026-EVEIL01"
ESCALATION = "Vera's three phones all called in the same storm claim"


@pytest.fixture(scope="module")
def veiled(server_env):
    """A case the demo agent owns, escalated to the fraud team (taken by the investigator)."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        case_id = add_person(conn, client_id, "Vera Veiled", "CL-E2EVEIL1",
                             {"kind": "email", "value": "vera.veiled@example.com"})
        agent, fraud = (conn.execute(select(User.id).where(User.email == f"{who}@caseline.demo")
                                     ).scalar() for who in ("agent", "fraud"))
        conn.execute(update(Case.__table__).where(Case.id == case_id).values(
            owner_id=agent, sensitive=True))
        inv = conn.execute(insert(Investigation.__table__).values(
            client_id=client_id, case_id=case_id, reference=REFERENCE, status="investigating",
            severity="critical", summary=ESCALATION, assigned_to_id=fraud, taken_at=utcnow(),
            risk_score=88)).inserted_primary_key[0]
        conn.execute(insert(Interaction.__table__), [
            {"client_id": client_id, "case_id": case_id, "medium": "system",
             "direction": "internal", "status": step, "agent_id": agent, "body": body,
             "status_seq": -1, "occurred_at": utcnow(),
             "meta": {"investigation_id": inv, "step": step}}
            for step, body in (("escalated", f"Escalated to the fraud team: {ESCALATION}"),
                               ("taken", "Investigation taken by Demo Fraud"))])
        conn.execute(insert(Interaction.__table__).values(
            client_id=client_id, case_id=case_id, medium="note", direction="internal",
            status="saved", agent_id=agent, body="Customer asked about her claim",
            status_seq=-1, occurred_at=utcnow(), meta={}))
    return case_id


def test_an_agent_sees_under_review_only_and_nothing_is_refused(new_page, live_server, veiled):
    page = new_page()
    refused = []
    page.on("response", lambda r: refused.append(f"{r.status} {r.url}")
            if r.status == 403 else None)
    page = signed_in(lambda: page, live_server, "agent@caseline.demo")
    open_case(page, live_server, veiled, "CL-E2EVEIL1")
    expect(page.locator("#timeline")).to_contain_text("Customer asked about her claim")
    expect(page.locator("#case-header .work-investigation")).to_have_text(
        "Investigation: under review")
    expect(page.locator("#investigation-under-review")).to_have_text("Under review")
    entries = page.locator("#timeline li").filter(has_text="under review")
    expect(entries).to_have_count(2)
    expect(page.locator("#fraud-panel")).to_be_hidden()
    page.wait_for_load_state("networkidle")
    text = page.locator("body").inner_text()
    for secret in (REFERENCE, ESCALATION, "critical", "risk 88", "investigating",
                   "Demo Fraud", "escalated"):
        assert secret not in text, secret
    assert refused == []
