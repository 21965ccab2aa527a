"""The fraud ring as a graph on the case: flags with their reasons, nodes that open their
cases, and a link unlinked from the graph."""

from __future__ import annotations

import pytest
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
    # The graph fits itself to its box as the panels settle: wait until it stays put.
    at = page.evaluate(f"""(async () => {{
      const frame = () => new Promise((ok) => requestAnimationFrame(() => ok()));
      let last = null;
      for (let i = 0; i < 50; i++) {{
        await frame(); await frame();
        const p = {js_position}, now = [p.x, p.y];
        if (last && now[0] === last[0] && now[1] === last[1]) return now;
        last = now;
      }}
      return last;
    }})()""")
    # The panels scroll as one side column: bring the point itself into view.
    page.evaluate("""(y) => {
      const block = document.getElementById('side-scroll');
      const graph = document.getElementById('ring-graph').getBoundingClientRect();
      const view = block.getBoundingClientRect();
      block.scrollTop += graph.top + y - (view.top + view.height / 2);
    }""", at[1])
    box = page.locator("#ring-graph").bounding_box()
    page.mouse.click(box["x"] + at[0], box["y"] + at[1])


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
    for attempt in range(3):  # as for an edge: a live redraw may move the node under the tap
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
    _click_edge(page, edge, "same repair shop")
    # Unlink asks in the bar itself (no browser dialog): Cancel leaves the link alone.
    page.locator("#ring-unlink").click()
    expect(page.locator("#ring-unlink-form")).to_contain_text(
        "Unlink Ring B Person and Ring C Person?")
    page.locator("#ring-unlink-cancel").click()
    expect(page.locator("#ring-unlink-form")).to_have_count(0)
    assert page.evaluate(f"{_graph(page)}.edges().length") == 2
    page.locator("#ring-unlink").click()
    page.locator("#ring-unlink-confirm").click()
    page.wait_for_function(f"{_graph(page)} && {_graph(page)}.edges().length === 1")
    assert page.evaluate(f"{_graph(page)}.edges().map((e) => e.data('label'))") == [
        "same bank account"]


def _click_edge(page, edge: str, label: str) -> None:
    # A live update may redraw the ring (the same layout) just as the edge is clicked: a
    # click that landed on the old drawing is made again on the new one.
    for _ in range(3):
        _click_at(page, f"{edge}.renderedMidpoint()")
        try:
            expect(page.locator("#ring-edge")).to_contain_text(label, timeout=2_000)
            return
        except AssertionError:
            continue
    expect(page.locator("#ring-edge")).to_contain_text(label)


def _hit(page, node: str) -> list:
    # Where the node is drawn on the screen, and what the page has at that point.
    return page.evaluate(f"""(() => {{
      const graph = document.getElementById('ring-graph');
      const box = graph.getBoundingClientRect(), at = {node}.renderedPosition();
      const x = box.left + at.x, y = box.top + at.y;
      const el = document.elementFromPoint(x, y);
      return [x, y, Boolean(el && graph.contains(el))];
    }})()""")


def test_at_1280x720_the_enlarged_ring_fits_and_its_nodes_take_the_clicks(
        new_page, sign_in, live_server, ring):
    """The case's panels share a small block at 1280x720: Enlarge shows the whole ring in a
    dialog over the page, where a click on a node is the node's (not the composer's)."""
    page = sign_in(new_page(), "fraud@caseline.demo")
    assert page.viewport_size == {"width": 1280, "height": 720}
    open_case(page, live_server, ring["A"], "CL-E2ERINGA")
    # A and B at least (B and C may have been unlinked by the test before).
    page.wait_for_function(f"{_graph(page)} && {_graph(page)}.nodes().length >= 2")
    page.locator("#ring-enlarge").click()
    expect(page.locator("#ring-dialog")).to_be_visible()
    nodes = f"{_graph(page)}.nodes()"
    page.wait_for_function(f"{nodes}.every((n) => n.renderedPosition().x > 0)")
    # Every node (with its name) is inside the graph, and the graph is whole on the screen.
    extent = page.evaluate(f"""(() => {{ const cy = {_graph(page)};
      const bb = cy.elements().renderedBoundingBox();
      return [bb.x1, bb.y1, bb.x2, bb.y2, cy.width(), cy.height()]; }})()""")
    assert extent[0] >= 0 and extent[1] >= 0 and extent[2] <= extent[4] and extent[3] <= extent[5]
    graph = page.locator("#ring-graph").bounding_box()
    assert graph["y"] >= 0 and graph["y"] + graph["height"] <= 720
    for k in range(page.evaluate(f"{nodes}.length")):
        x, y, ours = _hit(page, f"{nodes}[{k}]")
        assert ours and 0 <= x <= 1280 and 0 <= y <= 720, (k, x, y)
    # Zoom and fit: the toolbar works the graph (the wheel scrolls the page instead).
    before = page.evaluate(f"{_graph(page)}.zoom()")
    page.locator("#ring-zoom-out").click()
    assert page.evaluate(f"{_graph(page)}.zoom()") < before
    page.locator("#ring-fit").click()
    assert abs(page.evaluate(f"{_graph(page)}.zoom()") - before) < 0.01
    node_b = f"{_graph(page)}.nodes().filter((n) => n.data('case_id') === {ring['B']})[0]"
    x, y, _ = _hit(page, node_b)
    page.mouse.click(x, y)
    expect(page.locator("#case-reference")).to_have_text("CL-E2ERINGB")
    expect(page.locator("#ring-dialog")).to_have_count(0)


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

    edge = f"{_graph(page)}.edges()[0]"
    page.wait_for_function(f"{edge}.renderedMidpoint().x > 0")
    _click_edge(page, edge, "One payout account for both")
    page.locator("#ring-unlink").click()
    page.locator("#ring-unlink-confirm").click()
    page.wait_for_function(f"{_graph(page)} && {_graph(page)}.edges().length === 0 && "
                           f"{_graph(page)}.nodes().length === 1", timeout=3_000)
    expect(page.locator("#ring-edge")).to_have_text("Not linked to anyone.")
