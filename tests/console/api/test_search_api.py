"""Search: a results page with paging, policy numbers, investigation references (for those
who may see the investigation only)."""

from __future__ import annotations

import pytest

from crm.customers import identity
from crm.models import Claim, Investigation


@pytest.fixture
def people(session, default_client, agent):
    """45 customers named Smith; one with a claim on a policy, one under investigation."""
    made = []
    for n in range(45):
        _, case, _ = identity.find_or_create(
            session, default_client.id, f"+1415666{n:04d}", display_name=f"Pat Smith {n:02d}")
        made.append(case)
    session.add(Claim(client_id=default_client.id, case_id=made[3].id, number="CLM-33",
                      policy_number="POL-778899"))
    session.add(Investigation(client_id=default_client.id, case_id=made[4].id,
                              reference="INV-2025-0042", summary="odd"))
    session.commit()
    return made


def test_results_page_through_every_match(get, people):
    seen, page = [], 1
    while True:
        body = get(f"/customers?q=smith&limit=20&page={page}").get_json()
        assert body["page"] == page and body["per_page"] == 20
        seen += [i["case_id"] for i in body["items"]]
        if not body["has_more"]:
            break
        page += 1
    assert page == 3 and len(seen) == len(set(seen)) == 45
    assert body["items"][0]["case_reference"]
    assert get("/customers?q=smith&page=9").get_json() == {
        "items": [], "page": 9, "per_page": 20, "has_more": False}


def test_past_the_exact_hits_is_the_end(get, people):
    """A reference is answered by its case; page 2 is empty, not the name matches."""
    ref = people[0].reference
    assert len(get(f"/customers?q={ref}").get_json()["items"]) == 1
    assert get(f"/customers?q={ref}&page=2").get_json()["items"] == []


def test_a_policy_number_finds_the_customer(get, people):
    for q in ("POL-778899", "pol-778899"):
        items = get(f"/customers?q={q}").get_json()["items"]
        assert [(i["case_id"], i["matched"]) for i in items] == [(people[3].id, "policy")]


def test_an_investigation_reference_only_for_who_may_see_it(get, people, as_user, session,
                                                            agent):
    assert get("/customers?q=INV-2025-0042").get_json()["items"] == []  # a plain agent
    _, fraud = as_user("fraud")
    items = get("/customers?q=inv-2025-0042", fraud).get_json()["items"]
    assert [(i["case_id"], i["matched"]) for i in items] == [(people[4].id, "investigation")]
    _, reviewer = as_user("reviewer")
    assert len(get("/customers?q=INV-2025-0042", reviewer).get_json()["items"]) == 1
    # The investigator it is assigned to sees it, without the fraud role.
    session.query(Investigation).update({"assigned_to_id": agent.id})
    session.commit()
    assert len(get("/customers?q=INV-2025-0042").get_json()["items"]) == 1


def test_another_clients_policy_is_not_found(get, session, other_client):
    _, theirs, _ = identity.find_or_create(session, other_client.id, "+14155550177")
    session.add(Claim(client_id=other_client.id, case_id=theirs.id, number="X-1",
                      policy_number="POL-OTHER"))
    session.commit()
    assert get("/customers?q=POL-OTHER").get_json()["items"] == []


@pytest.mark.parametrize("query", ["q=smith&page=0", "q=smith&page=1001", "q=smith&page=x",
                                   "q=smith&limit=51", "q=" + "x" * 201, "page=2"])
def test_bad_search_queries_are_4xx(get, people, query):
    resp = get(f"/customers?{query}")
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)


def test_the_results_page_needs_a_sign_in(client, login, agent):
    assert client.get("/search?q=smith").status_code in (302, 401)
    login(agent)
    page = client.get("/search?q=smith")
    assert page.status_code == 200 and b'id="results"' in page.data
    assert b'value="smith"' in page.data
