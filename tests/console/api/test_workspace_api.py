"""The workspace API: search, customer, case header, timeline by cursor, notes, digest, worklist."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from crm.cases import timeline
from crm.customers import identity
from crm.models import (
    AuditEvent,
    Claim,
    DebtAccount,
    Decision,
    Investigation,
    Promise,
    Task,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def case(session, default_client, agent):
    """A customer with a case, a few interactions and open work."""
    customer, case, _ = identity.find_or_create(session, default_client.id, "+14155550100",
                                                display_name="Ana López")
    customer.timezone = "Africa/Johannesburg"
    customer.language = "es"
    case.owner_id = agent.id
    for n, medium in enumerate(["sms", "voice", "email", "sms", "note"]):
        timeline.record(session, case, medium=medium,
                        direction="internal" if medium == "note" else "inbound",
                        body=f"item {n}", occurred_at=T0 + timedelta(hours=n))
    debt = DebtAccount(client_id=default_client.id, case_id=case.id, account_number="ACC-1",
                       balance_cents=12345)
    session.add_all([debt, Claim(client_id=default_client.id, case_id=case.id, number="CLM-1"),
                     Claim(client_id=default_client.id, case_id=case.id, number="CLM-0",
                           status="closed"),
                     Investigation(client_id=default_client.id, case_id=case.id,
                                   reference="INV-1", risk_score=70)])
    session.flush()
    session.add_all([
        Promise(client_id=default_client.id, case_id=case.id, debt_account_id=debt.id,
                amount_cents=5000, due_on=date(2025, 2, 1)),
        Decision(client_id=default_client.id, case_id=case.id, kind="settlement",
                 summary="50% settlement"),
        Task(client_id=default_client.id, case_id=case.id, title="Call back", due_at=T0,
             assignee_id=agent.id),
        Task(client_id=default_client.id, case_id=case.id, title="Later",
             due_at=datetime(2999, 1, 1, tzinfo=UTC), assignee_id=agent.id)])
    session.commit()
    return case


@pytest.fixture
def api(client, token):
    """GET/POST with the agent's bearer token."""

    class Api:
        def get(self, path):
            return client.get("/api/v1" + path, headers={"Authorization": f"Bearer {token}"})

        def post(self, path, body):
            return client.post("/api/v1" + path, json=body,
                               headers={"Authorization": f"Bearer {token}"})

    return Api()


def test_search_by_phone_in_another_format(api, case):
    body = api.get("/customers?q=(415) 555-0100").get_json()
    assert [(i["customer"]["display_name"], i["case_id"], i["matched"]) for i in body["items"]] \
        == [("Ana López", case.id, "phone")]
    assert body["items"][0]["customer"]["contact_points"][0]["value"] == "+14155550100"
    assert api.get("/customers?q=lopez").get_json()["items"][0]["matched"] == "name"
    assert api.get("/customers?q=").get_json()["items"] == []
    assert api.get("/customers").status_code == 422


def test_customer_pane(api, case):
    body = api.get(f"/customers/{case.customer_id}").get_json()
    assert body["case_id"] == case.id and body["case_reference"] == case.reference
    assert body["timezone"] == "Africa/Johannesburg" and body["language"] == "es"
    assert body["local_time"].endswith("+02:00")
    assert body["contact_points"][0]["opt_outs"] == {}
    assert body["linked"] == []


def test_a_merged_duplicate_is_linked(api, case, session, default_client):
    dup, _, _ = identity.find_or_create(session, default_client.id, "ana@example.com",
                                        display_name="A. Lopez")
    session.commit()
    identity.merge(session, None, case.customer_id, dup.id)
    session.commit()
    body = api.get(f"/customers/{case.customer_id}").get_json()
    assert body["linked"] == [{"id": dup.id, "display_name": "A. Lopez", "relation": "merged"}]
    assert {c["value"] for c in body["contact_points"]} == {"+14155550100", "ana@example.com"}


def test_case_header(api, case, agent):
    body = api.get(f"/cases/{case.id}").get_json()
    assert body["reference"] == case.reference and body["status"] == "open"
    assert body["customer"] == {"id": case.customer_id, "display_name": "Ana López"}
    assert body["owner"] == {"id": agent.id, "name": agent.name}
    # An agent is not on the fraud team: the investigation is only "under review" to them.
    assert [(w["kind"], w["reference"]) for w in body["open_work"]] == [
        ("claim", "CLM-1"), ("investigation", "under review"), ("debt_account", "ACC-1")]
    assert body["open_work"][2]["detail"] == "USD 123.45"


def test_the_header_says_what_limits_contact_on_a_debt(api, session, case):
    debt = session.scalars(select(DebtAccount)).one()
    debt.ceased, debt.disputed = True, True
    session.commit()
    [line] = [w for w in api.get(f"/cases/{case.id}").get_json()["open_work"]
              if w["kind"] == "debt_account"]
    assert line["detail"] == "USD 123.45 · ceased: no contact · disputed"


def test_a_dispute_stops_limiting_contact_once_validation_is_sent(api, session, case):
    debt = session.scalars(select(DebtAccount)).one()
    debt.disputed, debt.validated_on = True, date(2026, 1, 5)
    session.commit()
    [line] = [w for w in api.get(f"/cases/{case.id}").get_json()["open_work"]
              if w["kind"] == "debt_account"]
    assert line["detail"] == "USD 123.45"


def test_unknown_and_other_clients_ids_are_404_json(api, session, other_client, case):
    stranger, their_case, _ = identity.find_or_create(session, other_client.id, "+14155550199")
    session.commit()
    for path in ["/cases/999999", f"/cases/{their_case.id}", f"/cases/{their_case.id}/timeline",
                 f"/cases/{their_case.id}/digest", "/customers/999999",
                 f"/customers/{stranger.id}"]:
        resp = api.get(path)
        assert resp.status_code == 404, path
        assert resp.get_json()["error"]["code"] == "not_found"
    resp = api.post(f"/cases/{their_case.id}/notes", {"body": "hi"})
    assert resp.status_code == 404


def test_timeline_pages_back_by_cursor_without_skips_or_repeats(api, case, session):
    first = api.get(f"/cases/{case.id}/timeline?limit=2").get_json()
    assert first["order"] == "newest_first"
    assert [i["body"] for i in first["items"]] == ["item 4", "item 3"]
    # A new item arriving between pages must not shift the next page.
    timeline.record(session, case, medium="sms", direction="inbound", body="new")
    session.commit()
    second = api.get(f"/cases/{case.id}/timeline?limit=2&before={first['next_cursor']}")
    second = second.get_json()
    third = api.get(f"/cases/{case.id}/timeline?limit=2&before={second['next_cursor']}")
    third = third.get_json()
    bodies = [i["body"] for p in (first, second, third) for i in p["items"]]
    assert bodies == ["item 4", "item 3", "item 2", "item 1", "item 0"]
    assert third["next_cursor"] is None


def test_timeline_after_a_cursor_catches_up_oldest_first(api, case, session):
    newest = api.get(f"/cases/{case.id}/timeline?limit=1").get_json()["items"][0]
    for n in range(3):
        timeline.record(session, case, medium="chat", direction="inbound", body=f"missed {n}",
                        occurred_at=T0 + timedelta(days=1, minutes=n))
    session.commit()
    page = api.get(f"/cases/{case.id}/timeline?limit=2&after={newest['cursor']}").get_json()
    assert page["order"] == "oldest_first"
    assert [i["body"] for i in page["items"]] == ["missed 0", "missed 1"]
    rest = api.get(f"/cases/{case.id}/timeline?after={page['next_cursor']}").get_json()
    assert [i["body"] for i in rest["items"]] == ["missed 2"] and rest["next_cursor"] is None


@pytest.mark.parametrize("query", ["limit=0", "limit=500", "before=%%%", "after=bm90aGluZw",
                                   "before=x&after=y"])
def test_bad_timeline_queries_are_422(api, case, query):
    resp = api.get(f"/cases/{case.id}/timeline?{query}")
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["code"]


def test_post_a_note(api, case, agent):
    resp = api.post(f"/cases/{case.id}/notes", {"body": "  <b>Called</b> the customer  "})
    assert resp.status_code == 201
    note = resp.get_json()
    assert note["medium"] == "note" and note["body"] == "<b>Called</b> the customer"
    assert note["agent"] == {"id": agent.id, "name": agent.name} and note["cursor"]
    top = api.get(f"/cases/{case.id}/timeline?limit=1").get_json()["items"][0]
    assert top["id"] == note["id"]
    assert api.post(f"/cases/{case.id}/notes", {"body": "  "}).status_code == 422
    assert api.post(f"/cases/{case.id}/notes", {}).status_code == 422
    assert api.post(f"/cases/{case.id}/notes", {"body": "x" * 20_001}).status_code == 422


def test_notes_by_cookie_need_the_csrf_token(client, login, agent, case):
    csrf = login(agent)
    assert client.post(f"/api/v1/cases/{case.id}/notes", json={"body": "x"}).status_code in (
        400, 403)
    resp = client.post(f"/api/v1/cases/{case.id}/notes", json={"body": "x"},
                       headers={"X-CSRFToken": csrf})
    assert resp.status_code == 201


def test_digest(api, case):
    body = api.get(f"/cases/{case.id}/digest").get_json()
    assert [(c["medium"], c["occurred_at"][:13]) for c in body["last_contact"]] == [
        ("sms", "2025-01-01T03"), ("email", "2025-01-01T02"), ("voice", "2025-01-01T01")]
    assert [w["reference"] for w in body["open_work"]] == ["CLM-1", "under review", "ACC-1"]
    assert body["next_task"]["title"] == "Call back" and body["open_tasks"] == 2
    assert [p["amount_cents"] for p in body["open_promises"]] == [5000]
    assert [d["summary"] for d in body["pending_decisions"]] == ["50% settlement"]


def test_worklist(api, case, session):
    empty_recent = api.get("/worklist").get_json()
    assert empty_recent["recent"] == []
    assert [c["reference"] for c in empty_recent["assigned"]] == [case.reference]
    assert empty_recent["assigned_count"] == 1
    assert empty_recent["tasks_count"] == 2 and empty_recent["tasks_due_count"] == 1
    assert [t["title"] for t in empty_recent["tasks"]] == ["Call back", "Later"]
    api.get(f"/cases/{case.id}")
    api.get(f"/cases/{case.id}")
    recent = api.get("/worklist").get_json()["recent"]
    assert [r["id"] for r in recent] == [case.id]
    assert recent[0]["customer"]["display_name"] == "Ana López"


def test_viewing_a_sensitive_case_is_audited(api, case, session):
    case.sensitive = True
    session.commit()
    api.get(f"/cases/{case.id}")
    assert session.query(AuditEvent).filter_by(action="case.viewed").count() >= 1
    session.rollback()


def test_the_api_needs_a_sign_in(client, case):
    resp = client.get(f"/api/v1/cases/{case.id}")
    assert resp.status_code == 401 and resp.get_json()["error"]["code"] == "unauthorized"


def test_workspace_routes_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ["/api/v1/customers", "/api/v1/customers/{customer_id}", "/api/v1/cases/{case_id}",
                 "/api/v1/cases/{case_id}/timeline", "/api/v1/cases/{case_id}/notes",
                 "/api/v1/cases/{case_id}/digest", "/api/v1/worklist"]:
        assert path in paths
    names = [p["name"] for p in paths["/api/v1/cases/{case_id}/timeline"]["get"]["parameters"]]
    assert {"limit", "before", "after"} <= set(names)


def test_items_at_the_same_instant_page_without_skips_or_repeats(api, case, session):
    for n in range(7):
        timeline.record(session, case, medium="sms", direction="inbound", body=f"tie {n}",
                        occurred_at=T0 + timedelta(days=2))
    session.commit()
    seen, cursor = [], None
    while True:
        path = f"/cases/{case.id}/timeline?limit=3" + (f"&before={cursor}" if cursor else "")
        page = api.get(path).get_json()
        seen += [i["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 12
    back = api.get(f"/cases/{case.id}/timeline?limit=200&after={page['items'][-1]['cursor']}")
    assert [i["id"] for i in back.get_json()["items"]] == list(reversed(seen))[1:]
