"""The fraud ring as a graph on the case: flags with their reasons, nodes that open their
cases, and a link unlinked from the graph."""

from __future__ import annotations

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from sqlalchemy import insert, select

from crm.models import Case, CustomerLink, LinkSuggestion, RedFlag, utcnow
from tests.e2e.databases import served_default
from tests.e2e.pages import add_person, open_case


@pytest.fixture(scope="module")
def ring(server_env):
    """Three customers in a ring (A - B - C) and a red flag on A's case: case ids by letter."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        ids = {letter: add_person(conn, client_id, f"Ring {letter} Person", f"CL-E2ERING{letter}",
                                  {"kind": "email", "value": f"ring.{letter.lower()}@example.com"})
               for letter in "ABC"}
        customer = dict(conn.execute(select(Case.id, Case.customer_id).where(
            Case.id.in_(ids.values()))).all())
        a, b, c = (customer[ids[x]] for x in "ABC")
        conn.execute(insert(CustomerLink.__table__), [
            {"client_id": client_id, "customer_id": min(a, b), "other_id": max(a, b),
             "reason": "same bank account", "created_at": utcnow()},
            {"client_id": client_id, "customer_id": min(b, c), "other_id": max(b, c),
             "reason": "same repair shop", "created_at": utcnow()}])
        conn.execute(insert(RedFlag.__table__).values(
            client_id=client_id, case_id=ids["A"], rule="loss_soon_after_cover", key="claim:x",
            reason="Claim E2E-1: the loss came 10 days after the policy started.",
            facts={"days_after": 10}, status="active", created_at=utcnow(),
            updated_at=utcnow()))
    return ids


def _graph(page):
    # Between two cases the panel is empty for a moment: no graph element at all.
    return "document.getElementById('ring-graph')?.cytoscape"


def _click_at(page, js_position: str) -> None:
    # Cytoscape draws on a canvas: click where it says the element is drawn (in view: the
    # case's panels above it may push it below the fold).
    page.locator("#ring-graph").scroll_into_view_if_needed()
    at = page.evaluate(f"(() => {{ const p = {js_position}; return [p.x, p.y]; }})()")
    # The panels scroll as one side column: bring the point itself into view.
    page.evaluate("""(y) => {
      const block = document.getElementById('side-scroll');
      const graph = document.getElementById('ring-graph').getBoundingClientRect();
      const view = block.getBoundingClientRect();
      block.scrollTop += graph.top + y - (view.top + view.height / 2);
    }""", at[1])
    box = page.locator("#ring-graph").bounding_box()
    page.mouse.click(box["x"] + at[0], box["y"] + at[1])


def _pick_edge(page, js_edge: str, label: str) -> None:
    """Tap an edge until the ring names it: a live update may redraw the graph (a new drawing,
    edges elsewhere) between finding where the edge is and the tap, as a person would retry."""
    for attempt in range(3):
        page.wait_for_function(f"{js_edge} && {js_edge}.renderedMidpoint().x > 0")
        _click_at(page, f"{js_edge}.renderedMidpoint()")
        try:
            expect(page.locator("#ring-edge")).to_contain_text(label, timeout=3_000)
            return
        except AssertionError:
            if attempt == 2:
                raise


def _unlink(page, js_edge: str, label: str) -> None:
    """Pick the edge and press Unlink, confirming (a live redraw in between drops the pick)."""
    page.on("dialog", lambda d: d.accept())
    for attempt in range(3):
        _pick_edge(page, js_edge, label)
        try:
            page.locator("#ring-unlink").click(timeout=3_000)
            return
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise


def test_the_ring_graph_opens_cases_and_unlinks(new_page, sign_in, live_server, ring):
    page = sign_in(new_page(), "fraud@caseline.demo")
    open_case(page, live_server, ring["A"], "CL-E2ERINGA")
    flag = page.locator("#flag-list .flag-item")
    expect(flag).to_have_count(1)
    expect(flag).to_contain_text("the loss came 10 days after the policy started")
    page.wait_for_function(f"{_graph(page)} && {_graph(page)}.nodes().length === 3")
    labels = page.evaluate(f"{_graph(page)}.edges().map((e) => e.data('label')).sort()")
    assert labels == ["same bank account", "same repair shop"]

    # A node opens its customer's case.
    node_b = f"{_graph(page)}?.nodes().filter((n) => n.data('case_id') === {ring['B']})[0]"
    for attempt in range(3):  # as for an edge: a redraw may move the node under the tap
        page.wait_for_function(f"{node_b} && {node_b}.renderedPosition().x > 0")
        _click_at(page, f"{node_b}.renderedPosition()")
        try:
            expect(page.locator("#case-reference")).to_have_text("CL-E2ERINGB", timeout=3_000)
            break
        except AssertionError:
            if attempt == 2:
                raise

    # On B's case, unlink B and C from the graph: the edge goes.
    page.wait_for_function(f"{_graph(page)} && {_graph(page)}.nodes('[?centre]')[0]"
                           f".data('case_id') === {ring['B']}")
    edge = (f"{_graph(page)}.edges().filter((e) => e.data('label') === 'same repair shop')[0]")
    _unlink(page, edge, "same repair shop")
    page.wait_for_function(f"{_graph(page)} && {_graph(page)}.edges().length === 1")
    assert page.evaluate(f"{_graph(page)}.edges().map((e) => e.data('label'))") == [
        "same bank account"]


def test_an_agent_sees_no_fraud_panel(new_page, sign_in, live_server, ring):
    page = sign_in(new_page())
    refused = []
    page.on("response", lambda r: refused.append(r.url) if r.status == 403 else None)
    open_case(page, live_server, ring["A"], "CL-E2ERINGA")
    expect(page.locator("#fraud-panel")).to_be_hidden()
    expect(page.locator("#flag-list")).to_have_count(0)
    # The page does not even ask for what it may not see (no refused requests to show).
    assert refused == []


@pytest.fixture(scope="module")
def suggested(server_env):
    """Two customers, not linked, whom a rule suggests linking (a shared account): case ids."""
    with served_default(server_env["DATABASE_URL"]) as (conn, client_id):
        ids = {letter: add_person(conn, client_id, f"Pair {letter} Person", f"CL-E2EPAIR{letter}",
                                  {"kind": "email", "value": f"pair.{letter.lower()}@example.com"})
               for letter in "DE"}
        customer = dict(conn.execute(select(Case.id, Case.customer_id).where(
            Case.id.in_(ids.values()))).all())
        d, e = sorted(customer[ids[x]] for x in "DE")
        conn.execute(insert(LinkSuggestion.__table__).values(
            client_id=client_id, customer_id=d, other_id=e, rule="shared_identifier",
            key="bank_account", status="suggested", created_at=utcnow(),
            reason='Same bank account: "DE89 3704" on Pair D\'s claim and "de893704" on Pair '
                   "E's claim."))
    return ids


def test_the_ring_redraws_at_once_when_a_link_is_accepted_and_unlinked(
        new_page, sign_in, live_server, suggested):
    page = sign_in(new_page(), "fraud@caseline.demo")
    open_case(page, live_server, suggested["D"], "CL-E2EPAIRD")
    page.wait_for_function(f"{_graph(page)} && {_graph(page)}.nodes().length === 1")
    expect(page.locator("#ring-edge")).to_have_text("Not linked to anyone.")
    item = page.locator("#link-suggestions .suggestion")
    item.get_by_label("Reason for the link").fill("One payout account for both")
    item.get_by_role("button", name="Accept").click()
    # No reload, no waiting for a poll: the graph shows the new link straight away.
    page.wait_for_function(f"{_graph(page)} && {_graph(page)}.nodes().length === 2",
                           timeout=3_000)
    assert page.evaluate(f"{_graph(page)}.edges().map((e) => e.data('label'))") == [
        "One payout account for both"]
    expect(page.locator("#link-suggestions")).to_have_count(0)

    _unlink(page, f"{_graph(page)}?.edges()[0]", "One payout account for both")
    page.wait_for_function(f"{_graph(page)} && {_graph(page)}.edges().length === 0 && "
                           f"{_graph(page)}.nodes().length === 1", timeout=3_000)
    expect(page.locator("#ring-edge")).to_have_text("Not linked to anyone.")
