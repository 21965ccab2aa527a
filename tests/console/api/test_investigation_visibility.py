"""The role matrix: every route and socket event touching investigations, for every role.

Only the fraud team, reviewers, supervisors (admins hold every role) and the assigned
investigator see an investigation's details; everyone else gets "under review" or a 403/404,
and never the reference, the escalation's text, a note or the ring. The table is walked for
each role; a new route whose rule names investigations, flags, the ring or links fails
`test_every_fraud_route_is_in_the_matrix` until it has a row here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import pytest
from sqlalchemy import select

from crm.core import events
from crm.customers import identity
from crm.fraud import escalations, evidence, investigations
from crm.models import Interaction, Investigation
from tests.fraud_support import claim

ROLES = ("agent", "collections", "fraud", "claims", "reviewer", "supervisor", "admin",
         "assigned")
PERMITTED = {"fraud", "reviewer", "supervisor", "admin", "assigned"}
WATCHED = ("investigation", "flags", "ring", "links")
ESCALATION = "Same bank account on four claims in a month"
NOTE = "Called the repair shop: no such invoice"
RING = "shares a device with the claimant"
RISK = "loss soon after start"  # the risk score's reason (the claim's early loss)


@dataclass
class World:
    """One escalated, taken, annotated case and its ids."""

    case_id: int
    customer_id: int
    other_id: int
    investigation_id: int
    reference: str
    evidence_id: int
    note_id: int
    secrets: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Row:
    """How to call a route, and who must see its details (the reference) in the answer."""

    method: str
    url: str  # formatted with the World's fields
    body: dict | None = None
    sees: frozenset = frozenset(PERMITTED)  # roles whose answer shows the details
    denied: tuple[int, ...] = (403, 404)  # what everyone else may get instead (or 2xx veiled)


# (method, Flask rule) -> how it is called. Reads first: writes may change the world.
MATRIX: dict[tuple[str, str], Row] = {
    ("GET", "/api/v1/cases/<int:case_id>"): Row("GET", "/api/v1/cases/{case_id}"),
    ("GET", "/api/v1/cases/<int:case_id>/timeline"): Row(
        "GET", "/api/v1/cases/{case_id}/timeline", sees=frozenset()),  # no reference there
    ("GET", "/api/v1/cases/<int:case_id>/digest"): Row("GET", "/api/v1/cases/{case_id}/digest"),
    ("GET", "/api/v1/customers/<int:customer_id>"): Row(
        "GET", "/api/v1/customers/{customer_id}", sees=frozenset()),  # the ring's reason
    ("GET", "/api/v1/cases/<int:case_id>/investigations"): Row(
        "GET", "/api/v1/cases/{case_id}/investigations"),
    ("GET", "/api/v1/investigations"): Row(
        "GET", "/api/v1/investigations", sees=frozenset(PERMITTED - {"assigned"})),
    ("GET", "/api/v1/investigations/escalated"): Row(
        "GET", "/api/v1/investigations/escalated", sees=frozenset()),  # taken: not waiting
    ("GET", "/api/v1/investigations/<int:investigation_id>"): Row(
        "GET", "/api/v1/investigations/{investigation_id}"),
    ("GET", "/api/v1/investigations/<int:investigation_id>/evidence"): Row(
        "GET", "/api/v1/investigations/{investigation_id}/evidence", sees=frozenset()),
    ("GET", "/api/v1/investigations/<int:investigation_id>/notes"): Row(
        "GET", "/api/v1/investigations/{investigation_id}/notes", sees=frozenset()),
    ("POST", "/api/v1/cases/<int:case_id>/escalations"): Row(
        "POST", "/api/v1/cases/{case_id}/escalations", {"summary": "again"}, sees=frozenset(),
        denied=(403, 404, 409)),
    ("PATCH", "/api/v1/investigations/<int:investigation_id>"): Row(
        "PATCH", "/api/v1/investigations/{investigation_id}", {"severity": "critical"},
        sees=frozenset()),
    ("POST", "/api/v1/investigations/<int:investigation_id>/take"): Row(
        "POST", "/api/v1/investigations/{investigation_id}/take", sees=frozenset()),
    ("POST", "/api/v1/investigations/<int:investigation_id>/escalate"): Row(
        "POST", "/api/v1/investigations/{investigation_id}/escalate", {"reason": "SIU"},
        sees=frozenset()),
    ("POST", "/api/v1/investigations/<int:investigation_id>/evidence"): Row(
        "POST", "/api/v1/investigations/{investigation_id}/evidence",
        {"interaction_id": "{note_id}"}, sees=frozenset()),
    ("DELETE", "/api/v1/investigations/<int:investigation_id>/evidence/<int:evidence_id>"): Row(
        "DELETE", "/api/v1/investigations/{investigation_id}/evidence/{evidence_id}",
        sees=frozenset()),
    ("POST", "/api/v1/investigations/<int:investigation_id>/notes"): Row(
        "POST", "/api/v1/investigations/{investigation_id}/notes", {"body": "mine"},
        sees=frozenset()),
    ("POST", "/api/v1/investigations/<int:investigation_id>/close"): Row(
        "POST", "/api/v1/investigations/{investigation_id}/close",
        {"outcome": "confirmed_fraud", "summary": "done"}, sees=frozenset()),
    ("POST", "/api/v1/customers/<int:customer_id>/links"): Row(
        "POST", "/api/v1/customers/{customer_id}/links", {"other": "{other_id}", "reason": "x"},
        sees=frozenset(), denied=(403, 404, 409)),
    # Red flags, suggested links and the ring graph: 403 "under review" for everyone else.
    ("GET", "/api/v1/cases/<int:case_id>/flags"): Row(
        "GET", "/api/v1/cases/{case_id}/flags", sees=frozenset()),
    ("GET", "/api/v1/cases/<int:case_id>/links/suggested"): Row(
        "GET", "/api/v1/cases/{case_id}/links/suggested", sees=frozenset()),
    ("GET", "/api/v1/customers/<int:customer_id>/ring"): Row(
        "GET", "/api/v1/customers/{customer_id}/ring", sees=frozenset()),  # the ring's reason
    ("POST", "/api/v1/links/suggestions/<int:suggestion_id>/accept"): Row(
        "POST", "/api/v1/links/suggestions/987654/accept", {"reason": "x"}, sees=frozenset()),
    ("POST", "/api/v1/links/suggestions/<int:suggestion_id>/dismiss"): Row(
        "POST", "/api/v1/links/suggestions/987654/dismiss", {}, sees=frozenset()),
    ("DELETE", "/api/v1/customers/<int:customer_id>/links/<int:other_id>"): Row(
        "DELETE", "/api/v1/customers/{customer_id}/links/{other_id}", sees=frozenset()),
}


def _watched_rules(app) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            if any(word in rule.rule for word in WATCHED)
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_fraud_route_is_in_the_matrix(app):
    missing = _watched_rules(app) - set(MATRIX)
    assert not missing, f"add these routes to the role matrix: {sorted(missing)}"


@pytest.fixture
def world(session, default_client, make_user) -> World:
    """An escalated case, taken by an investigator, with a note, evidence and a ring."""
    customer, case, _ = identity.find_or_create(session, default_client.id, "+14155550177",
                                                display_name="Pat Claimant")
    other, _, _ = identity.find_or_create(session, default_client.id, "+14155550178")
    session.commit()
    claim(session, case, policy_start=date(2026, 3, 1), loss_date=date(2026, 3, 11))
    escalator, investigator = make_user("claims"), make_user("fraud")
    made = investigations.escalate(session, escalator, case.id, ESCALATION, "medium")
    session.commit()
    investigations.take(session, investigator, made.id)
    note = evidence.add_note(session, investigator, made.id, NOTE)
    session.flush()
    pinned = evidence.pin(session, investigator, made.id, note.id)
    escalations.link(session, investigator, customer.id, str(other.id), RING)
    session.commit()
    return World(case.id, customer.id, other.id, made.id, made.reference, pinned.id, note.id,
                 (made.reference, ESCALATION, NOTE, RING, RISK, "risk_reasons"))


def _as(role: str, session, as_user, world: World):
    if role != "assigned":
        return as_user(role)
    # An investigator outside the fraud team, given this investigation: sees it by assignment.
    user, headers = as_user("agent")
    session.get(Investigation, world.investigation_id).assigned_to_id = user.id
    session.commit()
    return user, headers


def _fill(value, world: World):
    if isinstance(value, dict):  # an id field is a number, any other a string
        return {k: int(_fill(v, world)) if k.endswith("_id") else _fill(v, world)
                for k, v in value.items()}
    return value.format(**world.__dict__) if isinstance(value, str) else value


@pytest.mark.parametrize("role", ROLES)
def test_only_permitted_roles_see_investigation_details(role, client, session, as_user,
                                                        world):
    _, headers = _as(role, session, as_user, world)
    for (method, rule), row in MATRIX.items():
        resp = client.open(_fill(row.url, world), method=method, headers=headers,
                           json=_fill(row.body, world) if row.body is not None else None)
        text = resp.get_data(as_text=True)
        where = f"{role}: {method} {rule} -> {resp.status_code}"
        assert resp.status_code < 500, where
        if role in row.sees:
            assert resp.status_code == 200 and world.reference in text, where
        if role not in PERMITTED:
            assert resp.status_code < 300 or resp.status_code in row.denied, where
            leaked = [s for s in world.secrets if s in text]
            assert not leaked, f"{where} leaks {leaked}"


def test_a_permitted_reader_sees_the_escalation_and_the_ring(client, session, as_user, world):
    _, headers = as_user("reviewer")
    timeline = client.get(f"/api/v1/cases/{world.case_id}/timeline", headers=headers
                          ).get_data(as_text=True)
    assert ESCALATION in timeline and NOTE in timeline
    customer = client.get(f"/api/v1/customers/{world.customer_id}", headers=headers
                          ).get_data(as_text=True)
    assert RING in customer
    ring = client.get(f"/api/v1/customers/{world.customer_id}/ring", headers=headers)
    assert ring.status_code == 200 and RING in ring.get_data(as_text=True)
    shown = client.get(f"/api/v1/investigations/{world.investigation_id}", headers=headers
                       ).get_json()
    assert shown["risk_score"] == 30
    assert [(r["rule"], r["label"], r["points"]) for r in shown["risk_reasons"]] == [
        ("loss_soon_after_cover", RISK, 30)]


@pytest.mark.parametrize("role", ROLES)
def test_socket_payloads_never_carry_investigation_details(role, session, as_user, connect,
                                                           world, make_user):
    user, _ = _as(role, session, as_user, world)
    sock = connect(user, available=False)
    ack = sock.emit(events.CASE_WATCH, {"case_id": world.case_id}, namespace="/agent",
                    callback=True)
    assert ack["ok"], ack
    received = [ack]
    # Everything an investigation does while the case is watched.
    worker = make_user("supervisor")
    investigations.change(session, worker, world.investigation_id, severity="high")
    evidence.add_note(session, worker, world.investigation_id, f"{NOTE} (2)")
    investigations.close(session, worker, world.investigation_id, "confirmed_fraud",
                         f"Closed: {ESCALATION}")
    session.commit()
    received += sock.get_received("/agent")
    names = {m.get("name") for m in received if isinstance(m, dict)}
    assert {events.CASE_UPDATED, events.INTERACTION_CREATED} <= names
    text = json.dumps(received, default=str)
    leaked = [s for s in world.secrets if s in text]
    assert not leaked, f"{role} got {leaked} over the socket"
    assert session.scalars(select(Interaction).where(
        Interaction.case_id == world.case_id, Interaction.medium == "system")).all()


OUTCOME = "Closed: the invoices were genuine"


def _veiled_entries(client, headers, world):
    items = client.get(f"/api/v1/cases/{world.case_id}/timeline", headers=headers
                       ).get_json()["items"]
    return [(i["body"], i["status"]) for i in items if i["medium"] == "system"]


@pytest.mark.parametrize("role", ROLES)
def test_once_closed_others_read_review_finished_and_nothing_else(
        role, client, session, as_user, connect, world, make_user):
    """Closed: plain readers see no investigation on the header, digest or list, and each of
    its timeline entries reads "review finished" (no step, no outcome), on the page, in the
    API and over the socket alike; while open they read "under review", never the step."""
    user, headers = _as(role, session, as_user, world)
    if role not in PERMITTED:
        assert set(_veiled_entries(client, headers, world)) == {("under review", "recorded")}
    sock = connect(user, available=False)
    assert sock.emit(events.CASE_WATCH, {"case_id": world.case_id}, namespace="/agent",
                     callback=True)["ok"]
    sock.get_received("/agent")
    investigations.close(session, make_user("supervisor"), world.investigation_id,
                         "false_positive", OUTCOME)
    session.commit()
    pushed = [m for m in sock.get_received("/agent") if m.get("name") in (
        events.INTERACTION_CREATED, events.CASE_UPDATED)]
    header = client.get(f"/api/v1/cases/{world.case_id}", headers=headers).get_json()
    digest = client.get(f"/api/v1/cases/{world.case_id}/digest", headers=headers
                        ).get_data(as_text=True)
    listed = client.get(f"/api/v1/cases/{world.case_id}/investigations", headers=headers
                        ).get_json()
    entries = _veiled_entries(client, headers, world)
    if role in PERMITTED:
        assert any(OUTCOME in body for body, _ in entries)
        assert [i["status"] for i in listed["items"]] == ["closed"]
        return
    # Finished work is no open work: nothing "under review" on the header, digest or list.
    assert [w for w in header["open_work"] if w["kind"] == "investigation"] == []
    assert "under review" not in json.dumps(header) and "under review" not in digest
    assert listed == {"items": [], "under_review": False}
    assert set(entries) == {("review finished", "recorded")}
    created = [m["args"][0]["interaction"] for m in pushed
               if m["name"] == events.INTERACTION_CREATED]
    assert [(i["body"], i["status"]) for i in created] == [("review finished", "recorded")]
    text = json.dumps(pushed, default=str)
    assert OUTCOME not in text and "false_positive" not in text
    assert "under review" not in text


TEAM_NOTE = "Repair shop owner is the claimant's brother-in-law"


@pytest.mark.parametrize("role", ROLES)
def test_the_fraud_teams_case_notes_are_veiled_like_the_investigation(
        role, client, session, as_user, connect, world, make_user):
    """A note the fraud team writes on a case under investigation (with the case's own note
    box, not the investigation's) is the investigation's: the same roles read it, everyone
    else reads "under review" on the timeline and over the socket."""
    from crm.cases import timeline

    user, headers = _as(role, session, as_user, world)
    sock = connect(user, available=False)
    assert sock.emit(events.CASE_WATCH, {"case_id": world.case_id}, namespace="/agent",
                     callback=True)["ok"]
    sock.get_received("/agent")
    note = timeline.add_note(session, make_user("fraud"), world.case_id, TEAM_NOTE)
    session.commit()
    pushed = json.dumps(sock.get_received("/agent"), default=str)
    items = client.get(f"/api/v1/cases/{world.case_id}/timeline", headers=headers
                       ).get_json()["items"]
    [shown] = [i for i in items if i["id"] == note.id]
    notes = client.get(f"/api/v1/investigations/{world.investigation_id}/notes",
                       headers=headers)
    if role in PERMITTED:
        assert shown["body"] == TEAM_NOTE  # (the case room's broadcast is veiled for all)
        assert TEAM_NOTE in notes.get_data(as_text=True)  # one of the investigation's notes
        return
    assert (shown["body"], shown["status"]) == ("under review", "recorded")
    assert TEAM_NOTE not in pushed and "under review" in pushed
    assert notes.status_code in (403, 404) and TEAM_NOTE not in notes.get_data(as_text=True)


def test_a_plain_agents_note_and_a_closed_investigation_leave_notes_plain(
        client, session, as_user, world, make_user):
    """Notes by people outside the fraud team, and notes once the work is closed, are not
    the investigation's: everyone reads them."""
    from crm.cases import timeline

    _, headers = as_user("agent")
    by_agent = timeline.add_note(session, make_user("agent"), world.case_id, "Called back")
    investigations.close(session, make_user("supervisor"), world.investigation_id,
                         "false_positive", "genuine")
    after = timeline.add_note(session, make_user("fraud"), world.case_id, "Card reissued")
    session.commit()
    items = {i["id"]: i["body"] for i in client.get(
        f"/api/v1/cases/{world.case_id}/timeline", headers=headers).get_json()["items"]}
    assert (items[by_agent.id], items[after.id]) == ("Called back", "Card reissued")
