"""Finding customers from one search box: phone in any format, email, reference, name.

Every branch is an index lookup: exact identifiers first (and nothing else when one hits),
then the end of a phone number (a prefix range over reversed digits), then name-word prefixes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

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
                     limit: int = 20) -> list[Hit]:
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
    found: dict[int, str] = {}
    for exact, matched, stmt in _candidates(text, region, clients):
        if found and not exact:
            break  # an exact identifier hit; no partial matching after it
        stmt = stmt.where(Customer.merged_into_id.is_(None))
        for cid in session.scalars(stmt.limit(limit)):
            found.setdefault(cid, matched)
        if len(found) >= limit:
            break
    return _hits(session, found)


def _hits(session: Session, found: dict[int, str]) -> list[Hit]:
    if not found:
        return []
    rows = session.execute(
        select(Customer, Case.id).join(Case, Case.customer_id == Customer.id)
        .where(Customer.id.in_(list(found)))
    ).all()
    by_id = {c.id: (c, case_id) for c, case_id in rows}
    return [Hit(by_id[cid][0], by_id[cid][1], found[cid]) for cid in found if cid in by_id]


def _candidates(text: str, region: str, clients: list[int]):
    """(exact?, what matched, a select of customer ids) in order of precedence."""
    ids = select(Customer.id)
    phoneish = bool(_PHONEISH.match(text))
    if phoneish:
        try:
            e164 = normalise_phone(text, region)
        except Invalid:
            e164 = None
        if e164:
            yield True, "phone", _contact(ids, clients, "phone", e164)
    email = _email_or_none(text)
    if email:
        yield True, "email", _contact(ids, clients, "email", email)
    upper = text.upper()
    yield True, "case", ids.join(Case, Case.customer_id == Customer.id).where(
        Case.reference == upper, Case.client_id.in_(clients))
    yield True, "account", ids.where(Customer.external_ref == text,
                                     Customer.client_id.in_(clients))
    yield True, "account", ids.join(Case, Case.customer_id == Customer.id).join(
        DebtAccount, DebtAccount.case_id == Case.id).where(
        DebtAccount.account_number == text, DebtAccount.client_id.in_(clients))
    yield True, "claim", ids.join(Case, Case.customer_id == Customer.id).join(
        Claim, Claim.case_id == Case.id).where(Claim.number == upper,
                                               Claim.client_id.in_(clients))
    digits = reversed_digits(text) if phoneish else None
    if digits and len(digits) >= MIN_PHONE_DIGITS:
        # The agent typed the end of a number (or all of it in a format we did not parse).
        yield False, "phone", ids.join(ContactPoint).where(
            *_prefix(ContactPoint.digits_rev, digits), ContactPoint.client_id.in_(clients)
        ).order_by(ContactPoint.digits_rev)
    key = search_key(text)
    if key and not phoneish:
        yield False, "name", ids.join(CustomerNameKey).where(
            CustomerNameKey.client_id.in_(clients), *_prefix(CustomerNameKey.key, key)
        ).order_by(CustomerNameKey.key)


def _contact(ids: Select, clients: list[int], kind: str, value: str) -> Select:
    return ids.join(ContactPoint).where(ContactPoint.kind == kind, ContactPoint.value == value,
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
