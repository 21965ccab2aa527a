"""The collections worklist: debt accounts the guardrail lets us contact now, most urgent first.

Priority is a sum of points, each shown on the row as a reason, so an agent can see why an
account is where it is:

- balance: 1 point per 100 of the currency's major unit, at most 30;
- ageing (days since `delinquent_since`): 1-30 days 5, 31-60 10, 61-90 15, over 90 20;
- each broken promise 10, at most 30;
- each promise or plan instalment due today or earlier and still open 25, at most 50 (money
  that should have come in: the first call of the day).

Ties go to the larger balance. Filtering happens in SQL: debts under collection, no account
of the case with an attorney, a cease request or a dispute awaiting validation, and a
customer whose profile time zone is one of those where it is now 08:00-21:00 (computed here,
in Python, for every zone). Customers without a zone on their profile are left out until one
is set. What SQL cannot tell (their numbers' zones, the times they named) decides next: an
account nobody may contact now is neither listed nor counted. A listed row says why a call
would still be refused (their "don't call me", 7 in 7 days), if it would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import Integer, and_, case, func, literal, not_, or_, select
from sqlalchemy.orm import Session, aliased

from crm import guardrails
from crm.cases.digest import CLOSED
from crm.core.errors import Invalid
from crm.guardrails import collections
from crm.models import (
    Case,
    ContactPoint,
    ContactRestriction,
    Customer,
    DebtAccount,
    Promise,
    User,
    utcnow,
)
from crm.tenancy import access

BUCKETS = ("current", "1-30", "31-60", "61-90", "90+")
BUCKET_POINTS = {"current": 0, "1-30": 5, "31-60": 10, "61-90": 15, "90+": 20}
# Statuses a listed account can have (disputed and ceased ones are never due for contact);
# time_barred also finds accounts past their limitations date, whatever their status says.
STATUSES = ("active", "payment_plan", "time_barred")
PER_PAGE, MAX_PER_PAGE = 50, 200
VIEWERS = ("collections", "supervisor")
# Reaching the customer at all (no medium's own limits): what "contactable now" means.
ANY_MEDIUM = guardrails.Medium("any", "none")
Held = aliased(DebtAccount)


@dataclass(frozen=True)
class Row:
    """One account on the worklist, with the reasons for its place."""

    debt: DebtAccount
    case: Case
    score: int
    reasons: list[str]
    ageing_bucket: str
    days_past_due: int
    calls_left: int | None
    blocked_reason: str | None  # why a call now would still be refused, if it would
    status: str  # as the status filter reads it: time-barred by date too


@dataclass(frozen=True)
class Page:
    """One page of the worklist and the size of the whole."""

    items: list[Row]
    total: int
    page: int
    per_page: int
    pages: int
    zones_in_hours: int = field(default=0)


def bucket_of(delinquent_since: date | None, today: date) -> tuple[str, int]:
    """(ageing bucket, days past due) of an account."""
    days = max(0, (today - delinquent_since).days) if delinquent_since else 0
    for name, upto in (("current", 0), ("1-30", 30), ("31-60", 60), ("61-90", 90)):
        if days <= upto:
            return name, days
    return "90+", days


def zones_in_hours(now: datetime) -> list[str]:
    """Every IANA zone where the wall clock now reads 08:00-20:59."""
    return [z for z in _zones() if collections.DAY_STARTS <= now.astimezone(
        ZoneInfo(z)).time() < collections.DAY_ENDS]


def due_now(session: Session, actor: User, *, page: int = 1, per_page: int = PER_PAGE,
            client_id: int | None = None, bucket: str | None = None,
            status: str | None = None, now: datetime | None = None) -> Page:
    """The page of accounts due for contact now, most urgent first."""
    access.require_role(actor, *VIEWERS)
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise Invalid(f"page starts at 1; per_page is 1-{MAX_PER_PAGE}")
    if bucket is not None and bucket not in BUCKETS:
        raise Invalid(f"bucket must be one of {', '.join(BUCKETS)}")
    if status is not None and status not in STATUSES:
        raise Invalid(f"status must be one of {', '.join(STATUSES)}")
    now = now or utcnow()
    today = now.date()
    clients = access.client_ids(actor)
    if client_id is not None:
        clients = clients & {client_id}
    zones = zones_in_hours(now)
    points = _points(today)
    stmt = (select(DebtAccount, Case, *points.values())
            .join(Case, Case.id == DebtAccount.case_id)
            .join(Customer, Customer.id == Case.customer_id)
            .where(DebtAccount.client_id.in_(clients), DebtAccount.status.not_in(CLOSED),
                   # The guardrail reads every account of the case: one with an attorney, a
                   # cease request or a dispute awaiting validation stops contact on all.
                   not_(select(Held.id).where(Held.case_id == DebtAccount.case_id,
                                              Held.status.not_in(CLOSED), _holds_back(Held))
                        .exists()),
                   Customer.timezone.in_(zones)))
    if bucket is not None:
        stmt = stmt.where(_in_bucket(bucket, today))
    if status == "time_barred":
        stmt = stmt.where(_time_barred(today))
    elif status is not None:  # exactly that status: a time-barred account is listed as such
        stmt = stmt.where(DebtAccount.status == status, not_(_time_barred(today)))
    score = sum(points.values(), literal(0))
    rows = session.execute(stmt.order_by(score.desc(), DebtAccount.balance_cents.desc(),
                                         DebtAccount.id)).all()
    # What SQL cannot tell (the zones of their numbers, the times they named) the guardrail
    # tells for each: the count and the pages hold only accounts it lets us contact now.
    reachable = _reachable(session, rows, stmt, set(zones), now)
    total = len(reachable)
    voice = guardrails.describe("voice")
    items = []
    for debt, case_, *values in reachable[(page - 1) * per_page:page * per_page]:
        got = dict(zip(points, values, strict=True))
        name, days = bucket_of(debt.delinquent_since, today)
        items.append(Row(debt, case_, sum(got.values()), _reasons(debt, got, name, days), name,
                         days, collections.calls_left(session, case_, now),
                         call_refusal(session, case_, voice, now),
                         "time_barred" if collections.time_barred(debt, today)
                         else debt.status))
    return Page(items, total, page, per_page, math.ceil(total / per_page), len(zones))


def _reachable(session: Session, rows: list, stmt, in_hours: set[str], now: datetime) -> list:
    """The rows whose customer the guardrail lets us contact now (any medium). Most pass on
    what two queries tell (every number's zone in hours, no time or place named); only the
    rest are put to the guardrail itself, one by one."""
    customers = stmt.with_only_columns(Case.customer_id).subquery()
    phones: dict[int, list[str]] = {}
    for customer_id, value in session.execute(select(
            ContactPoint.customer_id, ContactPoint.value).where(
            ContactPoint.customer_id.in_(select(customers.c.customer_id)),
            ContactPoint.kind == "phone")):
        phones.setdefault(customer_id, []).append(value)
    named = set(session.scalars(select(ContactRestriction.customer_id).where(
        ContactRestriction.customer_id.in_(select(customers.c.customer_id))).distinct()))
    return [row for row in rows
            if (row[1].customer_id not in named
                and all(zone in in_hours for value in phones.get(row[1].customer_id, ())
                        for zone in collections.number_zones(value)))
            or guardrails.reason(session, row[1], ANY_MEDIUM, now=now) is None]


def call_refusal(session: Session, case_: Case, voice, now: datetime) -> str | None:
    """Why no number of the customer may be called now (their "don't call me" included), or
    None when one may."""
    phones = [p for p in case_.customer.contact_points if p.kind == "phone"]
    why = None
    for point in phones or [None]:
        why = guardrails.reason(session, case_, voice, point=point, now=now)
        if why is None:
            return None
    return why


def _holds_back(debt):
    """An account that stops all contact on its case (attorney, cease, unvalidated dispute)."""
    return or_(debt.attorney_represented, debt.ceased,
               and_(or_(debt.disputed, debt.status == "disputed"), debt.validated_on.is_(None)))


def _time_barred(today: date):
    """Past its statute of limitations, or marked so (as crm.guardrails.collections)."""
    sol = DebtAccount.statute_of_limitations_on
    return or_(DebtAccount.status == "time_barred", and_(sol.is_not(None), sol < today))


def _points(today: date) -> dict:
    """The score's parts as SQL expressions, labelled (see the module's docstring)."""
    balance = DebtAccount.balance_cents // 10_000
    ageing = case(*[(_in_bucket(b, today), BUCKET_POINTS[b]) for b in BUCKETS[1:]], else_=0)
    broken = _count(Promise.status == "broken")
    due = _count(Promise.status == "open", Promise.due_on <= today)
    return {
        "balance": case((balance > 30, 30), (balance < 0, 0), else_=balance).label("p_balance"),
        "ageing": ageing.label("p_ageing"),
        "broken": case((broken > 3, 30), else_=broken * 10).label("p_broken"),
        "due": case((due > 2, 50), else_=due * 25).label("p_due"),
    }


def _count(*where):
    return (select(func.count(Promise.id)).where(Promise.debt_account_id == DebtAccount.id,
                                                 *where)
            .correlate(DebtAccount).scalar_subquery()).cast(Integer)


def _in_bucket(bucket: str, today: date):
    since = DebtAccount.delinquent_since
    if bucket == "current":
        return or_(since.is_(None), since >= today)
    lo, hi = {"1-30": (1, 30), "31-60": (31, 60), "61-90": (61, 90), "90+": (91, None)}[bucket]
    older = since <= today - timedelta(days=lo)
    return older if hi is None else and_(older, since >= today - timedelta(days=hi))


def _reasons(debt: DebtAccount, got: dict, bucket: str, days: int) -> list[str]:
    out = []
    if got["due"]:
        due = got["due"] // 25
        out.append(f"{due}{' or more' if due == 2 else ''} promise or instalment due and "
                   f"unpaid (+{got['due']})")
    if got["broken"]:
        broken = got["broken"] // 10
        out.append(f"{broken}{' or more' if broken == 3 else ''} broken "
                   f"promise{'s' if broken > 1 else ''} (+{got['broken']})")
    if got["ageing"]:
        out.append(f"{days} days past due, {bucket} (+{got['ageing']})")
    if got["balance"]:
        out.append(f"balance {debt.balance_cents / 100:,.2f} {debt.currency} "
                   f"(+{got['balance']})")
    return out or ["no arrears yet"]


@lru_cache(maxsize=1)
def _zones() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))
