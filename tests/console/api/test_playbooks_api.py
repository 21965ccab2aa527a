"""The playbook and knowledge base API: write a playbook, work a claims case through it (409
until its required steps are done or skipped), edit it without moving the case, search."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from crm.claims import records
from crm.customers import identity
from crm.models import AuditEvent, User
from crm.tenancy import users


@pytest.fixture
def call(client):
    def do(token, method, path, body=None):
        return client.open("/api/v1" + path, method=method, json=body,
                           headers={"Authorization": f"Bearer {token}"})
    return do


@pytest.fixture
def tokens(session, make_user):
    sup = make_user("supervisor", email="sup@example.com")
    handler = make_user("claims", email="handler@example.com")
    made = {"sup": users.issue_token(session, sup, "t"),
            "agent": users.issue_token(session, handler, "t"), "handler": handler}
    session.commit()
    return made


@pytest.fixture
def claims_case(session, default_client, tokens):
    _, case, _ = identity.find_or_create(session, default_client.id, "+12125550177",
                                         display_name="Pat Holder")
    records.create(session, session.get(User, tokens["handler"].id), case.id,
                   loss_date="2026-11-20", type="property")
    session.commit()
    return case


STEPS = [{"key": "verify", "title": "Verify the caller", "required": True},
         {"key": "policy", "title": "Capture the policy number", "required": True,
          "kind": "field", "trigger": "field:claim.policy_number"},
         {"key": "photos", "title": "Ask for photos", "required": False}]


def test_a_claims_case_is_worked_through_its_playbook(call, session, tokens, claims_case):
    sup, agent = tokens["sup"], tokens["agent"]
    assert call(agent, "POST", "/playbooks", {"line_of_work": "insurance", "name": "FNOL",
                                              "steps": STEPS}).status_code == 403
    made = call(sup, "POST", "/playbooks", {"line_of_work": "insurance", "name": "FNOL",
                                            "steps": STEPS})
    assert made.status_code == 201, made.get_json()
    book = made.get_json()
    assert book["version"] == 1 and isinstance(book["id"], int)
    again = call(sup, "POST", "/playbooks", {"line_of_work": "insurance", "name": "Again",
                                             "steps": STEPS})
    assert again.status_code == 409
    shown = call(agent, "GET", f"/cases/{claims_case.id}/playbook").get_json()
    assert [(s["key"], s["done"]) for s in shown["steps"]] == [
        ("verify", False), ("policy", False), ("photos", False)]
    refused = call(agent, "PATCH", f"/cases/{claims_case.id}",
                   {"status": "resolved", "reason": "paid"})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "playbook_incomplete"
    # The edit (a new version) does not reach this case, which started on version 1.
    edited = call(sup, "PATCH", f"/playbooks/{book['id']}", {"steps": [
        *STEPS, {"key": "fraud", "title": "Fraud questions", "required": True}]})
    assert edited.get_json()["version"] == 2
    no_reason = call(agent, "POST", f"/cases/{claims_case.id}/playbook/steps/policy",
                     {"skipped": True})
    assert no_reason.status_code == 422
    call(agent, "POST", f"/cases/{claims_case.id}/playbook/steps/policy",
         {"skipped": True, "reason": "No documents to hand"})
    ticked = call(agent, "POST", f"/cases/{claims_case.id}/playbook/steps/verify",
                  {"done": True}).get_json()
    assert ticked["complete"] and ticked["playbook"]["version"] == 1
    assert call(agent, "POST", f"/cases/{claims_case.id}/playbook/steps/nope",
                {"done": True}).status_code == 404
    resolved = call(agent, "PATCH", f"/cases/{claims_case.id}",
                    {"status": "resolved", "reason": "paid"})
    assert resolved.status_code == 200, resolved.get_json()
    skipped = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "playbook.step_skipped")).one()
    assert skipped.after["reason"] == "No documents to hand"


def test_bad_playbooks_are_refused_with_the_field_at_fault(call, tokens):
    bad = call(tokens["sup"], "POST", "/playbooks", {"line_of_work": "insurance", "name": "x",
                                                     "steps": [{"key": "A B", "title": "t"}]})
    assert bad.status_code == 422
    assert bad.get_json()["error"]["field"] == "steps[0].key"
    assert call(tokens["sup"], "POST", "/playbooks", {"line_of_work": "insurance",
                                                      "name": "x", "steps": []}
                ).status_code == 422


def test_the_knowledge_base_is_searched_by_a_word_in_a_body(call, tokens, claims_case):
    made = call(tokens["sup"], "POST", "/articles", {
        "title": "Storm claims", "body": "Ask for the **roofer's** quote and the gutters.",
        "line_of_work": "insurance", "tags": ["property"]})
    assert made.status_code == 201, made.get_json()
    assert "<strong>roofer's</strong>" in made.get_json()["html"]
    assert call(tokens["agent"], "POST", "/articles", {"title": "x", "body": "y"}
                ).status_code == 403
    found = call(tokens["agent"], "GET", "/articles?q=gutters").get_json()["items"]
    assert [a["title"] for a in found] == ["Storm claims"]
    assert call(tokens["agent"], "GET", "/articles?q=volcano").get_json()["items"] == []
    assert call(tokens["agent"], "GET", "/articles?q=a&q=b").status_code == 422
    article = found[0]["id"]
    rated = call(tokens["agent"], "PUT", f"/articles/{article}/rating", {"stars": 4}).get_json()
    assert (rated["rating"], rated["rating_count"]) == (4.0, 1)
    flagged = call(tokens["agent"], "POST", f"/articles/{article}/outdated",
                   {"note": "New roofer list"}).get_json()
    assert flagged["outdated"] and flagged["outdated_note"] == "New roofer list"
    offered = call(tokens["agent"], "GET", f"/cases/{claims_case.id}/articles").get_json()
    assert [a["id"] for a in offered["items"]] == [article]
