"""A collections manager imports a portfolio in a real browser and watches the bar move."""

from __future__ import annotations

import csv
import io

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import start_server
from tests.e2e.pages import signed_in

ROWS = 100_000  # the portfolio: 100 batches (of 1,000) for the bar to pass through
BAD = (7, 4242)  # rows (0-based) with a balance that is not an amount
HEADER = ["external_ref", "name", "phone", "email", "time_zone", "account_number", "creditor",
          "original_balance", "balance", "currency", "charge_off_date", "delinquent_since"]


def _portfolio() -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for n in range(ROWS):
        writer.writerow([f"E2E-{n}", f"Debtor {n}", f"+1917{n:07d}", f"d{n}@import.example",
                         "America/New_York", f"E2E-A-{n}", "Acme Bank", "1500.00",
                         "oops" if n in BAD else "1234.56", "USD", "2025-01-31", "2024-10-01"])
    return out.getvalue().encode()


@pytest.fixture(scope="module")
def import_server(server_env, served_databases, tmp_path_factory):
    """A console of its own: the imported customers stay out of the other tests' database."""
    tmp = tmp_path_factory.mktemp("imports-e2e")
    env = {**server_env, "DATABASE_URL": served_databases.copy("imports"),
           "INSTANCE_PATH": str(tmp / "instance")}
    base, proc = start_server(env)
    yield base
    proc.terminate()
    proc.wait(10)


# 100,000 rows take about a minute on PostgreSQL (docs/benchmarks.md), more on a busy machine.
@pytest.mark.timeout(900)
def test_an_import_shows_live_progress_final_counts_and_rejects(new_page, import_server):
    base = import_server
    page = signed_in(new_page, base, "supervisor@caseline.demo")
    page.click("#imports-link")
    expect(page).to_have_url(base + "/imports")
    # Every value the bar takes, recorded as the page sets it.
    page.evaluate("""() => {
        window.seen = [];
        const bar = document.getElementById('import-progress');
        new MutationObserver(() => window.seen.push(bar.value))
            .observe(bar, {attributes: true, attributeFilter: ['value']});
    }""")
    page.set_input_files("#import-file", {"name": "portfolio.csv", "mimeType": "text/csv",
                                          "buffer": _portfolio()})
    page.click("#import-submit")
    expect(page.locator("#import-status")).to_have_text("done", timeout=600_000)
    seen = page.evaluate("window.seen")
    assert any(0 < v < 100 for v in seen), seen
    assert seen[-1] == 100
    expect(page.locator("#import-accepted")).to_have_text(f"{ROWS - len(BAD):,}")
    expect(page.locator("#import-rejected")).to_have_text("2")
    expect(page.locator("#import-created")).to_have_text(f"{ROWS - len(BAD):,}")
    # The rejected rows are on the page with their reasons, not only in the CSV.
    listed = page.locator("#import-reject-rows tr")
    expect(listed).to_have_count(2)
    expect(listed.nth(0)).to_contain_text(f"{BAD[0] + 2}E2E-A-{BAD[0]}Debtor {BAD[0]}")
    expect(listed.nth(0)).to_contain_text("balance: not an amount")
    expect(listed.nth(1)).to_contain_text(f"E2E-A-{BAD[1]}")
    expect(page.locator("#import-rejects-more")).to_be_hidden()
    link = page.locator("#import-rejects")
    expect(link).to_be_visible()
    rejects = page.request.get(base + link.get_attribute("href"))
    assert rejects.ok
    lines = list(csv.reader(io.StringIO(rejects.text())))
    assert [line[0] for line in lines[1:]] == [str(n + 2) for n in BAD]
    assert all(line[-1].startswith("balance: not an amount") for line in lines[1:])
    # After a reload the run is still listed, with its rejects.
    page.reload()
    row = page.locator("#import-history-rows tr").first
    expect(row).to_contain_text("portfolio.csv")
    expect(row).to_contain_text("done")
    expect(row.locator("a")).to_have_text("rejected rows")


def test_the_sample_csv_imports_as_it_stands(new_page, import_server):
    base = import_server
    page = signed_in(new_page, base, "supervisor@caseline.demo")
    page.goto(base + "/imports")
    with page.expect_download() as waiting:
        page.click("#import-sample")
    sample = waiting.value
    assert sample.suggested_filename == "portfolio-sample.csv"
    text = sample.path().read_text(encoding="utf-8")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0] == HEADER and len(lines) == 3
    page.set_input_files("#import-file", {"name": "sample.csv", "mimeType": "text/csv",
                                          "buffer": text.encode()})
    page.click("#import-submit")
    expect(page.locator("#import-status")).to_have_text("done", timeout=60_000)
    expect(page.locator("#import-accepted")).to_have_text("2")
    expect(page.locator("#import-rejected")).to_have_text("0")
    expect(page.locator("#import-reject-list")).to_be_hidden()
