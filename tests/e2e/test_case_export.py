"""A supervisor exports a fraud case's file in a real browser: the bar moves, then a download."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader
from sqlalchemy import insert, select

from crm.models import Case, Interaction
from tests.e2e.conftest import start_server
from tests.e2e.databases import served_db
from tests.e2e.pages import signed_in

NOTES = 2_500  # pages enough (of 200) that the bar shows values between 0 and 100 %


@pytest.fixture(scope="module")
def export_server(server_env, served_databases, tmp_path_factory):
    """A console of its own whose first sensitive case has a long timeline; (URL, case id)."""
    tmp = tmp_path_factory.mktemp("exports-e2e")
    url = served_databases.copy("exports")
    with served_db(url) as conn:
        case = conn.execute(select(Case.id, Case.client_id).where(Case.sensitive.is_(True))
                            .order_by(Case.id).limit(1)).one()
        start = datetime.now(UTC) - timedelta(days=30)
        conn.execute(insert(Interaction), [
            {"client_id": case.client_id, "case_id": case.id, "medium": "note",
             "direction": "internal", "status": "received", "status_seq": -1, "meta": {},
             "body": f"Investigator note {n:05d}", "occurred_at": start + timedelta(seconds=n),
             "created_at": start, "updated_at": start} for n in range(NOTES)])
    env = {**server_env, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp / "instance")}
    base, proc = start_server(env)
    yield base, case.id
    proc.terminate()
    proc.wait(10)


def test_a_supervisor_exports_a_case_file_and_downloads_it(new_page, export_server):
    base, case_id = export_server
    page = signed_in(new_page, base, "supervisor@caseline.demo")
    page.goto(f"{base}/#case/{case_id}")
    expect(page.locator("#case-reference")).to_be_visible()
    panel = page.locator("#case-export")
    expect(panel).to_be_visible()
    page.evaluate("""() => {
        window.seen = [];
        const bar = document.getElementById('export-progress');
        new MutationObserver(() => window.seen.push(bar.value))
            .observe(bar, {attributes: true, attributeFilter: ['value']});
    }""")
    page.select_option("#export-format", "pdf")
    page.click("#export-start")
    link = page.locator("#export-download")
    expect(link).to_be_visible(timeout=120_000)
    expect(page.locator("#export-status")).to_have_text("PDF ready")
    seen = page.evaluate("window.seen")
    assert any(0 < v < 100 for v in seen), seen
    with page.expect_download() as caught:
        link.click()
    download = caught.value
    assert download.suggested_filename.endswith(".pdf")
    reader = PdfReader(download.path())
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Investigator note 00000" in text and f"Investigator note {NOTES - 1:05d}" in text


def test_an_agent_is_not_offered_the_export(new_page, export_server):
    base, case_id = export_server
    page = signed_in(new_page, base, "agent@caseline.demo")
    page.goto(f"{base}/#case/{case_id}")
    expect(page.locator("#case-header")).not_to_be_empty()
    expect(page.locator("#case-export")).to_be_hidden()
