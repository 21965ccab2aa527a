"""The claims API: first notice of loss, the lifecycle (409 off the table), documents, sign-off."""

import pytest
from sqlalchemy import func, select

from crm.cases import timeline
from crm.models import Attachment, AuditEvent, Claim, Decision, Task, utcnow
from tests.console.api.test_openapi import _declared

FNOL = {"number": "CLM-2026-77", "policy_number": "POL-123", "policy_start": "2026-01-01",
        "loss_date": "2026-11-20", "type": "motor", "reported_amount_cents": 250_000,
        "bank_account": "de89 3704 0044 0532 0130 00"}


@pytest.fixture
def handler_h(as_user):
    return as_user("claims")[1]


@pytest.fixture
def made(client, case, handler_h):
    resp = client.post(f"/api/v1/cases/{case.id}/claims", headers=handler_h, json=FNOL)
    assert resp.status_code == 201
    return resp.get_json()


def move(client, headers, claim_id, to, reason=None, **more):
    return client.post(f"/api/v1/claims/{claim_id}/transitions", headers=headers,
                       json={"to": to, "reason": reason, **more})


def test_a_first_notice_of_loss_makes_a_claim_at_fnol(client, case, made, handler_h):
    assert {k: made[k] for k in (*FNOL, "status", "kind", "case_id", "currency")} == {
        **FNOL, "status": "fnol", "kind": "claim", "case_id": case.id, "currency": "USD"}
    assert [m["to"] for m in made["next_moves"]] == ["triage", "declined", "closed"]
    declined = next(m for m in made["next_moves"] if m["to"] == "declined")
    assert (declined["needs_reason"], declined["needs_signoff"]) == (True, True)
    header = client.get(f"/api/v1/cases/{case.id}", headers=handler_h).get_json()
    assert [c["number"] for c in header["claims"]] == ["CLM-2026-77"]
    assert ("claim", made["id"]) in [(w["kind"], w["id"]) for w in header["open_work"]]
    listed = client.get(f"/api/v1/cases/{case.id}/claims", headers=handler_h).get_json()
    assert [c["id"] for c in listed["items"]] == [made["id"]]
    assert client.get(f"/api/v1/claims/{made['id']}", headers=handler_h).get_json() == made


def test_a_move_the_table_forbids_is_409_naming_the_allowed_moves(app, client, made,
                                                                  handler_h):
    resp = move(client, handler_h, made["id"], "settled")
    assert resp.status_code == 409
    error = resp.get_json()["error"]
    assert error["code"] == "transition_not_allowed"
    assert error["message"].endswith("it can move to: triage, declined, closed")
    _declared(client.get("/api/v1/openapi.json").get_json(), "post",
              "/claims/{claim_id}/transitions", resp)


def test_moves_are_audited_and_on_the_timeline(client, session, case, made, handler_h):
    assert move(client, handler_h, made["id"], "triage").get_json()["status"] == "triage"
    moved = move(client, handler_h, made["id"], "awaiting_documents").get_json()
    assert (moved["status"], moved["status_label"]) == ("awaiting_documents",
                                                       "awaiting documents")
    assert session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "claim.transitioned")) == 2
    page = client.get(f"/api/v1/cases/{case.id}/timeline", headers=handler_h).get_json()
    assert page["items"][0]["body"] == ("Claim CLM-2026-77: moved from triage to awaiting "
                                        "documents")


@pytest.mark.parametrize(("body", "status"), [
    ({**FNOL, "loss_date": "yesterday"}, 422),
    ({**FNOL, "loss_date": None}, 422),
    ({**FNOL, "type": "boat"}, 422),
    ({**FNOL, "reported_amount_cents": "lots"}, 422),
    ({**FNOL, "reported_amount_cents": 0}, 422),
    ({**FNOL, "number": "x" * 65}, 422),
    ({**FNOL, "number": "ß" * 40}, 422),  # 80 letters once upper-cased
    ({**FNOL, "bank_account": "a\x00b"}, 400),
    ({k: v for k, v in FNOL.items() if k != "loss_date"}, 422),
    ([], 422),
])
def test_bad_input_is_a_clear_4xx_and_stores_nothing(client, session, case, handler_h, body,
                                                     status):
    resp = client.post(f"/api/v1/cases/{case.id}/claims", headers=handler_h, json=body)
    assert resp.status_code == status, resp.get_json()
    assert resp.get_json()["error"]["message"]
    assert session.scalar(select(func.count()).select_from(Claim)) == 0


def test_bad_moves_and_changes_are_4xx(client, made, handler_h, as_user):
    claim = f"/api/v1/claims/{made['id']}"
    assert move(client, handler_h, made["id"], "sideways").status_code == 422
    assert move(client, handler_h, made["id"], "declined").status_code == 422  # no reason
    assert client.post(f"{claim}/transitions", headers=handler_h, json={}).status_code == 422
    assert client.patch(claim, headers=handler_h, json={"loss_date": None}).status_code == 422
    assert client.patch(claim, headers=handler_h, json={"status": "settled"}).status_code == 422
    agent = as_user("agent")[1]
    assert client.patch(claim, headers=agent, json={"reserve_cents": 10}).status_code == 403
    assert client.patch(claim, headers=handler_h, json={"reserve_cents": 200_000}
                        ).get_json()["reserve_cents"] == 200_000
    assert client.post(f"/api/v1/cases/{made['case_id']}/claims", headers=handler_h,
                       json=FNOL).status_code == 409  # the number is taken
    assert client.get("/api/v1/claims/99999999", headers=handler_h).status_code == 404


def test_claims_of_another_client_are_not_found(client, made, as_user, other_client):
    stranger = as_user("supervisor", clients=[other_client])[1]
    claim = f"/api/v1/claims/{made['id']}"
    assert client.get(claim, headers=stranger).status_code == 404
    assert move(client, stranger, made["id"], "triage").status_code == 404
    assert client.post(f"/api/v1/cases/{made['case_id']}/claims", headers=stranger,
                       json=FNOL).status_code == 404


def test_a_collector_reads_but_does_not_work_claims(client, made, as_user):
    collector = as_user("collections")[1]
    assert client.get(f"/api/v1/claims/{made['id']}", headers=collector).status_code == 200
    assert move(client, collector, made["id"], "triage").status_code == 403


def test_a_document_asked_for_is_closed_by_the_attachment_marked(client, session, case, made,
                                                                 handler_h):
    claim = f"/api/v1/claims/{made['id']}"
    asked = client.post(f"{claim}/documents", headers=handler_h,
                        json={"name": "Repair estimate"})
    assert asked.status_code == 201
    doc = asked.get_json()
    assert (doc["status"], session.get(Task, doc["task_id"]).status) == ("requested", "open")
    item, _ = timeline.record(session, case, medium="email", direction="outbound",
                              body="estimate attached", occurred_at=utcnow())
    session.add(Attachment(interaction_id=item.id, kind="file", filename="estimate.pdf"))
    session.commit()
    choices = client.get(f"{claim}/attachments", headers=handler_h).get_json()["items"]
    assert [(a["filename"], a["medium"]) for a in choices] == [("estimate.pdf", "email")]
    got = client.post(f"{claim}/documents/{doc['id']}/receipt", headers=handler_h,
                      json={"attachment_id": choices[0]["id"]})
    assert got.status_code == 200
    assert (got.get_json()["status"], got.get_json()["attachment_filename"]) == (
        "received", "estimate.pdf")
    assert session.get(Task, doc["task_id"]).status == "done"
    again = client.post(f"{claim}/documents/{doc['id']}/receipt", headers=handler_h,
                        json={"attachment_id": choices[0]["id"]})
    assert again.status_code == 409
    assert client.post(f"{claim}/documents/{doc['id']}/receipt", headers=handler_h,
                       json={"attachment_id": 99999}).status_code == 404
    assert client.post(f"{claim}/documents", headers=handler_h,
                       json={"name": "  "}).status_code == 422
    shown = client.get(claim, headers=handler_h).get_json()["documents"]
    assert [(d["name"], d["status"]) for d in shown] == [("Repair estimate", "received")]


def test_settling_waits_for_a_second_person(client, session, made, handler_h, as_user):
    for to in ("triage", "assessed"):
        assert move(client, handler_h, made["id"], to).status_code == 200
    proposed = move(client, handler_h, made["id"], "settlement_proposed",
                    settlement_amount_cents=200_000).get_json()
    assert proposed["settlement_amount_cents"] == 200_000
    settle = next(m for m in proposed["next_moves"] if m["to"] == "settled")
    assert (settle["needs_amount"], settle["documents_outstanding"]) == (True, [])
    waiting = move(client, handler_h, made["id"], "settled").get_json()
    assert waiting["status"] == "settlement_proposed"
    assert waiting["pending_signoff"]["to"] == "settled"
    assert waiting["next_moves"] == []
    blocked = move(client, handler_h, made["id"], "assessed")
    assert (blocked.status_code, blocked.get_json()["error"]["code"]) == (409,
                                                                          "awaiting_signoff")
    decision = waiting["pending_signoff"]["decision_id"]
    reviewer = as_user("reviewer")[1]
    assert client.post(f"/api/v1/decisions/{decision}/approve", headers=reviewer,
                       json={}).status_code == 200
    settled = client.get(f"/api/v1/claims/{made['id']}", headers=handler_h).get_json()
    assert (settled["status"], settled["pending_signoff"]) == ("settled", None)
    assert [m["to"] for m in settled["next_moves"]] == ["closed", "reopened"]


def test_a_cover_increase_is_recorded(client, made, handler_h):
    claim = f"/api/v1/claims/{made['id']}"
    resp = client.post(f"{claim}/cover-changes", headers=handler_h, json={
        "kind": "increase", "effective_on": "2026-11-10", "sum_insured_cents": 9_000_000})
    assert resp.status_code == 201
    assert client.post(f"{claim}/cover-changes", headers=handler_h, json={
        "kind": "increase", "effective_on": "2026-11-10"}).status_code == 422
    changes = client.get(claim, headers=handler_h).get_json()["cover_changes"]
    assert [(c["kind"], c["effective_on"], c["sum_insured_cents"]) for c in changes] == [
        ("increase", "2026-11-10", 9_000_000)]




def test_a_settlement_needs_its_amount(client, session, made, handler_h):
    for to in ("triage", "assessed"):
        assert move(client, handler_h, made["id"], to).status_code == 200
    missing = move(client, handler_h, made["id"], "settlement_proposed")
    assert missing.status_code == 422
    assert missing.get_json()["error"]["message"] == (
        "The settlement amount is required to propose a settlement (claim CLM-2026-77)")
    for bad in (0, -5, "lots", 10**14):
        assert move(client, handler_h, made["id"], "settlement_proposed",
                    settlement_amount_cents=bad).status_code == 422
    assert move(client, handler_h, made["id"], "investigation",
                settlement_amount_cents=5_000).status_code == 422  # not a settlement
    claim = session.get(Claim, made["id"])
    session.refresh(claim)
    assert (claim.status, claim.settlement_amount_cents) == ("assessed", None)
    # Settling pays the proposed amount, or another one given (which the reviewer signs off).
    assert move(client, handler_h, made["id"], "settlement_proposed",
                settlement_amount_cents=180_000).status_code == 200
    waiting = move(client, handler_h, made["id"], "settled", settlement_amount_cents=175_050)
    assert waiting.get_json()["settlement_amount_cents"] == 175_050
    decision = session.scalars(select(Decision).where(Decision.kind == "claim_payout")).one()
    assert "settlement USD 1,750.50" in decision.summary


def test_a_claim_waiting_for_a_document_is_not_assessed_or_settled(client, session, made,
                                                                   handler_h):
    claim = f"/api/v1/claims/{made['id']}"
    assert move(client, handler_h, made["id"], "triage").status_code == 200
    for name in ("Police report", "Repair estimate"):
        assert client.post(f"{claim}/documents", headers=handler_h,
                           json={"name": name}).status_code == 201
    shown = client.get(claim, headers=handler_h).get_json()
    assess = next(m for m in shown["next_moves"] if m["to"] == "assessed")
    assert assess["documents_outstanding"] == ["Police report", "Repair estimate"]
    refused = move(client, handler_h, made["id"], "assessed")
    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "documents_outstanding"
    assert error["message"] == ("Claim CLM-2026-77 is still waiting for Police report, Repair "
                                "estimate: mark them received, or waive them with a reason, "
                                "before it is assessed")
    _declared(client.get("/api/v1/openapi.json").get_json(), "post",
              "/claims/{claim_id}/transitions", refused)
    # Moves that do not judge the claim are not held back.
    assert move(client, handler_h, made["id"], "awaiting_documents").status_code == 200
    # Waiving needs a reason; with one, the documents are waived and their tasks done.
    unsaid = move(client, handler_h, made["id"], "assessed", documents_waived=True)
    refusal = unsaid.get_json()["error"]
    assert (unsaid.status_code, refusal["field"]) == (422, "reason")
    assert "goes on without the documents" in refusal["message"]
    done = move(client, handler_h, made["id"], "assessed", "the garage's invoice is enough",
                documents_waived=True)
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["status"] == "assessed"
    assert [(d["name"], d["status"]) for d in body["documents"]] == [
        ("Police report", "waived"), ("Repair estimate", "waived")]
    assert {session.get(Task, d["task_id"]).status for d in body["documents"]} == {"done"}
    waived = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "claim.documents_waived")).one()
    assert waived.after["names"] == ["Police report", "Repair estimate"]
    assert waived.after["reason"] == "the garage's invoice is enough"


def test_a_document_whose_task_was_done_by_hand_no_longer_holds_the_claim(
        client, made, handler_h):
    claim = f"/api/v1/claims/{made['id']}"
    assert move(client, handler_h, made["id"], "triage").status_code == 200
    doc = client.post(f"{claim}/documents", headers=handler_h,
                      json={"name": "Photos"}).get_json()
    assert client.patch(f"/api/v1/tasks/{doc['task_id']}", headers=handler_h,
                        json={"status": "done"}).status_code == 200
    assert move(client, handler_h, made["id"], "assessed").status_code == 200
