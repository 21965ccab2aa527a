"""Four-eyes sign-off: a maker asks, a different reviewer decides once, every step audited."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from crm.models import AuditEvent, Claim, DebtAccount, Decision


@pytest.fixture(autouse=True)
def holdings(session, case):
    """The case holds a debt and a claim, so their kinds of decision are offered on it."""
    session.add_all([DebtAccount(client_id=case.client_id, case_id=case.id,
                                 account_number="ACC-1", balance_cents=50_000),
                     Claim(client_id=case.client_id, case_id=case.id, number="CLM-1")])
    session.commit()


def ask(client, headers, case_id, kind="write_off", summary="Write off the last $120",
        amount_cents=12_000):
    return client.post(f"/api/v1/cases/{case_id}/decisions", headers=headers,
                       json={"kind": kind, "summary": summary, "amount_cents": amount_cents})


def test_a_reviewer_other_than_the_maker_approves_once_and_it_is_audited(client, session,
                                                                          case, as_user):
    maker, maker_h = as_user("collections")
    reviewer, reviewer_h = as_user("reviewer")
    resp = ask(client, maker_h, case.id)
    assert resp.status_code == 201, resp.get_json()
    asked = resp.get_json()
    assert (asked["status"], asked["maker_id"], asked["case_id"]) == ("pending", maker.id,
                                                                      case.id)
    listed = client.get("/api/v1/decisions", headers=reviewer_h).get_json()["items"]
    assert [d["id"] for d in listed] == [asked["id"]]

    approve = f"/api/v1/decisions/{asked['id']}/approve"
    done = client.post(approve, headers=reviewer_h, json={"note": "Within policy"})
    assert done.status_code == 200
    assert (done.get_json()["status"], done.get_json()["checker_id"]) == ("approved",
                                                                          reviewer.id)
    again = client.post(approve, headers=reviewer_h, json={})
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_decided")
    assert client.get("/api/v1/decisions", headers=reviewer_h).get_json()["items"] == []
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("decision.%")).order_by(AuditEvent.id)).all()
    assert actions == ["decision.requested", "decision.approved"]


def test_the_maker_never_decides_their_own_and_agents_decide_nothing(client, session, case,
                                                                     as_user):
    _, maker_h = as_user("reviewer", "collections")  # a reviewer asking for themselves
    _, agent_h = as_user("agent")
    decision_id = ask(client, maker_h, case.id).get_json()["id"]
    own = client.post(f"/api/v1/decisions/{decision_id}/approve", headers=maker_h, json={})
    assert (own.status_code, own.get_json()["error"]["code"]) == (403, "own_decision")
    assert client.get("/api/v1/decisions", headers=maker_h).get_json()["items"] == []
    agent = client.post(f"/api/v1/decisions/{decision_id}/approve", headers=agent_h, json={})
    assert agent.status_code == 403
    assert client.get("/api/v1/decisions", headers=agent_h).status_code == 403
    assert session.get(Decision, decision_id).status == "pending"


def test_a_rejection_needs_a_reason_and_bad_requests_store_nothing(client, session, case,
                                                                   as_user, other_client):
    _, maker_h = as_user("claims")
    _, reviewer_h = as_user("reviewer")
    _, outsider_h = as_user("reviewer", clients=[other_client])
    decision_id = ask(client, maker_h, case.id, kind="claim_payout",
                      summary="Pay the geyser claim in full").get_json()["id"]
    reject = f"/api/v1/decisions/{decision_id}/reject"
    assert client.post(reject, headers=reviewer_h, json={"note": "  "}).status_code == 422
    assert client.post(reject, headers=outsider_h, json={"note": "No"}).status_code == 404
    done = client.post(reject, headers=reviewer_h, json={"note": "No assessor report yet"})
    assert (done.get_json()["status"], done.get_json()["note"]) == ("rejected",
                                                                    "No assessor report yet")
    for kind, summary in (("delete_everything", "x"), ("hardship_plan", "   ")):
        assert ask(client, maker_h, case.id, kind, summary).status_code == 422
    assert ask(client, maker_h, 999_999).status_code == 404
    assert client.post("/api/v1/decisions/999999/approve", headers=reviewer_h,
                       json={}).status_code == 404
    assert len(session.scalars(select(Decision)).all()) == 1


def test_two_reviewers_at_once_exactly_one_decides(app, client, session, case, as_user):
    _, maker_h = as_user("collections")
    heads = [as_user("reviewer")[1] for _ in range(2)]
    decision_id = ask(client, maker_h, case.id).get_json()["id"]

    def decide(headers, verdict):
        with app.test_client() as c:
            return c.post(f"/api/v1/decisions/{decision_id}/{verdict}", headers=headers,
                          json={"note": "checked"}).status_code

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(decide, heads, ["approve", "reject"]))
    assert codes == [200, 409]
    session.expire_all()
    assert session.get(Decision, decision_id).status in ("approved", "rejected")


def test_the_maker_reads_the_outcome_and_its_reason_on_the_timeline(client, session, case,
                                                                    as_user):
    _, maker_h = as_user("collections")
    _, reviewer_h = as_user("reviewer")
    decision_id = ask(client, maker_h, case.id, "settlement_offer",
                      "Settle at 60%").get_json()["id"]
    client.post(f"/api/v1/decisions/{decision_id}/reject", headers=reviewer_h,
                json={"note": "Ask for the income form first"})
    items = client.get(f"/api/v1/cases/{case.id}/timeline", headers=maker_h).get_json()["items"]
    assert [i["body"] for i in items if i["medium"] == "note"] == [
        "Sign-off rejected: Settlement of the debt — Settle at 60%. Ask for the income form first",
        "Asked for sign-off: Settlement of the debt (USD 120.00) — Settle at 60%"]
