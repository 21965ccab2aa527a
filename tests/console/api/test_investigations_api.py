"""The investigation workflow: escalated, offered to an investigator, taken, worked, closed."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from crm.core import events
from crm.fraud import investigations
from crm.models import AuditEvent, Investigation, Offer

SUMMARY = "Third claim for the same television"


def _escalate(client, case, headers, **extra):
    resp = client.post(f"/api/v1/cases/{case.id}/escalations", headers=headers,
                       json={"summary": SUMMARY, **extra})
    assert resp.status_code == 201, resp.get_json()
    return resp.get_json()


def _steps(client, case, headers):
    items = client.get(f"/api/v1/cases/{case.id}/timeline", headers=headers).get_json()["items"]
    return [(i["medium"], i["status"], i["body"]) for i in reversed(items)]


def test_an_escalation_is_offered_taken_closed_and_leaves_the_queue(client, session, case,
                                                                    as_user, connect):
    _, agent_h = as_user("claims")
    investigator, fraud_h = as_user("fraud")
    sock = connect(investigator)
    sock.get_received("/agent")

    assert _escalate(client, case, agent_h)["investigation"] is None
    found = session.scalars(select(Investigation)).one()
    assert (found.status, found.severity) == ("open", "low")
    session.refresh(case)
    assert case.sensitive  # from now on every view of the case is audited

    # The fraud queue's routing offers it to the available investigator.
    pops = [m["args"][0] for m in sock.get_received("/agent")
            if m["name"] == events.OFFER_CREATED]
    assert [(p["queue"], p["interaction"]["body"]) for p in pops] == [
        ("fraud", f"Escalated to the fraud team: {SUMMARY}")]
    queue = client.get("/api/v1/investigations", headers=fraud_h).get_json()["items"]
    assert [(i["id"], i["status"]) for i in queue] == [(found.id, "open")]

    ack = sock.emit(events.OFFER_ACCEPT, {"offer_id": pops[0]["offer_id"]}, namespace="/agent",
                    callback=True)
    assert ack["ok"] and ack["investigation_id"] == found.id, ack
    detail = client.get(f"/api/v1/investigations/{found.id}", headers=fraud_h).get_json()
    assert (detail["status"], detail["assigned_to"]["id"]) == ("investigating", investigator.id)

    # Closing needs an outcome from the list and a summary.
    url = f"/api/v1/investigations/{found.id}/close"
    assert client.post(url, headers=fraud_h, json={"outcome": "guilty", "summary": "x"}
                       ).status_code == 422
    assert client.post(url, headers=fraud_h, json={"outcome": "false_positive",
                                                   "summary": " "}).status_code == 422
    assert client.post(url, headers=agent_h, json={"outcome": "false_positive",
                                                   "summary": "ok"}).status_code == 403
    closed = client.post(url, headers=fraud_h, json={
        "outcome": "false_positive", "summary": "Two different televisions, receipts match"})
    assert closed.status_code == 200, closed.get_json()
    assert (closed.get_json()["status"], closed.get_json()["outcome"]) == (
        "closed", "false_positive")
    assert client.get("/api/v1/investigations", headers=fraud_h).get_json()["items"] == []
    assert session.scalars(select(Offer.status)).all() == ["done"]

    assert [s for s in _steps(client, case, fraud_h) if s[0] == "system"] == [
        ("system", "escalated", f"Escalated to the fraud team: {SUMMARY}"),
        ("system", "taken", f"Investigation taken by {investigator.name}"),
        ("system", "closed", "Investigation closed (false positive): Two different "
                             "televisions, receipts match")]
    # The claims handler who escalated sees only that a review happened and is finished:
    # no step, no outcome (docs/fraud.md, "Once closed").
    assert [s for s in _steps(client, case, agent_h) if s[0] == "system"] == [
        ("system", "recorded", "review finished")] * 3
    actions = session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("investigation.%")).order_by(AuditEvent.id)).all()
    assert [a for a in actions if a != "investigation.viewed"] == [
        "investigation.escalated", "investigation.taken", "investigation.closed"]


def test_take_through_the_api_wins_once_and_the_offer_goes(client, session, case, as_user):
    _, agent_h = as_user("agent")
    first, first_h = as_user("fraud")
    _, second_h = as_user("fraud")
    _escalate(client, case, agent_h)
    found = session.scalars(select(Investigation)).one()
    url = f"/api/v1/investigations/{found.id}/take"
    assert client.post(url, headers=agent_h).status_code == 403
    taken = client.post(url, headers=first_h)
    assert taken.status_code == 200 and taken.get_json()["assigned_to"]["id"] == first.id
    again = client.post(url, headers=second_h)
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_taken")
    assert session.scalars(select(Offer.status)).all() == ["accepted"]
    # Someone else's investigation is not theirs to close; sending it up needs a reason.
    assert client.post(f"/api/v1/investigations/{found.id}/close", headers=second_h, json={
        "outcome": "inconclusive", "summary": "x"}).status_code == 409
    send_up = f"/api/v1/investigations/{found.id}/escalate"
    assert client.post(send_up, headers=first_h, json={"reason": " "}).status_code == 422
    up = client.post(send_up, headers=first_h, json={"reason": "SIU: organised ring"})
    assert up.get_json()["status"] == "escalated"


def test_severity_only_rises_and_a_snooze_leaves_the_queue_until_it_wakes(client, session,
                                                                          case, as_user):
    _, agent_h = as_user("agent")
    _, fraud_h = as_user("fraud")
    _escalate(client, case, agent_h, severity="medium")
    found = session.scalars(select(Investigation)).one()
    url = f"/api/v1/investigations/{found.id}"
    assert client.patch(url, headers=fraud_h, json={"severity": "low"}).status_code == 422
    assert client.patch(url, headers=fraud_h, json={"severity": "extreme"}).status_code == 422
    assert client.patch(url, headers=fraud_h, json={"severity": "high"}
                        ).get_json()["severity"] == "high"
    assert session.scalar(select(Offer.priority)) == 20  # a severe one is offered first

    assert client.patch(url, headers=fraud_h, json={
        "snoozed_until": "2000-01-01T00:00:00Z"}).status_code == 422
    until = datetime.now(UTC) + timedelta(days=2)
    snoozing = client.patch(url, headers=fraud_h, json={"snoozed_until": until.isoformat()})
    assert snoozing.status_code == 200, snoozing.get_json()
    assert client.get("/api/v1/investigations", headers=fraud_h).get_json()["items"] == []
    snoozed = client.get("/api/v1/investigations?snoozed=true", headers=fraud_h).get_json()
    assert [i["id"] for i in snoozed["items"]] == [found.id]
    session.expire_all()
    assert session.scalar(select(Offer.status)) == "snoozed"  # out of routing meanwhile

    assert investigations.wake_due(session, until + timedelta(minutes=1)) == 1
    session.commit()
    assert [i["id"] for i in client.get("/api/v1/investigations", headers=fraud_h)
            .get_json()["items"]] == [found.id]
    assert session.scalar(select(Offer.status)) == "open"


def test_evidence_is_pinned_once_unpinned_and_notes_are_kept(client, session, case, as_user):
    _, agent_h = as_user("agent")
    _, fraud_h = as_user("fraud")
    note = client.post(f"/api/v1/cases/{case.id}/notes", headers=agent_h,
                       json={"body": "Customer says the TV was stolen on the 3rd"}).get_json()
    _escalate(client, case, agent_h)
    found = session.scalars(select(Investigation)).one()
    client.post(f"/api/v1/investigations/{found.id}/take", headers=fraud_h)
    pins = f"/api/v1/investigations/{found.id}/evidence"
    made = client.post(pins, headers=fraud_h, json={"interaction_id": note["id"],
                                                    "note": "date differs from claim"})
    assert made.status_code == 201, made.get_json()
    twice = client.post(pins, headers=fraud_h, json={"interaction_id": note["id"]})
    assert (twice.status_code, twice.get_json()["error"]["code"]) == (409, "already_pinned")
    assert client.post(pins, headers=fraud_h, json={"interaction_id": 10**12}
                       ).status_code == 404
    listed = client.get(pins, headers=fraud_h).get_json()["items"]
    assert [(e["interaction_id"], e["item"]["body"]) for e in listed] == [
        (note["id"], "Customer says the TV was stolen on the 3rd")]
    assert client.delete(f"{pins}/{made.get_json()['id']}", headers=fraud_h).status_code == 204
    assert client.get(pins, headers=fraud_h).get_json()["items"] == []

    notes = f"/api/v1/investigations/{found.id}/notes"
    assert client.post(notes, headers=fraud_h, json={"body": "Called the shop"}
                       ).status_code == 201
    assert [n["body"] for n in client.get(notes, headers=fraud_h).get_json()["items"]] == [
        "Called the shop"]
    steps = [s[1] for s in _steps(client, case, fraud_h) if s[0] == "system"]
    assert steps == ["escalated", "taken", "evidence_pinned", "evidence_unpinned"]


def test_waiting_escalations_of_old_are_open_and_in_the_queue(client, session, case, as_user):
    # Migration 0023 turned "escalated" (waiting) into "open"; such a row has no work item.
    session.add(Investigation(client_id=case.client_id, case_id=case.id, reference="INV-OLD",
                              status="open", summary="old"))
    session.commit()
    _, fraud_h = as_user("fraud")
    queue = client.get("/api/v1/investigations/escalated", headers=fraud_h).get_json()
    assert [i["reference"] for i in queue["items"]] == ["INV-OLD"]
    found = session.scalars(select(Investigation)).one()
    assert client.post(f"/api/v1/investigations/{found.id}/take", headers=fraud_h
                       ).status_code == 200
