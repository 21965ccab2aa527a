"""Red flags, suggested links and the ring graph through the API: only for those allowed to
see investigation details; everyone else gets 403 "under review" and nothing of the payload."""

from datetime import date

import pytest
from sqlalchemy import select

from crm.models import AuditEvent, Investigation
from tests.fraud_support import claim, person


@pytest.fixture
def shared(session, default_client):
    """Two customers whose claims share a bank account typed differently."""
    a, case_a = person(session, default_client.id, "Ann Flagged")
    b, case_b = person(session, default_client.id, "Bea Flagged")
    claim(session, case_a, number="CLM-1", bank_account="GB29 NWBK 6016 1331 9268 19",
          policy_start=date(2026, 3, 1), loss_date=date(2026, 3, 11))
    claim(session, case_b, number="CLM-2", bank_account="gb29nwbk60161331926819")
    return (a, case_a), (b, case_b)


def test_the_fraud_team_reads_each_flag_with_why(client, shared, as_user):
    (_, case_a), (_, case_b) = shared
    _, fraud_h = as_user("fraud")
    resp = client.get(f"/api/v1/cases/{case_a.id}/flags", headers=fraud_h)
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    # In the order they were raised: the loss date with the claim, the account with B's claim.
    assert [f["rule"] for f in body["items"]] == ["loss_soon_after_cover", "shared_identifier"]
    assert all(f["reason"] and f["facts"] for f in body["items"])
    assert "10 days after the policy started" in body["items"][0]["reason"]
    assert (body["active"], body["referral_recommended"], body["referral_at"]) == (2, False, 3)
    other = client.get(f"/api/v1/cases/{case_b.id}/flags", headers=fraud_h).get_json()
    assert [f["rule"] for f in other["items"]] == ["shared_identifier"]


@pytest.mark.parametrize("role", ["fraud", "supervisor", "reviewer", "admin"])
def test_roles_that_see_investigation_details_get_flags_ring_and_links(client, shared,
                                                                       as_user, role):
    (a, case_a), _ = shared
    _, headers = as_user(role)
    for url in (f"/api/v1/cases/{case_a.id}/flags", f"/api/v1/cases/{case_a.id}/links/suggested",
                f"/api/v1/customers/{a.id}/ring"):
        assert client.get(url, headers=headers).status_code == 200, url


@pytest.mark.parametrize("role", ["agent", "claims", "collections"])
def test_everyone_else_gets_under_review_and_no_payload(client, shared, as_user, role):
    (a, case_a), _ = shared
    _, headers = as_user(role)
    for url in (f"/api/v1/cases/{case_a.id}/flags", f"/api/v1/cases/{case_a.id}/links/suggested",
                f"/api/v1/customers/{a.id}/ring"):
        resp = client.get(url, headers=headers)
        assert resp.status_code == 403, url
        assert resp.get_json() == {"error": {"code": "under_review",
                                             "message": "this case is under review"}}


def test_the_assigned_investigator_sees_their_cases_flags(client, session, shared, as_user):
    (_, case_a), (_, case_b) = shared
    user, headers = as_user("agent")
    session.add(Investigation(client_id=case_a.client_id, case_id=case_a.id, reference="INV-9",
                              status="investigating", assigned_to_id=user.id))
    session.commit()
    assert client.get(f"/api/v1/cases/{case_a.id}/flags", headers=headers).status_code == 200
    assert client.get(f"/api/v1/cases/{case_b.id}/flags", headers=headers).status_code == 403


def test_another_clients_case_is_not_found(client, shared, as_user, other_client):
    (_, case_a), _ = shared
    _, headers = as_user("fraud", clients=[other_client])
    assert client.get(f"/api/v1/cases/{case_a.id}/flags", headers=headers).status_code == 404


def test_three_flags_recommend_a_referral(client, session, default_client, as_user):
    _, case = person(session, default_client.id, "Cat Thrice")
    for n in range(4):
        claim(session, case, number=f"CLM-R{n}", policy_start=date(2026, 1, 1),
              loss_date=date(2026, 1, 2 + n))
    _, headers = as_user("reviewer")
    body = client.get(f"/api/v1/cases/{case.id}/flags", headers=headers).get_json()
    assert body["active"] == 5 and body["referral_recommended"] is True


def test_a_sensitive_cases_flags_are_audited_when_viewed(client, session, shared, as_user):
    (_, case_a), _ = shared
    case_a.sensitive = True
    session.commit()
    user, headers = as_user("fraud")
    client.get(f"/api/v1/cases/{case_a.id}/flags", headers=headers)
    assert session.scalar(select(AuditEvent.actor_id).where(
        AuditEvent.action == "case.flags_viewed")) == user.id


def test_accepting_a_suggestion_draws_the_ring_and_unlinking_removes_the_edge(
        client, shared, as_user):
    (a, case_a), (b, case_b) = shared
    _, headers = as_user("fraud")
    [s] = client.get(f"/api/v1/cases/{case_a.id}/links/suggested",
                     headers=headers).get_json()["items"]
    assert s["other"] == {"customer_id": b.id, "name": "Bea Flagged", "case_id": case_b.id,
                          "case_reference": case_b.reference}
    done = client.post(f"/api/v1/links/suggestions/{s['id']}/accept", headers=headers,
                       json={"reason": "Same account"})
    assert done.status_code == 200 and done.get_json()["status"] == "accepted"
    again = client.post(f"/api/v1/links/suggestions/{s['id']}/dismiss", headers=headers,
                        json={})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_decided")
    ring = client.get(f"/api/v1/customers/{a.id}/ring", headers=headers).get_json()
    assert [n["data"]["case_id"] for n in ring["nodes"]] == [case_a.id, case_b.id]
    assert [n["data"]["centre"] for n in ring["nodes"]] == [True, False]
    [edge] = ring["edges"]
    assert (edge["data"]["source"], edge["data"]["target"], edge["data"]["label"]) == (
        f"c{a.id}", f"c{b.id}", "Same account")
    assert client.delete(f"/api/v1/customers/{a.id}/links/{b.id}",
                         headers=headers).status_code == 204
    ring = client.get(f"/api/v1/customers/{a.id}/ring", headers=headers).get_json()
    assert ring["edges"] == [] and len(ring["nodes"]) == 1


def test_bad_decisions_are_clear_4xx(client, shared, as_user):
    _, headers = as_user("fraud")
    _, agent_h = as_user("agent")
    assert client.post("/api/v1/links/suggestions/999999/accept", headers=headers,
                       json={}).status_code == 404
    assert client.post("/api/v1/links/suggestions/1/accept", headers=agent_h,
                       json={}).status_code == 403
    assert client.post("/api/v1/links/suggestions/1/accept", headers=headers,
                       json={"reason": 5}).status_code == 422


def test_recording_an_identifier_runs_the_rules(client, session, shared, as_user):
    (a, _), (b, case_b) = shared
    _, claims_h = as_user("claims")
    _, fraud_h = as_user("fraud")
    for who in (a, b):
        resp = client.post(f"/api/v1/customers/{who.id}/identifiers", headers=claims_h,
                           json={"kind": "device", "value": "ios-42-AB"})
        assert resp.status_code == 201, resp.get_json()
    kinds = [f["facts"]["kind"] for f in client.get(
        f"/api/v1/cases/{case_b.id}/flags", headers=fraud_h).get_json()["items"]]
    assert kinds == ["bank_account", "device"]
    bad = client.post(f"/api/v1/customers/{a.id}/identifiers", headers=claims_h,
                      json={"kind": "bank_account", "value": "x"})
    assert bad.status_code == 422
    assert client.post(f"/api/v1/customers/{a.id}/identifiers", headers=claims_h,
                       json={"kind": "device", "value": "x", "claim_id": 999}).status_code == 404
