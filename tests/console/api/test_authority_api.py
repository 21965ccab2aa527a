"""Approval authority: a reviewer approves only within their limit and qualifications, is
told who can sign instead, and every approval shows the authority it was signed under."""

import pytest
from sqlalchemy import select

from crm.models import AuditEvent, Claim, Decision, Interaction


@pytest.fixture(autouse=True)
def claim(session, case):
    """The case holds a claim, so claim payouts and declines are offered on it."""
    found = Claim(client_id=case.client_id, case_id=case.id, number="CLM-77", currency="USD")
    session.add(found)
    session.commit()
    return found


def ask(client, headers, case_id, kind="claim_payout", amount_cents=500_000):
    body = {"kind": kind, "summary": "Pay the storm damage claim"}
    if amount_cents is not None:
        body["amount_cents"] = amount_cents
    resp = client.post(f"/api/v1/cases/{case_id}/decisions", headers=headers, json=body)
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()["id"]


def grant(client, admin_h, user, limits, qualifications=()):
    resp = client.put(f"/api/v1/admin/users/{user.id}/authority", headers=admin_h,
                      json={"limits": limits, "qualifications": list(qualifications)})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def test_a_1000_limit_cannot_approve_a_5000_settlement_a_10000_one_can(client, session, case,
                                                                       as_user):
    _, admin_h = as_user("admin")
    _, maker_h = as_user("claims")
    junior, junior_h = as_user("reviewer")
    senior, senior_h = as_user("reviewer")
    grant(client, admin_h, junior, {"claim_payout": 100_000})
    grant(client, admin_h, senior, {"claim_payout": 1_000_000}, ["licensed adjuster, US-TX"])
    decision_id = ask(client, maker_h, case.id)

    queued = client.get("/api/v1/decisions", headers=junior_h).get_json()["items"]
    assert [(d["id"], d["authority"]["can_sign"], d["authority"]["code"]) for d in queued] == [
        (decision_id, False, "over_limit")]
    assert [s["name"] for s in queued[0]["authority"]["signers"]] == [senior.name]

    refused = client.post(f"/api/v1/decisions/{decision_id}/approve", headers=junior_h,
                          json={})
    assert refused.status_code == 403
    error = refused.get_json()["error"]
    assert error["code"] == "over_limit"
    assert "USD 5,000.00 is above your authority" in error["message"]
    assert "USD 1,000.00" in error["message"] and f"{senior.name} can sign it" in error["message"]
    assert session.get(Decision, decision_id).status == "pending"

    check = client.get(f"/api/v1/decisions/{decision_id}/authority", headers=senior_h)
    assert (check.get_json()["can_sign"], check.get_json()["limit_cents"]) == (True, 1_000_000)
    done = client.post(f"/api/v1/decisions/{decision_id}/approve", headers=senior_h, json={})
    assert done.status_code == 200, done.get_json()
    signed = done.get_json()
    assert (signed["status"], signed["checker_id"], signed["authority_basis"],
            signed["authority_limit_cents"]) == ("approved", senior.id, "held", 1_000_000)
    assert signed["signed_under"] == "a limit of USD 10,000.00"
    session.expire_all()
    said = session.scalars(select(Interaction.body).where(
        Interaction.case_id == case.id, Interaction.body.like("Sign-off approved%"))).one()
    assert f"Signed by {senior.name} under a limit of USD 10,000.00" in said
    audited = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "decision.approved")).one()
    assert audited.after["authority_limit_cents"] == 1_000_000


def test_a_kind_that_needs_a_qualification_is_refused_to_who_lacks_it(client, session, case,
                                                                      as_user):
    _, admin_h = as_user("admin")
    _, maker_h = as_user("claims")
    adjuster, adjuster_h = as_user("reviewer")
    attorney, attorney_h = as_user("reviewer")
    resp = client.put(f"/api/v1/admin/clients/{case.client_id}/signoff-requirements",
                      headers=admin_h, json={"requires": {"claim_rejection": "attorney, ZA"}})
    assert resp.status_code == 200, resp.get_json()
    grant(client, admin_h, adjuster, {"claim_payout": 1_000_000}, ["licensed adjuster, US-TX"])
    grant(client, admin_h, attorney, {}, ["Attorney,  ZA"])
    decision_id = ask(client, maker_h, case.id, kind="claim_rejection", amount_cents=None)

    refused = client.post(f"/api/v1/decisions/{decision_id}/approve", headers=adjuster_h,
                          json={})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "not_qualified")
    assert "\"attorney, ZA\"" in refused.get_json()["error"]["message"]
    assert f"{attorney.name} can sign it" in refused.get_json()["error"]["message"]
    # Saying no commits the client to nothing: it needs no authority.
    other = ask(client, maker_h, case.id, kind="claim_rejection", amount_cents=None)
    assert client.post(f"/api/v1/decisions/{other}/reject", headers=adjuster_h,
                       json={"note": "Not yet"}).status_code == 200

    done = client.post(f"/api/v1/decisions/{decision_id}/approve", headers=attorney_h, json={})
    assert done.status_code == 200
    assert done.get_json()["authority_qualification"] == "attorney, ZA"
    assert done.get_json()["signed_under"] == "the qualification \"attorney, ZA\""


def test_without_configured_authority_any_reviewer_signs_and_it_says_so(client, case, as_user,
                                                                        other_client):
    _, maker_h = as_user("claims")
    _, reviewer_h = as_user("reviewer")
    decision_id = ask(client, maker_h, case.id, amount_cents=90_000_000)
    assert client.get("/api/v1/decisions", headers=reviewer_h).get_json()["items"][0][
        "authority"]["can_sign"] is True
    done = client.post(f"/api/v1/decisions/{decision_id}/approve", headers=reviewer_h, json={})
    assert done.status_code == 200
    assert done.get_json()["authority_basis"] == "unrestricted"
    assert "sets no approval limits" in done.get_json()["signed_under"]


def test_once_configured_a_reviewer_without_authority_approves_no_sum(client, case, as_user):
    _, admin_h = as_user("admin")
    _, maker_h = as_user("collections", "claims")
    senior, _ = as_user("reviewer")
    _, newcomer_h = as_user("reviewer")
    grant(client, admin_h, senior, {"claim_payout": 1_000_000})
    decision_id = ask(client, maker_h, case.id, amount_cents=100)
    refused = client.post(f"/api/v1/decisions/{decision_id}/approve", headers=newcomer_h,
                          json={})
    assert refused.get_json()["error"]["code"] == "over_limit"
    assert "no limit for this kind" in refused.get_json()["error"]["message"]
    # A judgement without a sum and without a required qualification needs no limit.
    plain = ask(client, maker_h, case.id, kind="other", amount_cents=None)
    assert client.post(f"/api/v1/decisions/{plain}/approve", headers=newcomer_h,
                       json={}).status_code == 200


def test_setting_authority_is_checked_scoped_and_audited(client, session, case, as_user,
                                                         other_client):
    _, admin_h = as_user("admin")
    _, client_admin_h = as_user("client_admin", clients=[other_client])
    reviewer, reviewer_h = as_user("reviewer")
    path = f"/api/v1/admin/users/{reviewer.id}/authority"
    bad = client.put(path, headers=admin_h, json={
        "limits": {"claim_payout": -5, "account_freeze": 100, "write_off": True},
        "qualifications": ["ok", ""]})
    assert bad.status_code == 422
    fields = bad.get_json()["error"]["fields"]
    assert {"limits.claim_payout", "limits.account_freeze", "limits.write_off",
            "qualifications"} <= set(fields)
    wrong_client = client.put(path, headers=admin_h, json={"client_id": other_client.id,
                                                           "limits": {}})
    assert "does not work for" in wrong_client.get_json()["error"]["fields"]["client_id"]
    assert client.put(path, headers=client_admin_h, json={"limits": {}}).status_code == 404
    assert client.put(path, headers=reviewer_h, json={"limits": {}}).status_code == 403

    grant(client, admin_h, reviewer, {"write_off": 50_000}, ["collections officer, GB"])
    grant(client, admin_h, reviewer, {"write_off": 75_000})
    got = client.get(path, headers=admin_h).get_json()
    assert [(i["client_id"], i["limits"], i["qualifications"]) for i in got["items"]] == [
        (case.client_id, {"write_off": 75_000}, [])]
    changes = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "user.authority_changed").order_by(AuditEvent.id)).all()
    assert [c.after["limits"] for c in changes] == [{"write_off": 50_000},
                                                    {"write_off": 75_000}]
    assert changes[1].before == {"limits": {"write_off": 50_000},
                                 "qualifications": ["collections officer, GB"]}


def test_settling_a_claim_asks_with_its_amount_so_the_limit_applies(client, session, claim,
                                                                    as_user):
    _, admin_h = as_user("admin")
    _, handler_h = as_user("claims")
    junior, junior_h = as_user("reviewer")
    grant(client, admin_h, junior, {"claim_payout": 100_000})
    claim.status = "settlement_proposed"
    session.commit()
    moved = client.post(f"/api/v1/claims/{claim.id}/transitions", headers=handler_h,
                        json={"to": "settled", "settlement_amount_cents": 500_000})
    assert moved.status_code == 200, moved.get_json()
    session.expire_all()
    decision = session.get(Decision, session.get(Claim, claim.id).decision_id)
    assert (decision.kind, decision.amount_cents, decision.currency) == ("claim_payout",
                                                                        500_000, "USD")
    refused = client.post(f"/api/v1/decisions/{decision.id}/approve", headers=junior_h,
                          json={})
    assert refused.get_json()["error"]["code"] == "over_limit"
    assert session.get(Claim, claim.id).status == "settlement_proposed"
