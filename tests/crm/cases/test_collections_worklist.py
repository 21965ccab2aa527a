"""The collections worklist: only accounts the guardrail allows now, paged, filtered, ordered
by an explained priority (fixed clocks across time zones)."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from crm.cases import collections_worklist as worklist
from crm.core.errors import Forbidden, Invalid
from crm.customers import identity
from crm.guardrails import restrictions
from crm.models import Case, Customer, DebtAccount, Promise

NOON_NY = datetime(2026, 11, 30, 17, 0, tzinfo=UTC)  # 12:00 New York, 02:00 Tokyo
TODAY = NOON_NY.date()
counter = iter(range(1, 100_000))


@pytest.fixture
def collector(make_user):
    """A collections agent of the default client."""
    return make_user("collections")


def account(session, client, *, zone="America/New_York", balance=10_000, since=None,
            **fields) -> DebtAccount:
    """A debtor (email only, so their profile zone is the only one) with one account."""
    n = next(counter)
    customer, case, _ = identity.find_or_create(session, client.id, f"d{n}@example.com",
                                                display_name=f"Debtor {n}")
    session.get(Customer, customer.id).timezone = zone
    debt = DebtAccount(client_id=client.id, case_id=case.id, account_number=f"A-{n}",
                       balance_cents=balance, delinquent_since=since, **fields)
    session.add(debt)
    session.commit()
    return debt


def promise(session, debt, due_on, status="open"):
    session.add(Promise(client_id=debt.client_id, case_id=debt.case_id,
                        debt_account_id=debt.id, amount_cents=1000, due_on=due_on,
                        status=status))
    session.commit()


def ids(page):
    return [r.debt.id for r in page.items]


def test_only_accounts_the_guardrail_allows_at_this_hour(session, default_client, collector):
    ny = account(session, default_client)
    tokyo = account(session, default_client, zone="Asia/Tokyo")  # 02:00 there
    no_zone = account(session, default_client, zone=None)
    barred = [account(session, default_client, attorney_represented=True),
              account(session, default_client, ceased=True),
              account(session, default_client, disputed=True),
              account(session, default_client, status="paid")]
    validated = account(session, default_client, disputed=True, validated_on=TODAY)
    page = worklist.due_now(session, collector, now=NOON_NY)
    assert sorted(ids(page)) == sorted([ny.id, validated.id])
    assert page.items[0].blocked_reason is None and page.items[0].calls_left == 7
    # Twelve hours later Tokyo is at work and New York asleep.
    later = worklist.due_now(session, collector, now=NOON_NY + timedelta(hours=12))
    assert ids(later) == [tokyo.id]
    assert no_zone.id not in ids(later) and not {d.id for d in barred} & set(ids(later))


def test_the_priority_is_explained_and_orders_the_list(session, default_client, collector):
    small = account(session, default_client, balance=5_000)  # 50.00: no points
    big = account(session, default_client, balance=2_000_000)  # capped at 30
    old = account(session, default_client, balance=5_000, since=TODAY - timedelta(days=120))
    broken = account(session, default_client, balance=5_000)
    promise(session, broken, TODAY - timedelta(days=10), "broken")
    promise(session, broken, TODAY - timedelta(days=40), "broken")
    due = account(session, default_client, balance=5_000)
    promise(session, due, TODAY)  # due today, open
    promise(session, due, TODAY + timedelta(days=3))  # not yet due: no points
    page = worklist.due_now(session, collector, now=NOON_NY)
    assert ids(page) == [big.id, due.id, old.id, broken.id, small.id]
    by_id = {r.debt.id: r for r in page.items}
    assert by_id[big.id].score == 30
    assert by_id[big.id].reasons == ["balance 20,000.00 USD (+30)"]
    assert by_id[due.id].reasons == ["1 promise or instalment due and unpaid (+25)"]
    assert (by_id[old.id].ageing_bucket, by_id[old.id].days_past_due) == ("90+", 120)
    assert by_id[old.id].reasons == ["120 days past due, 90+ (+20)"]
    assert by_id[broken.id].reasons == ["2 broken promises (+20)"]
    assert by_id[small.id].reasons == ["no arrears yet"]


def test_paging_has_no_cap_and_says_how_many(session, default_client, collector):
    made = [account(session, default_client, balance=100_000 * (n + 1)) for n in range(7)]
    first = worklist.due_now(session, collector, per_page=3, now=NOON_NY)
    assert (first.total, first.pages, len(first.items)) == (7, 3, 3)
    seen = []
    for n in (1, 2, 3):
        seen += ids(worklist.due_now(session, collector, page=n, per_page=3, now=NOON_NY))
    assert len(seen) == 7 and set(seen) == {d.id for d in made}
    assert ids(worklist.due_now(session, collector, page=4, per_page=3, now=NOON_NY)) == []


@pytest.mark.parametrize(("bucket", "days"), [("current", 0), ("1-30", 1), ("1-30", 30),
                                              ("31-60", 31), ("61-90", 90), ("90+", 91)])
def test_the_ageing_bucket_filter(session, default_client, collector, bucket, days):
    inside = account(session, default_client, since=TODAY - timedelta(days=days))
    account(session, default_client, since=TODAY - timedelta(days=days + 400))
    account(session, default_client, since=None if days else TODAY - timedelta(days=2))
    page = worklist.due_now(session, collector, bucket=bucket, now=NOON_NY)
    assert inside.id in ids(page)
    assert all(r.ageing_bucket == bucket for r in page.items)


def test_the_client_and_status_filters(session, default_client, other_client, make_user):
    mine = account(session, default_client)
    plan = account(session, default_client, status="payment_plan")
    theirs = account(session, other_client)
    both = make_user("supervisor", clients=[default_client, other_client])
    assert sorted(ids(worklist.due_now(session, both, now=NOON_NY))) == sorted(
        [mine.id, plan.id, theirs.id])
    assert ids(worklist.due_now(session, both, client_id=other_client.id, now=NOON_NY)) == [
        theirs.id]
    assert ids(worklist.due_now(session, both, status="payment_plan", now=NOON_NY)) == [plan.id]
    only_mine = make_user("collections")
    assert theirs.id not in ids(worklist.due_now(session, only_mine, now=NOON_NY))
    assert ids(worklist.due_now(session, only_mine, client_id=other_client.id,
                                now=NOON_NY)) == []


def test_time_barred_finds_accounts_past_their_limitations_date_too(session, default_client,
                                                                   collector):
    account(session, default_client)
    by_status = account(session, default_client, status="time_barred")
    by_date = account(session, default_client, status="payment_plan",
                      statute_of_limitations_on=NOON_NY.date() - timedelta(days=1))
    found = ids(worklist.due_now(session, collector, status="time_barred", now=NOON_NY))
    assert sorted(found) == sorted([by_status.id, by_date.id])


def test_bad_filters_and_roles_are_refused(session, default_client, collector, agent):
    with pytest.raises(Forbidden):
        worklist.due_now(session, agent)
    for bad in ({"bucket": "ancient"}, {"status": "closed"}, {"status": "disputed"},
                {"page": 0}, {"per_page": 1000}):
        with pytest.raises(Invalid):
            worklist.due_now(session, collector, **bad)


def test_accounts_nobody_may_contact_now_are_neither_listed_nor_counted(
        session, default_client, collector):
    listed = account(session, default_client)
    # The profile says New York but the number is in Tokyo, where it is 02:00.
    tokyo_phone = account(session, default_client)
    identity.add_contact_point(session, None, _customer(session, tokyo_phone), "+81312345678")
    # A second account of the same case holds contact back on the first too.
    sibling = account(session, default_client)
    session.add(DebtAccount(client_id=sibling.client_id, case_id=sibling.case_id,
                            account_number="A-ceased", balance_cents=500, ceased=True,
                            status="ceased"))
    lawyered = account(session, default_client)
    session.add(DebtAccount(client_id=lawyered.client_id, case_id=lawyered.case_id,
                            account_number="A-lawyer", balance_cents=500,
                            attorney_represented=True))
    # They said "not around lunchtime"; it is noon for them.
    busy = account(session, default_client)
    restrictions.add(session, collector, _customer(session, busy).id, starts=time(11),
                     ends=time(13), note="not around lunchtime")
    # A time named for another hour does not hold them back.
    later = account(session, default_client)
    restrictions.add(session, collector, _customer(session, later).id, starts=time(18),
                     ends=time(20))
    session.commit()
    page = worklist.due_now(session, collector, now=NOON_NY)
    assert sorted(ids(page)) == sorted([listed.id, later.id])
    assert (page.total, page.pages) == (2, 1)


def test_a_row_only_a_call_is_refused_for_says_why(session, default_client, collector):
    debt = account(session, default_client)
    customer = _customer(session, debt)
    point = identity.add_contact_point(session, None, customer, "+12125550123")
    session.commit()
    assert worklist.due_now(session, collector, now=NOON_NY).items[0].blocked_reason is None
    restrictions.record_opt_out(session, collector, point.id, "voice", note="stop calling")
    session.commit()
    page = worklist.due_now(session, collector, now=NOON_NY)
    # Still contactable (an email may go), so listed and counted, but no call.
    assert (ids(page), page.total) == ([debt.id], 1)
    assert page.items[0].blocked_reason == "opted out of calls"


def test_the_status_filter_matches_exactly(session, default_client, collector):
    active = account(session, default_client)
    barred_active = account(session, default_client,
                            statute_of_limitations_on=TODAY - timedelta(days=1))
    barred_plan = account(session, default_client, status="payment_plan",
                          statute_of_limitations_on=TODAY - timedelta(days=1))
    plan = account(session, default_client, status="payment_plan",
                   statute_of_limitations_on=TODAY + timedelta(days=1))
    assert ids(worklist.due_now(session, collector, status="active", now=NOON_NY)) == [
        active.id]
    assert ids(worklist.due_now(session, collector, status="payment_plan", now=NOON_NY)) == [
        plan.id]
    barred = worklist.due_now(session, collector, status="time_barred", now=NOON_NY)
    assert sorted(ids(barred)) == sorted([barred_active.id, barred_plan.id])
    assert {r.status for r in barred.items} == {"time_barred"}


def _customer(session, debt) -> Customer:
    return session.scalars(select(Customer).join(Case, Case.customer_id == Customer.id)
                           .where(Case.id == debt.case_id)).one()
