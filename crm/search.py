"""Finding customers from one search box: phone in any format, email, reference, name.

Every branch is an index lookup. All exact identifiers (E.164 phone, email, case reference,
account and claim numbers) are tried in ONE query; when any hits, that is the answer. Only
otherwise come the end of a phone number (a prefix range over reversed digits) and name-word
prefixes (a prefix range over one key per word of the folded name).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass

from sqlalchemy import Select, literal, select, union_all
from sqlalchemy.orm import Session, selectinload

from crm import access
from crm.errors import Invalid
from crm.identity import normalise_email, normalise_phone, search_key
from crm.models import Case, Claim, ContactPoint, Customer, CustomerNameKey, DebtAccount, User
from crm.models.workspace import reversed_digits

MAX_RESULTS = 50
MIN_PHONE_DIGITS = 4
_PHONEISH = re.compile(r"^\+?[\s()\-.\d]+$")


@dataclass(frozen=True)
class Hit:
    """One search result: the customer, their case id and why they matched."""

    customer: Customer
    case_id: int
    matched: str


def search_customers(session: Session, actor: User, q: str, *, region: str = "US",
                     limit: int = 20, with_contacts: bool = False) -> list[Hit]:
    """Customers of the actor's clients matching q, best matches first."""
    text = (q or "").strip()
    if not text:
        return []
    if len(text) > 200:
        raise Invalid("search text is too long")
    limit = max(1, min(limit, MAX_RESULTS))
    clients = sorted(access.client_ids(actor))
    if not clients:
        return []
    exact = union_all(*_exact(text, region, clients)).subquery()
    # One round trip for every exact identifier at once, customers and case ids included.
    hits = _hydrate(session, select(exact.c.id, exact.c.matched, exact.c.rank.label("sort"))
                    .order_by(exact.c.rank).limit(limit), with_contacts)
    if hits:
        return hits
    for matched, sort, stmt in _partial(text, clients):
        inner = stmt.add_columns(literal(matched).label("matched"), sort.label("sort")).order_by(
            sort).limit(limit).subquery()
        hits = _hydrate(session, select(inner), with_contacts)
        if hits:
            return hits
    return []


def _hydrate(session: Session, ids: Select, with_contacts: bool) -> list[Hit]:
    """Customers and case ids for a select of (id, matched, sort), by sort, without repeats."""
    found = ids.subquery()
    stmt = (select(Customer, Case.id, found.c.matched)
            .join(found, found.c.id == Customer.id)
            .join(Case, Case.customer_id == Customer.id)
            .order_by(found.c.sort, Customer.id))
    if with_contacts:
        stmt = stmt.options(selectinload(Customer.contact_points))
    hits: dict[int, Hit] = {}
    for customer, case_id, matched in session.execute(stmt):
        hits.setdefault(customer.id, Hit(customer, case_id, matched))
    return list(hits.values())


def _exact(text: str, region: str, clients: list[int]) -> list[Select]:
    """One select per exact identifier the text could be: (customer id, matched, rank)."""
    upper = text.upper()

    def ids(rank: int, matched: str) -> Select:
        return select(Customer.id.label("id"), literal(matched).label("matched"),
                      literal(rank).label("rank")).where(Customer.merged_into_id.is_(None))

    found = []
    if _PHONEISH.match(text):
        with contextlib.suppress(Invalid):
            found.append(_contact(ids(0, "phone"), clients, "phone",
                                  normalise_phone(text, region)))
    email = _email_or_none(text)
    if email:
        found.append(_contact(ids(1, "email"), clients, "email", email))
    found.append(ids(2, "case").join(Case, Case.customer_id == Customer.id).where(
        Case.reference == upper, Case.client_id.in_(clients)))
    found.append(ids(3, "account").where(
        Customer.external_ref == text, Customer.client_id.in_(clients)))
    found.append(ids(4, "account").join(Case, Case.customer_id == Customer.id).join(
        DebtAccount, DebtAccount.case_id == Case.id).where(
        DebtAccount.account_number == text, DebtAccount.client_id.in_(clients)))
    found.append(ids(5, "claim").join(Case, Case.customer_id == Customer.id).join(
        Claim, Claim.case_id == Case.id).where(Claim.number == upper,
                                               Claim.client_id.in_(clients)))
    return found


def _partial(text: str, clients: list[int]):
    """(what matched, sort column, select of customer ids) for partial input, by precedence."""
    ids = select(Customer.id).where(Customer.merged_into_id.is_(None))
    if _PHONEISH.match(text):
        digits = reversed_digits(text)
        if digits and len(digits) >= MIN_PHONE_DIGITS:
            # The agent typed the end of a number (or all of it in a format we did not parse).
            yield "phone", ContactPoint.digits_rev, ids.join(ContactPoint).where(
                *_prefix(ContactPoint.digits_rev, digits), ContactPoint.client_id.in_(clients))
        return
    key = search_key(text)
    if key:
        yield "name", CustomerNameKey.key, ids.join(CustomerNameKey).where(
            CustomerNameKey.client_id.in_(clients), *_prefix(CustomerNameKey.key, key))


def _contact(stmt: Select, clients: list[int], kind: str, value: str) -> Select:
    return stmt.join(ContactPoint, ContactPoint.customer_id == Customer.id).where(
        ContactPoint.kind == kind, ContactPoint.value == value,
        ContactPoint.client_id.in_(clients))


def _prefix(column, prefix: str):
    # A half-open range instead of LIKE: every database uses a plain index for it.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return column >= prefix, column < upper


def _email_or_none(text: str) -> str | None:
    if "@" not in text:
        return None
    try:
        return normalise_email(text)
    except Invalid:
        return None
