"""The sign-off and escalation forms' server side: kinds offered by what the case holds, an
amount that is money, field errors; notification settings; notices to one person."""

import pytest
from sqlalchemy import select

from console.core.extensions import socketio
from crm.customers import identity
from crm.models import AuditEvent, Claim, DebtAccount, Decision, Investigation


@pytest.fixture
def debt(session, case):
    made = DebtAccount(
        client_id=case.client_id,
        case_id=case.id,
        account_number="ACC-7",
        balance_cents=120_000,
        currency="EUR",
    )
    session.add(made)
    session.commit()
    return made


@pytest.fixture
def claim(session, case):
    made = Claim(
        client_id=case.client_id, case_id=case.id, number="CLM-77", status="triage", currency="GBP"
    )
    session.add(made)
    session.commit()
    return made


def kinds(client, headers, case_id):
    resp = client.get(f"/api/v1/cases/{case_id}/decision-kinds", headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return {k["kind"]: k for k in resp.get_json()["items"]}


def ask(client, headers, case_id, **body):
    return client.post(f"/api/v1/cases/{case_id}/decisions", headers=headers, json=body)


def test_the_kinds_offered_follow_what_the_case_holds(client, case, as_user, session):
    _, agent = as_user("agent")
    assert list(kinds(client, agent, case.id)) == ["other"]
    session.add(
        DebtAccount(
            client_id=case.client_id,
            case_id=case.id,
            account_number="A-1",
            balance_cents=5000,
            currency="EUR",
        )
    )
    session.commit()
    offered = kinds(client, agent, case.id)
    assert list(offered) == ["settlement_offer", "hardship_plan", "write_off", "other"]
    assert offered["settlement_offer"] == {
        "kind": "settlement_offer",
        "currency": "EUR",
        "label": "Settlement of the debt",
        "needs_amount": True,
    }
    assert offered["other"]["needs_amount"] is False
    session.add(Claim(client_id=case.client_id, case_id=case.id, number="C-1", status="triage"))
    session.commit()
    assert {"claim_payout", "claim_rejection"} <= set(kinds(client, agent, case.id))
    assert kinds(client, agent, case.id)["claim_rejection"]["label"] == "Claim decline"


def test_a_sign_off_names_its_amount_in_the_debts_currency(client, session, case, debt, as_user):
    _, agent = as_user("collections")
    resp = ask(
        client,
        agent,
        case.id,
        kind="settlement_offer",
        summary="Settle at 60%",
        amount_cents=72_000,
    )
    assert resp.status_code == 201, resp.get_json()
    assert (resp.get_json()["amount_cents"], resp.get_json()["currency"]) == (72_000, "EUR")
    _, reviewer = as_user("reviewer")
    queued = client.get("/api/v1/decisions", headers=reviewer).get_json()["items"]
    assert [(d["amount_cents"], d["currency"]) for d in queued] == [(72_000, "EUR")]
    after = session.scalars(
        select(AuditEvent.after).where(AuditEvent.action == "decision.requested")
    ).one()
    assert (after["amount_cents"], after["currency"]) == (72_000, "EUR")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "write_off", "summary": "Write it off"}, "amount_cents"),  # needs a sum
        ({"kind": "write_off", "summary": "x", "amount_cents": 0}, "amount_cents"),
        ({"kind": "write_off", "summary": "x", "amount_cents": -5}, "amount_cents"),
        ({"kind": "write_off", "summary": "x", "amount_cents": "12.50"}, "amount_cents"),
        ({"kind": "write_off", "summary": "x", "amount_cents": 10**15}, "amount_cents"),
        ({"kind": "write_off", "summary": "   ", "amount_cents": 500}, "summary"),
        ({"kind": "claim_payout", "summary": "Pay", "amount_cents": 500}, "kind"),  # no claim
        ({"kind": "nonsense", "summary": "x"}, "kind"),
    ],
)
def test_a_bad_sign_off_request_names_its_field_and_stores_nothing(
    client, session, case, debt, as_user, body, field
):
    _, agent = as_user("collections")
    resp = ask(client, agent, case.id, **body)
    assert resp.status_code == 422, resp.get_json()
    assert resp.get_json()["error"]["field"] == field
    assert session.scalars(select(Decision)).all() == []


def test_a_rejection_without_a_reason_names_the_note_field(client, case, debt, as_user):
    _, maker = as_user("collections")
    _, reviewer = as_user("reviewer")
    asked = ask(client, maker, case.id, kind="other", summary="Waive the fee").get_json()
    resp = client.post(
        f"/api/v1/decisions/{asked['id']}/reject", headers=reviewer, json={"note": " "}
    )
    assert (resp.status_code, resp.get_json()["error"]["field"]) == (422, "note")
    approved = client.post(
        f"/api/v1/decisions/{asked['id']}/approve",
        headers=reviewer,
        json={"note": "Fine this once"},
    )
    assert approved.get_json()["note"] == "Fine this once"


def test_an_escalation_names_the_claim_it_concerns_only_if_the_case_holds_it(
    client, session, case, claim, as_user, default_client
):
    _, agent = as_user("agent")
    _, other_case, _ = identity.find_or_create(session, default_client.id, "+14155550999")
    stranger = Claim(client_id=case.client_id, case_id=other_case.id, number="CLM-X")
    session.add(stranger)
    session.commit()
    url = f"/api/v1/cases/{case.id}/escalations"
    for body, field in (
        ({"summary": "Odd", "claim_id": stranger.id}, "claim_id"),
        ({"summary": "", "claim_id": claim.id}, "summary"),
        ({"summary": "Odd", "severity": "dire"}, "severity"),
    ):
        resp = client.post(url, headers=agent, json=body)
        assert (resp.status_code, resp.get_json()["error"].get("field")) == (422, field), body
    assert session.scalars(select(Investigation)).all() == []
    made = client.post(
        url,
        headers=agent,
        json={"summary": "Two stories of one burst pipe", "severity": "high", "claim_id": claim.id},
    )
    assert made.status_code == 201, made.get_json()
    found = session.scalars(select(Investigation)).one()
    assert (found.claim_id, found.severity) == (claim.id, "high")


def test_notification_settings_are_kept_per_person_and_audited(client, session, as_user):
    _, headers = as_user("agent")
    _, other = as_user("agent")
    url = "/api/v1/me/notifications"
    assert client.get(url, headers=headers).get_json() == {"desktop": False, "sound": False}
    resp = client.put(url, headers=headers, json={"desktop": True, "sound": False})
    assert resp.get_json() == {"desktop": True, "sound": False}
    assert client.get(url, headers=headers).get_json() == {"desktop": True, "sound": False}
    assert client.get(url, headers=other).get_json() == {"desktop": False, "sound": False}
    assert client.put(url, headers=headers, json={"desktop": "yes", "sound": 1}).status_code == 422
    assert session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "user.preferences_changed")
    ).all() == ["user.preferences_changed"]


def notices(sio):
    return [m["args"][0] for m in sio.get_received("/agent") if m["name"] == "notice"]


def token_of(headers):
    return headers["Authorization"].removeprefix("Bearer ")


def test_the_maker_is_told_their_sign_off_was_decided_and_nobody_else(
    app, client, case, debt, as_user
):
    _, maker = as_user("collections")
    _, reviewer = as_user("reviewer")
    _, bystander = as_user("collections")
    sockets = [
        socketio.test_client(app, namespace="/agent", auth={"token": token_of(h)})
        for h in (maker, reviewer, bystander)
    ]
    asked = ask(
        client, maker, case.id, kind="write_off", summary="Fees", amount_cents=1500
    ).get_json()
    client.post(
        f"/api/v1/decisions/{asked['id']}/reject",
        headers=reviewer,
        json={"note": "Not within policy"},
    )
    told = notices(sockets[0])
    assert [(n["kind"], n["status"], n["label"], n["case_id"]) for n in told] == [
        ("signoff_decided", "rejected", "Write-off", case.id)
    ]
    assert "summary" not in told[0] and "note" not in told[0]
    assert notices(sockets[1]) == [] and notices(sockets[2]) == []


def test_a_task_given_by_someone_else_is_a_notice_ones_own_is_not(app, client, case, as_user):
    me, mine = as_user("agent")
    _, theirs = as_user("supervisor")
    sio = socketio.test_client(app, namespace="/agent", auth={"token": token_of(mine)})
    client.post("/api/v1/tasks", headers=mine, json={"case_id": case.id, "title": "My own"})
    assert notices(sio) == []
    given = client.post(
        "/api/v1/tasks",
        headers=theirs,
        json={"case_id": case.id, "title": "Call Mrs Diaz back", "assignee_id": me.id},
    )
    assert given.status_code == 201, given.get_json()
    assert [(n["kind"], n["title"], n["case_id"]) for n in notices(sio)] == [
        ("task_assigned", "Call Mrs Diaz back", case.id)
    ]


def test_notices_are_kept_until_read_and_listed_on_the_next_load(app, client, case, as_user):
    me, mine = as_user("agent")
    _, theirs = as_user("supervisor")
    _, other = as_user("agent")
    for title in ("Call Mrs Diaz back", "Send the form"):
        assert client.post("/api/v1/tasks", headers=theirs, json={
            "case_id": case.id, "title": title, "assignee_id": me.id}).status_code == 201
    # No socket was open: the notices wait for the next page load.
    listed = client.get("/api/v1/me/notices", headers=mine).get_json()
    assert listed["unread"] == 2
    assert [(n["kind"], n["title"], n["read"]) for n in listed["items"]] == [
        ("task_assigned", "Send the form", False), ("task_assigned", "Call Mrs Diaz back", False)]
    assert client.get("/api/v1/me/notices", headers=other).get_json() == {
        "items": [], "unread": 0}
    # Someone else cannot mark them read; their owner can, one or all.
    newest = listed["items"][0]["id"]
    assert client.post("/api/v1/me/notices/read", headers=other,
                       json={"ids": [newest]}).get_json() == {"marked": 0}
    assert client.post("/api/v1/me/notices/read", headers=mine,
                       json={"ids": [newest]}).get_json() == {"marked": 1}
    assert client.get("/api/v1/me/notices", headers=mine).get_json()["unread"] == 1
    assert client.post("/api/v1/me/notices/read", headers=mine,
                       json={"up_to": newest}).get_json() == {"marked": 1}
    assert client.get("/api/v1/me/notices", headers=mine).get_json() == {
        "items": [], "unread": 0}
    assert client.post("/api/v1/me/notices/read", headers=mine,
                       json={"ids": "all"}).status_code == 422


def test_a_pushed_notice_carries_the_id_the_bell_marks_read(app, client, case, as_user):
    me, mine = as_user("agent")
    _, theirs = as_user("supervisor")
    sio = socketio.test_client(app, namespace="/agent", auth={"token": token_of(mine)})
    client.post("/api/v1/tasks", headers=theirs, json={
        "case_id": case.id, "title": "Call back", "assignee_id": me.id})
    [pushed] = notices(sio)
    [kept] = client.get("/api/v1/me/notices", headers=mine).get_json()["items"]
    assert pushed.pop("at")[:19] == kept.pop("at")[:19] and pushed == kept
