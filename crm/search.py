"""Finding customers from one search box: phone in any format, email, reference, name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import access
from crm.errors import Invalid
from crm.identity import normalise_email, normalise_phone, search_key
from crm.models import Case, Claim, ContactPoint, Customer, DebtAccount, User

MAX_RESULTS = 50
_PHONEISH = re.compile(r"^[\s()+\-.\d]{7,}$")


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
    clients = access.client_ids(actor)
    found: dict[int, str] = {}
    for matched, stmt in _candidates(text, region):
        stmt = stmt.where(Customer.client_id.in_(clients), Customer.merged_into_id.is_(None))
        for cid in session.scalars(stmt.limit(limit)):
            found.setdefault(cid, matched)
        if len(found) >= limit:
            break
    if not found:
        return []
    rows = session.execute(
        select(Customer, Case.id).join(Case, Case.customer_id == Customer.id)
        .where(Customer.id.in_(list(found)))
    ).all()
    by_id = {c.id: (c, case_id) for c, case_id in rows}
    return [Hit(by_id[cid][0], by_id[cid][1], found[cid]) for cid in found if cid in by_id]


def _candidates(text: str, region: str):
    """(what matched, a select of customer ids) in order of precedence."""
    ids = select(Customer.id)
    if _PHONEISH.match(text):
        try:
            e164 = normalise_phone(text, region)
            yield "phone", ids.join(ContactPoint).where(ContactPoint.kind == "phone",
                                                        ContactPoint.value == e164)
        except Invalid:
            pass
        digits = re.sub(r"\D", "", text)
        yield "phone", ids.join(ContactPoint).where(ContactPoint.kind == "phone",
                                                    ContactPoint.value.contains(digits))
    email = _email_or_none(text)
    if email:
        yield "email", ids.join(ContactPoint).where(ContactPoint.kind == "email",
                                                    ContactPoint.value == email)
    upper = text.upper()
    yield "case", ids.join(Case, Case.customer_id == Customer.id).where(Case.reference == upper)
    yield "account", ids.where(Customer.external_ref == text)
    yield "account", ids.join(Case, Case.customer_id == Customer.id).join(
        DebtAccount, DebtAccount.case_id == Case.id).where(DebtAccount.account_number == text)
    yield "claim", ids.join(Case, Case.customer_id == Customer.id).join(
        Claim, Claim.case_id == Case.id).where(Claim.number == upper)
    key = search_key(text)
    yield "name", ids.where(Customer.search_name.startswith(key)).order_by(Customer.search_name)
    yield "name", ids.where(Customer.search_name.contains(" " + key)).order_by(
        Customer.search_name)


def _email_or_none(text: str) -> str | None:
    if "@" not in text:
        return None
    try:
        return normalise_email(text)
    except Invalid:
        return None
