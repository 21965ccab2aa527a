"""Fraud rings: linking customers who act together (escalations: crm.fraud.investigations).

A link says two customers act together (shared bank account, same claim story, one device)
and why; a ring is everyone reachable through links. Only fraud investigators and
supervisors link or unlink; every change is audited, and both customers' panes update.
"""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.core import audit, db, events
from crm.core.errors import Conflict, Invalid, NotFound, required_text
from crm.models import Case, Customer, CustomerLink, User
from crm.tenancy import access

LINKERS = ("fraud", "supervisor")
RING_AT_MOST = 50


def link(session: Session, actor: User, customer_id: int, other: str, reason: str
         ) -> CustomerLink:
    """Link a customer to another (given by case reference or customer id) with a reason."""
    access.require_role(actor, *LINKERS)
    one = cases.get_customer(session, actor, customer_id)
    two = _other(session, actor, other)
    if two.id == one.id:
        raise Invalid("a customer cannot be linked to themselves")
    if two.client_id != one.client_id:
        raise Invalid("customers of different clients cannot be linked")
    reason = required_text(reason, "say why they are linked (reason)")
    low, high = sorted((one.id, two.id))
    # One statement: two investigators linking the same pair at once get one link, one 409.
    made = db.insert_unless_exists(session, CustomerLink, {
        "client_id": one.client_id, "customer_id": low, "other_id": high, "reason": reason,
        "created_by_id": actor.id}, ["customer_id", "other_id"])
    if made is None:
        raise Conflict(f"{one.display_name} and {two.display_name} are already linked",
                       code="already_linked")
    audit.record(session, actor, "customer.linked", one, client_id=one.client_id,
                 after={"other_id": two.id, "reason": reason})
    for customer_id_ in (one.id, two.id):
        events.emit(session, events.CUSTOMER_UPDATED, customer_id=customer_id_)
    return made


def unlink(session: Session, actor: User, customer_id: int, other_id: int) -> None:
    """Remove a link (a mistaken one); audited."""
    access.require_role(actor, *LINKERS)
    one = cases.get_customer(session, actor, customer_id)
    if not 0 < other_id < 2**63:
        raise NotFound("customer not found")
    # The id the link was made with may since have been merged into another: follow it.
    other_id = cases.get_customer(session, actor, other_id).id
    low, high = sorted((one.id, other_id))
    found = session.scalars(select(CustomerLink).where(
        CustomerLink.customer_id == low, CustomerLink.other_id == high)).first()
    if found is None:
        raise NotFound("these customers are not linked")
    session.delete(found)
    audit.record(session, actor, "customer.unlinked", one, client_id=one.client_id,
                 before={"other_id": other_id, "reason": found.reason})
    for customer_id_ in (low, high):
        events.emit(session, events.CUSTOMER_UPDATED, customer_id=customer_id_)


def ring(session: Session, customer_id: int) -> list[tuple[Customer, str, Customer | None]]:
    """Everyone linked to this customer directly or through others: (customer, the reason of
    the link that reached them, whom it linked them to when not this customer), nearest first
    (at most RING_AT_MOST)."""
    seen, frontier, found = {customer_id}, [customer_id], []
    while frontier and len(found) < RING_AT_MOST:
        rows = session.execute(select(CustomerLink).where(or_(
            CustomerLink.customer_id.in_(frontier), CustomerLink.other_id.in_(frontier)))
            .order_by(CustomerLink.id)).scalars()
        frontier = []
        for row in rows:
            for near, far in ((row.customer_id, row.other_id), (row.other_id, row.customer_id)):
                if near in seen and far not in seen:
                    seen.add(far)
                    frontier.append(far)
                    found.append((far, row.reason, near))
    people = {c.id: c for c in session.scalars(select(Customer).where(
        Customer.id.in_([f for f, _, _ in found] + [n for _, _, n in found])))}
    return [(people[f], reason, None if near == customer_id else people.get(near))
            for f, reason, near in found[:RING_AT_MOST] if f in people]


def _other(session: Session, actor: User, other: str) -> Customer:
    # Unknown, and another client's, read exactly alike (status and words): a reference or
    # id of a case this actor cannot see is never confirmed to exist.
    text = (other or "").strip()
    missing = NotFound("no customer or case with that reference or id that you can see")
    if text.isascii() and text.isdigit():
        if not 0 < int(text) < 2**63:
            raise missing
        customer_id = int(text)
    else:
        customer_id = session.scalar(select(Case.customer_id).where(
            Case.reference == text.upper(), Case.client_id.in_(access.client_ids(actor))))
    if not customer_id:
        raise missing
    try:
        return cases.get_customer(session, actor, customer_id)
    except NotFound:
        raise missing from None

