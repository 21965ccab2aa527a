"""Finding customers from one search box: phone in any format, email, reference, name.

Every branch is an index lookup. All exact identifiers (E.164 phone, email, case reference,
account, claim and policy numbers, investigation references) are tried in ONE query; when any
hits, that is the answer. Only otherwise come the end of a phone number (a prefix range over
reversed digits) and name-word prefixes (a prefix range over one key per word of the folded
name). An investigation reference finds its case only for whoever may see the investigation
(crm.fraud.visibility): for anyone else it finds nothing, as an unknown reference would.

Results page by offset (a results page: "Next" while there are more), one kind of match at a
time: past the last exact hit is the end, not the start of the name matches.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sqlalchemy import Select, bindparam, literal, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from crm.core import db
from crm.core.errors import Invalid
from crm.customers.identity import normalise_email, normalise_phone, search_key
from crm.fraud import visibility
from crm.models import (
    Case,
    Claim,
    ContactPoint,
    Customer,
    CustomerNameKey,
    DebtAccount,
    Investigation,
    User,
)
from crm.models.workspace import reversed_digits
from crm.tenancy import access

MAX_RESULTS = 50
MIN_PHONE_DIGITS = 4
_PHONEISH = re.compile(r"^\+?[\s()\-.\d]+$")


@dataclass(frozen=True)
class Hit:
    """One search result: the customer, their case id and why they matched."""

    customer: Customer
    case_id: int
    matched: str
    case_reference: str = ""


@dataclass(frozen=True)
class ResultsPage:
    """One page of search results, and whether another follows."""

    items: list[Hit]
    page: int
    per_page: int
    has_more: bool


def search_customers(session: Session, actor: User, q: str, *, region: str = "US",
                     limit: int = 20, with_contacts: bool = False, offset: int = 0
                     ) -> list[Hit]:
    """Customers of the actor's clients matching q, best matches first."""
    text = (q or "").strip()
    if not text:
        return []
    if len(text) > 200:
        raise Invalid("search text is too long")
    limit = max(1, min(limit, MAX_RESULTS + 1))
    clients = sorted(access.client_ids(actor))
    if not clients:
        return []
    phone = _phone_or_none(text, region)
    email = _email_or_none(text)
    every = visibility.may_see(actor)  # else only investigations assigned to the actor
    # One round trip for every exact identifier at once, customers and case ids included.
    params = {"clients": clients, "text": text, "upper": text.upper(), "phone": phone,
              "email": email, "me": actor.id}
    stages = [(_exact_stmt(phone is not None, email is not None, every), params)]
    stages += [(_partial_stmt(kind), {"clients": clients, **_range(value)})
               for kind, value in _partial(text)]
    for stmt, given in stages:
        hits = _hydrate(session, stmt, {**given, "limit": limit, "offset": offset},
                        with_contacts)
        if hits:
            return hits
        if offset and _hydrate(session, stmt, {**given, "limit": 1, "offset": 0}, False):
            return []  # past the last hit of the kind that answers this text
    return []


def results_page(session: Session, actor: User, q: str, *, page: int = 1, per_page: int = 20,
                 region: str = "US") -> ResultsPage:
    """A page of search results (the results page), with their contact points."""
    if not 1 <= page <= 1000 or not 1 <= per_page <= MAX_RESULTS:
        raise Invalid(f"page is 1-1000; per_page is 1-{MAX_RESULTS}")
    hits = search_customers(session, actor, q, region=region, limit=per_page + 1,
                            offset=(page - 1) * per_page, with_contacts=True)
    return ResultsPage(hits[:per_page], page, per_page, len(hits) > per_page)


def _hydrate(session: Session, stmt: Select, params: dict, with_contacts: bool) -> list[Hit]:
    """Customers and case ids of a prepared search, by rank, without repeats.

    Read with Core and adopted as session objects: the ORM's loading machinery cost more CPU
    than the indexed query itself, on every keystroke.
    """
    session.flush()  # Core does not autoflush
    width = len(_CUSTOMERS.c)
    hits: dict[int, Hit] = {}
    for row in session.connection().execute(stmt, params):
        customer = db.adopt(session, Customer, row[:width])
        hits.setdefault(customer.id, Hit(customer, row[width], row[width + 1], row[width + 2]))
    if with_contacts and hits:
        _attach_contact_points(session, [h.customer for h in hits.values()])
    return list(hits.values())


def _attach_contact_points(session: Session, customers: list[Customer]) -> None:
    """Load the customers' contact points in one query (what selectinload would do)."""
    found: dict[int, list[ContactPoint]] = {c.id: [] for c in customers}
    for cp in session.scalars(select(ContactPoint).where(
            ContactPoint.customer_id.in_(list(found))).order_by(ContactPoint.id)):
        found[cp.customer_id].append(cp)
    for customer in customers:
        set_committed_value(customer, "contact_points", found[customer.id])


_CUSTOMERS, _CASES = Customer.__table__, Case.__table__


def _customers_of(found) -> Select:
    """(customer columns.., case id, matched) for a subquery of (id, matched, sort), by rank."""
    return (select(*_CUSTOMERS.c, _CASES.c.id, found.c.matched, _CASES.c.reference)
            .select_from(_CUSTOMERS.join(found, found.c.id == _CUSTOMERS.c.id)
                         .join(_CASES, _CASES.c.customer_id == _CUSTOMERS.c.id))
            .where(_CUSTOMERS.c.merged_into_id.is_(None))
            .order_by(found.c.sort, _CUSTOMERS.c.id))


# Statements are built once per shape with bound parameters: building SQLAlchemy constructs
# on every keystroke cost more than the indexed queries themselves.
@functools.cache
def _exact_stmt(with_phone: bool, with_email: bool, every_investigation: bool) -> Select:
    """One select per exact identifier the text could be, as one UNION ALL of customer ids.

    Each branch reads only the table that holds the identifier (and cases, for the customer
    behind an account or claim); customers and their case are joined once, outside. On
    PostgreSQL, planning a union of joins through customers cost more than running it.
    """
    clients = bindparam("clients", expanding=True)

    def ids(column, rank: int, matched: str) -> Select:
        return select(column.label("id"), literal(matched).label("matched"),
                      literal(rank).label("sort"))

    found = []
    for wanted, rank, kind in ((with_phone, 0, "phone"), (with_email, 1, "email")):
        if wanted:
            found.append(ids(ContactPoint.customer_id, rank, kind).where(
                ContactPoint.kind == kind, ContactPoint.value == bindparam(kind),
                ContactPoint.client_id.in_(clients)))
    upper, text = bindparam("upper"), bindparam("text")
    found.append(ids(Case.customer_id, 2, "case").where(
        Case.reference == upper, Case.client_id.in_(clients)))
    found.append(ids(Customer.id, 3, "account").where(
        Customer.external_ref == text, Customer.client_id.in_(clients)))
    found.append(ids(Case.customer_id, 4, "account").join(
        DebtAccount, DebtAccount.case_id == Case.id).where(
        DebtAccount.account_number == text, DebtAccount.client_id.in_(clients)))
    found.append(ids(Case.customer_id, 5, "claim").join(Claim, Claim.case_id == Case.id).where(
        Claim.number == upper, Claim.client_id.in_(clients)))
    found.append(ids(Case.customer_id, 6, "policy").join(Claim, Claim.case_id == Case.id).where(
        or_(Claim.policy_number == text, Claim.policy_number == upper),
        Claim.client_id.in_(clients)))
    investigation = ids(Case.customer_id, 7, "investigation").join(
        Investigation, Investigation.case_id == Case.id).where(
        or_(Investigation.reference == text, Investigation.reference == upper),
        Investigation.client_id.in_(clients))
    if not every_investigation:
        investigation = investigation.where(Investigation.assigned_to_id == bindparam("me"))
    found.append(investigation)
    return (_customers_of(union_all(*found).subquery()).limit(bindparam("limit"))
            .offset(bindparam("offset")))


@functools.cache
def _partial_stmt(kind: str) -> Select:
    """The end of a phone number (reversed digits) or a name-word prefix, as an index range.

    The range reads only its key table, limited first (a short prefix matches thousands);
    a merge moves the duplicate's numbers and drops its name keys, so no merged customer
    takes a place in the limit.
    """
    table = ContactPoint if kind == "phone" else CustomerNameKey
    column = ContactPoint.digits_rev if kind == "phone" else CustomerNameKey.key
    found = (select(table.customer_id.label("id"), literal(kind).label("matched"),
                    column.label("sort"))
             .where(table.client_id.in_(bindparam("clients", expanding=True)),
                    column >= bindparam("low"), column < bindparam("high"))
             .order_by(column).limit(bindparam("limit") + bindparam("offset")).subquery())
    return _customers_of(found).offset(bindparam("offset"))


def _partial(text: str):
    """(kind, prefix) to try for partial input, by precedence."""
    if _PHONEISH.match(text):
        digits = reversed_digits(text)
        if digits and len(digits) >= MIN_PHONE_DIGITS:
            # The agent typed the end of a number (or all of it in a format we did not parse).
            yield "phone", digits
        return
    key = search_key(text)
    if key:
        yield "name", key


def _range(prefix: str) -> dict:
    # A half-open range instead of LIKE: every database uses a plain index for it.
    return {"low": prefix, "high": prefix[:-1] + chr(ord(prefix[-1]) + 1)}


def _phone_or_none(text: str, region: str) -> str | None:
    if not _PHONEISH.match(text):
        return None
    try:
        return normalise_phone(text, region)
    except Invalid:
        return None


def _email_or_none(text: str) -> str | None:
    if "@" not in text:
        return None
    try:
        return normalise_email(text)
    except Invalid:
        return None
