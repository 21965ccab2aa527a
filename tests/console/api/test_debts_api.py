"""The debts API: the account, payments (idempotent), promises, plans, settlements, wrap-up."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from crm.models import DebtAccount, Payment, Promise, Settlement, utcnow


def today() -> date:
    """The server's day (UTC), read when asked: never a value frozen when tests are collected."""
    return utcnow().date()


@pytest.fixture
def debt(session, case):
    debt = DebtAccount(client_id=case.client_id, case_id=case.id, account_number="ACC-9",
                       creditor="Acme Bank", original_balance_cents=120_000,
                       balance_cents=100_000, delinquent_since=today() - timedelta(days=45),
                       charge_off_date=date(2026, 6, 30))
    session.add(debt)
    session.commit()
    return debt


@pytest.fixture
def agent_h(as_user):
    return as_user("agent")[1]


def day(offset=0) -> str:
    return (today() + timedelta(days=offset)).isoformat()


def test_the_account_shows_its_figures_and_ageing(client, debt, case, agent_h):
    resp = client.get(f"/api/v1/debts/{debt.id}", headers=agent_h)
    # 45 days as of the day the account was made; one more if midnight passed since.
    late = {45, (today() - debt.delinquent_since).days}
    assert resp.status_code == 200
    body = resp.get_json()
    assert {k: body[k] for k in ("id", "case_id", "balance_cents", "original_balance_cents",
                                 "status", "ageing_bucket", "currency",
                                 "charge_off_date", "disputed", "ceased",
                                 "attorney_represented")} == {
        "id": debt.id, "case_id": case.id, "balance_cents": 100_000,
        "original_balance_cents": 120_000, "status": "active", "ageing_bucket": "31-60",
        "currency": "USD", "charge_off_date": "2026-06-30",
        "disputed": False, "ceased": False, "attorney_represented": False}
    assert body["days_past_due"] in late
    listed = client.get(f"/api/v1/cases/{case.id}", headers=agent_h).get_json()
    assert [(d["kind"], d["id"]) for d in listed["debts"]] == [("debt_account", debt.id)]
    assert ("debt_account", debt.id) in [(w["kind"], w["id"]) for w in listed["open_work"]]


def test_an_account_of_another_client_is_not_found(client, debt, as_user, other_client):
    _, stranger = as_user("supervisor", clients=[other_client])
    for path in ("", "/payments", "/promises", "/plans", "/settlements"):
        assert client.get(f"/api/v1/debts/{debt.id}{path}", headers=stranger).status_code == 404
    posted = client.post(f"/api/v1/debts/{debt.id}/payments", headers=stranger, json={
        "amount_cents": 100, "paid_on": day(), "reference": "X", "method": "card"})
    assert posted.status_code == 404
    assert client.get("/api/v1/debts/99999999", headers=stranger).status_code == 404


def test_a_payment_posts_once_per_reference(client, session, debt, agent_h):
    body = {"amount_cents": 2500, "paid_on": day(), "reference": "TX-1", "method": "card"}
    first = client.post(f"/api/v1/debts/{debt.id}/payments", headers=agent_h, json=body)
    again = client.post(f"/api/v1/debts/{debt.id}/payments", headers=agent_h, json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert client.get(f"/api/v1/debts/{debt.id}", headers=agent_h).get_json()[
        "balance_cents"] == 97_500
    listed = client.get(f"/api/v1/debts/{debt.id}/payments", headers=agent_h).get_json()
    assert [p["reference"] for p in listed["items"]] == ["TX-1"]


@pytest.mark.parametrize("other", [{"amount_cents": 9999}, {"paid_on": day(-1)},
                                   {"method": "cash"}])
def test_another_payment_under_a_used_reference_is_409(client, debt, agent_h, other):
    body = {"amount_cents": 2500, "paid_on": day(), "reference": "TX-1", "method": "card"}
    assert client.post(f"/api/v1/debts/{debt.id}/payments", headers=agent_h,
                       json=body).status_code == 201
    resp = client.post(f"/api/v1/debts/{debt.id}/payments", headers=agent_h,
                       json={**body, **other})
    assert resp.status_code == 409
    err = resp.get_json()["error"]
    assert err["code"] == "reference_used" and "TX-1" in err["message"]
    assert client.get(f"/api/v1/debts/{debt.id}", headers=agent_h).get_json()[
        "balance_cents"] == 97_500


@pytest.mark.parametrize("bad", [
    {"amount_cents": 0}, {"amount_cents": "25"}, {"amount_cents": 10**15},
    {"paid_on": "yesterday"}, {"paid_on": "2026-13-01"}, {"method": "gold"},
    {"reference": " "}, {"reference": None}])
def test_bad_payments_are_422_and_store_nothing(client, session, debt, agent_h, bad):
    body = {"amount_cents": 2500, "paid_on": day(), "reference": "TX-1", "method": "card",
            **bad}
    resp = client.post(f"/api/v1/debts/{debt.id}/payments", headers=agent_h, json=body)
    assert resp.status_code == 422, resp.get_json()
    assert session.scalar(select(func.count()).select_from(Payment)) == 0


def test_only_a_supervisor_reverses_a_payment(client, session, debt, agent_h, as_user):
    made = client.post(f"/api/v1/debts/{debt.id}/payments", headers=agent_h, json={
        "amount_cents": 2500, "paid_on": day(), "reference": "TX-1", "method": "ach"}).get_json()
    path = f"/api/v1/payments/{made['id']}/reversal"
    assert client.post(path, headers=agent_h, json={"reason": "Bounced"}).status_code == 403
    _, boss = as_user("supervisor")
    assert client.post(path, headers=boss, json={"reason": " "}).status_code == 422
    done = client.post(path, headers=boss, json={"reason": "Bounced"})
    assert done.status_code == 201
    assert (done.get_json()["amount_cents"], done.get_json()["reverses_payment_id"]) == (
        -2500, made["id"])
    assert client.post(path, headers=boss, json={"reason": "Again"}).status_code == 409
    assert session.get(DebtAccount, debt.id).balance_cents == 100_000


def test_promises_are_taken_and_listed_with_their_status(client, debt, agent_h):
    resp = client.post(f"/api/v1/debts/{debt.id}/promises", headers=agent_h,
                       json={"amount_cents": 5000, "due_on": day(3)})
    assert resp.status_code == 201
    assert client.post(f"/api/v1/debts/{debt.id}/promises", headers=agent_h,
                       json={"amount_cents": 5000, "due_on": day(-3)}).status_code == 422
    listed = client.get(f"/api/v1/debts/{debt.id}/promises", headers=agent_h).get_json()
    assert [(p["amount_cents"], p["status"]) for p in listed["items"]] == [(5000, "open")]
    client.post(f"/api/v1/debts/{debt.id}/payments", headers=agent_h, json={
        "amount_cents": 5000, "paid_on": day(), "reference": "TX-2", "method": "card"})
    listed = client.get(f"/api/v1/debts/{debt.id}/promises", headers=agent_h).get_json()
    assert [p["status"] for p in listed["items"]] == ["kept"]


def test_a_plan_runs_on_the_account(client, debt, agent_h):
    resp = client.post(f"/api/v1/debts/{debt.id}/plans", headers=agent_h, json={
        "instalment_cents": 10_000, "frequency": "monthly", "first_due_on": day(1),
        "count": 3})
    assert resp.status_code == 201, resp.get_json()
    assert client.get(f"/api/v1/debts/{debt.id}", headers=agent_h).get_json()[
        "status"] == "payment_plan"
    promises = client.get(f"/api/v1/debts/{debt.id}/promises", headers=agent_h).get_json()
    assert [p["plan_id"] for p in promises["items"]] == [resp.get_json()["id"]] * 3
    again = client.post(f"/api/v1/debts/{debt.id}/plans", headers=agent_h, json={
        "instalment_cents": 10_000, "frequency": "weekly", "first_due_on": day(1),
        "count": 1})
    assert again.status_code == 409


def test_a_deep_settlement_is_signed_off_by_a_reviewer(client, session, debt, as_user):
    _, collector = as_user("collections")
    _, reviewer = as_user("reviewer")
    offered = client.post(f"/api/v1/debts/{debt.id}/settlements", headers=collector, json={
        "amount_cents": 50_000, "as": "promise", "due_on": day(14)})
    assert offered.status_code == 201, offered.get_json()
    body = offered.get_json()
    assert (body["status"], body["terms"]["as"]) == ("pending", "promise")
    approved = client.post(f"/api/v1/decisions/{body['decision_id']}/approve",
                           headers=reviewer, json={})
    assert approved.status_code == 200
    assert session.get(Settlement, body["id"]).status == "applied"
    assert session.scalars(select(Promise.amount_cents)).all() == [50_000]
    small = client.post(f"/api/v1/debts/{debt.id}/settlements", headers=collector, json={
        "amount_cents": 95_000, "as": "bogus"})
    assert small.status_code == 422


def test_an_accounts_settlements_are_listed_newest_first(client, debt, as_user):
    _, collector = as_user("collections")
    assert client.get(f"/api/v1/debts/{debt.id}/settlements",
                      headers=collector).get_json() == {"items": []}
    near = client.post(f"/api/v1/debts/{debt.id}/settlements", headers=collector, json={
        "amount_cents": 95_000, "as": "plan", "frequency": "monthly",
        "first_due_on": day(7), "count": 3}).get_json()
    deep = client.post(f"/api/v1/debts/{debt.id}/settlements", headers=collector, json={
        "amount_cents": 50_000, "as": "promise", "due_on": day(14)}).get_json()
    # A third while the deep one waits for sign-off: refused, so two can never both be approved.
    third = client.post(f"/api/v1/debts/{debt.id}/settlements", headers=collector, json={
        "amount_cents": 60_000, "as": "promise", "due_on": day(14)})
    assert third.status_code == 409
    assert third.get_json()["error"]["code"] == "settlement_pending"
    listed = client.get(f"/api/v1/debts/{debt.id}/settlements", headers=collector)
    assert listed.status_code == 200
    assert [(s["id"], s["amount_cents"], s["status"]) for s in listed.get_json()["items"]] == [
        (deep["id"], 50_000, "pending"), (near["id"], 95_000, near["status"])]


def test_the_same_payment_posted_twice_at_once_is_posted_once(app, session, debt, agent_h):
    from concurrent.futures import ThreadPoolExecutor

    body = {"amount_cents": 1000, "paid_on": day(), "reference": "RACE-1", "method": "card"}

    def send(_):
        with app.test_client() as c:
            return c.post(f"/api/v1/debts/{debt.id}/payments", headers=agent_h,
                          json=body).status_code

    with ThreadPoolExecutor(4) as pool:
        codes = sorted(pool.map(send, range(4)))
    assert codes == [200, 200, 200, 201]
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Payment)) == 1
    assert session.get(DebtAccount, debt.id).balance_cents == 99_000


@pytest.mark.parametrize(("path", "bad", "said"), [
    ("payments", {"amount_cents": 2_000_000},
     "The payment is more than the balance (USD 1,000.00)"),
    # Two days ahead: still ahead of the server's day if midnight passes mid-test.
    ("payments", {"paid_on": +2}, "The payment's date cannot be in the future"),
    ("payments", {"paid_on": "2026-13-01"}, "The payment's date must be a valid date"),
    ("promises", {"due_on": +400},
     "The promise's date must be between today and a year from now"),
    ("promises", {"amount_cents": 2_000_000},
     "The promise is more than the balance (USD 1,000.00)")])
def test_refusals_speak_the_users_words_and_show_money(client, debt, agent_h, path, bad,
                                                       said):
    # A whole number is a day counted from today, read when the test runs (not collected).
    bad = {k: day(v) if k.endswith("_on") and isinstance(v, int) else v for k, v in bad.items()}
    body = {"amount_cents": 2500, "paid_on": day(), "due_on": day(3), "reference": "TX-2",
            "method": "card", **bad}
    if path == "promises":
        body = {k: body[k] for k in ("amount_cents", "due_on")}
    else:
        body.pop("due_on")
    resp = client.post(f"/api/v1/debts/{debt.id}/{path}", headers=agent_h, json=body)
    assert resp.status_code == 422, resp.get_json()
    err = resp.get_json()["error"]
    assert err["code"] == "invalid"
    assert said in err["message"]
    assert "cents" not in err["message"] and "_on" not in err["message"]


def test_payments_are_listed_by_the_day_paid_newest_first(client, debt, agent_h):
    url = f"/api/v1/debts/{debt.id}/payments"
    # Keyed in out of order: a late entry for an earlier day takes its place by that day.
    for ref, offset in (("P-MID", -5), ("P-NEW", -1), ("P-OLD", -20)):
        made = client.post(url, headers=agent_h, json={"amount_cents": 1000, "paid_on": day(offset),
                                                       "reference": ref, "method": "card"})
        assert made.status_code == 201, made.get_json()
    listed = client.get(url, headers=agent_h).get_json()["items"]
    assert [p["reference"] for p in listed] == ["P-NEW", "P-MID", "P-OLD"]


def test_a_reviewer_sees_what_a_settlement_sign_off_signs(client, debt, as_user):
    _, collector = as_user("collections")
    _, reviewer = as_user("reviewer")
    offered = client.post(f"/api/v1/debts/{debt.id}/settlements", headers=collector, json={
        "amount_cents": 60_000, "as": "promise", "due_on": day(14)}).get_json()
    client.post(f"/api/v1/cases/{debt.case_id}/decisions", headers=collector,
                json={"kind": "write_off", "summary": "Write off the fees",
                      "amount_cents": 4_000})
    waiting = client.get("/api/v1/decisions", headers=reviewer).get_json()["items"]
    by_kind = {d["kind"]: d for d in waiting}
    assert by_kind["write_off"]["settlement"] is None
    asked = by_kind["settlement_offer"]["settlement"]
    assert asked == {"settlement_id": offered["id"], "debt_id": debt.id,
                     "account_number": "ACC-9", "creditor": "Acme Bank", "currency": "USD",
                     "amount_cents": 60_000, "balance_cents": 100_000, "discount_pct": 40.0,
                     "terms": {"as": "promise", "due_on": day(14)}}


def test_promises_a_settlement_superseded_are_still_listed(client, debt, as_user):
    _, collector = as_user("collections")
    _, reviewer = as_user("reviewer")
    earlier = client.post(f"/api/v1/debts/{debt.id}/promises", headers=collector,
                          json={"amount_cents": 10_000, "due_on": day(7)})
    assert earlier.status_code == 201, earlier.get_json()
    offered = client.post(f"/api/v1/debts/{debt.id}/settlements", headers=collector, json={
        "amount_cents": 50_000, "as": "promise", "due_on": day(14)}).get_json()
    assert client.post(f"/api/v1/decisions/{offered['decision_id']}/approve",
                       headers=reviewer, json={}).status_code == 200
    listed = client.get(f"/api/v1/debts/{debt.id}/promises", headers=collector)
    assert listed.status_code == 200, listed.get_json()
    by_amount = {p["amount_cents"]: p["status"] for p in listed.get_json()["items"]}
    assert by_amount == {10_000: "superseded", 50_000: "open"}


def test_a_payment_answers_what_it_was_applied_to(client, debt, agent_h):
    plan = client.post(f"/api/v1/debts/{debt.id}/plans", headers=agent_h, json={
        "instalment_cents": 10_000, "frequency": "weekly", "first_due_on": day(),
        "count": 4}).get_json()
    client.post(f"/api/v1/debts/{debt.id}/promises", headers=agent_h,
                json={"amount_cents": 10_000, "due_on": day()})
    resp = client.post(f"/api/v1/debts/{debt.id}/payments", headers=agent_h, json={
        "amount_cents": 10_000, "paid_on": day(), "reference": "AP-1", "method": "card"})
    assert resp.status_code == 201
    first = client.get(f"/api/v1/debts/{debt.id}/promises", headers=agent_h).get_json()[
        "items"][0]
    assert first["plan_id"] == plan["id"]
    [applied] = resp.get_json()["applied_to"]
    assert (applied["promise_id"], applied["amount_cents"], applied["instalment"],
            applied["instalments"], applied["due_on"]) == (first["id"], 10_000, 1, 4, day())
    assert applied["text"].startswith("instalment 1 of 4 due ")
    listed = client.get(f"/api/v1/debts/{debt.id}/payments", headers=agent_h).get_json()
    assert listed["items"][0]["applied_to"] == [applied]
