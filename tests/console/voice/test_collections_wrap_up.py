"""Collections dispositions on a call's wrap-up: a promise to pay asks its amount and day."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from crm.models import DebtAccount, Interaction, Promise, utcnow

CALL = "CA" + "e" * 32


@pytest.fixture
def debt(session, case):
    debt = DebtAccount(client_id=case.client_id, case_id=case.id, account_number="ACC-9",
                       balance_cents=100_000)
    session.add(debt)
    session.commit()
    return debt


def day(offset=0) -> str:
    return (utcnow().date() + timedelta(days=offset)).isoformat()


def test_a_promise_to_pay_on_wrap_up_needs_its_amount_and_day(client, session, debt, case,
                                                              auth_agent, live_call):
    item = session.get(Interaction, live_call)
    item.case_id, item.meta = case.id, {**item.meta, "queue": "collections"}
    session.commit()
    wrap = f"/api/v1/calls/{live_call}/wrap-up"
    missing = client.post(wrap, headers=auth_agent, json={"disposition": "promise_to_pay"})
    assert missing.status_code == 422
    assert session.get(Interaction, live_call).disposition is None
    session.rollback()
    done = client.post(wrap, headers=auth_agent, json={
        "disposition": "promise_to_pay", "amount_cents": 7000, "due_on": day(2)})
    assert done.status_code == 200, done.get_json()
    assert session.scalars(select(Promise.amount_cents)).all() == [7000]


@pytest.fixture
def auth_agent(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_dispute_on_wrap_up_marks_the_account(client, session, debt, case, auth_agent,
                                                live_call):
    item = session.get(Interaction, live_call)
    item.case_id, item.meta = case.id, {**item.meta, "queue": "collections"}
    session.commit()
    codes = client.get(f"/api/v1/calls/{live_call}/dispositions", headers=auth_agent)
    assert "cease_request" in [c["code"] for c in codes.get_json()["items"]]
    done = client.post(f"/api/v1/calls/{live_call}/wrap-up", headers=auth_agent,
                       json={"disposition": "dispute", "notes": "Says it is not theirs"})
    assert done.status_code == 200
    debt = session.get(DebtAccount, debt.id)
    assert (debt.disputed, debt.status) == (True, "disputed")


@pytest.mark.parametrize("queue", [None, "general"])
def test_a_call_on_a_case_under_collection_offers_the_collections_codes(
        client, session, debt, case, auth_agent, live_call, queue):
    # A call placed from the case carries no queue; an inbound one may be on "general".
    item = session.get(Interaction, live_call)
    meta = {k: v for k, v in item.meta.items() if k != "queue"}
    item.case_id, item.meta = case.id, {**meta, **({"queue": queue} if queue else {})}
    session.commit()
    codes = client.get(f"/api/v1/calls/{live_call}/dispositions", headers=auth_agent)
    assert codes.status_code == 200
    offered = [c["code"] for c in codes.get_json()["items"]]
    assert {"promise_to_pay", "resolved"} <= set(offered)
    assert codes.get_json()["items"][0]["line_of_work"] == "collections"
    done = client.post(f"/api/v1/calls/{live_call}/wrap-up", headers=auth_agent, json={
        "disposition": "promise_to_pay", "amount_cents": 5000, "due_on": day(3)})
    assert done.status_code == 200, done.get_json()
    assert session.scalars(select(Promise.amount_cents)).all() == [5000]


def test_a_call_on_a_case_whose_debt_is_finished_keeps_its_queue_codes(
        client, session, debt, case, auth_agent, live_call):
    debt.status = "paid"
    item = session.get(Interaction, live_call)
    item.case_id, item.meta = case.id, {**item.meta, "queue": "general"}
    session.commit()
    codes = client.get(f"/api/v1/calls/{live_call}/dispositions", headers=auth_agent)
    offered = [c["code"] for c in codes.get_json()["items"]]
    assert "resolved" in offered and "promise_to_pay" not in offered
    refused = client.post(f"/api/v1/calls/{live_call}/wrap-up", headers=auth_agent,
                          json={"disposition": "promise_to_pay"})
    assert refused.status_code == 422
