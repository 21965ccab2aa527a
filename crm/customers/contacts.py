"""Staff editing a customer's contact points: add, label, record consent, remove."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.core import audit, events
from crm.core.errors import Conflict, Invalid
from crm.customers import identity
from crm.customers.details import CONTACT_MEDIA
from crm.models import ContactPoint, ContactRestriction, User, utcnow
from crm.tenancy import access

MAX_LABEL = 64


def add(session: Session, actor: User, customer_id: int, raw: str, *, kind: str | None = None,
        label: str | None = None, region: str = "US") -> ContactPoint:
    """Another phone or email for a customer the actor sees (someone else's is refused)."""
    customer = cases.get_customer(session, actor, customer_id)
    if not isinstance(raw, str) or not raw.strip():
        raise Invalid("give a phone number or an email address")
    if kind not in (None, "phone", "email"):
        raise Invalid("kind must be phone or email")
    kind, value = identity.normalise_contact(raw, region, kind)
    owner = identity.find_customer(session, customer.client_id, kind, value)
    if owner is not None and owner.id != customer.id:
        raise Conflict(f"{value} already belongs to customer {owner.id}; merge them instead",
                       code="contact_taken")
    if owner is not None:
        raise Conflict(f"{value} is already one of this customer's", code="duplicate")
    point = identity.add_contact_point(session, actor, customer, value, region)
    if label:
        point.label = _label(label)
    session.flush()
    return point


def change(session: Session, actor: User, point_id: int, *, label=None,
           consents: dict | None = None) -> ContactPoint:
    """Relabel a contact point or record the customer's consent per medium; audited."""
    point = _visible(session, actor, point_id)
    before = {"label": point.label, "consents": dict(point.consents or {})}
    if label is not None:
        point.label = _label(label) if label.strip() else None
    if consents is not None:
        if not isinstance(consents, dict) or set(consents) - set(CONTACT_MEDIA) or not all(
                isinstance(v, bool) for v in consents.values()):
            raise Invalid(f"consents maps {', '.join(CONTACT_MEDIA)} to true or false")
        current = dict(point.consents or {})
        for medium, given in consents.items():
            if given:
                current.setdefault(medium, utcnow().isoformat())
            else:
                current.pop(medium, None)
        point.consents = current  # reassign: JSON columns track replacement, not mutation
    session.flush()
    audit.record(session, actor, "contact_point.changed", point, object_type="contact_point",
                 client_id=point.client_id, before=before,
                 after={"label": point.label, "consents": point.consents})
    events.emit(session, events.CUSTOMER_UPDATED, customer_id=point.customer_id)
    return point


def remove(session: Session, actor: User, point_id: int) -> None:
    """Take a wrong or old contact point off a customer; audited. One carrying an opt-out or
    a restriction stays: removing it would forget what the customer asked."""
    point = _visible(session, actor, point_id)
    if point.opt_outs:
        raise Conflict("this contact point has an opt-out on record and is kept",
                       code="has_opt_out")
    if session.scalar(select(ContactRestriction.id).where(
            ContactRestriction.contact_point_id == point.id).limit(1)) is not None:
        raise Conflict("a contact restriction names this contact point; remove it first",
                       code="has_restriction")
    customer_id = point.customer_id
    audit.record(session, actor, "contact_point.removed", point, object_type="contact_point",
                 client_id=point.client_id, before={"kind": point.kind, "value": point.value,
                                                    "customer_id": customer_id})
    session.delete(point)
    session.flush()
    events.emit(session, events.CUSTOMER_UPDATED, customer_id=customer_id)


def _visible(session: Session, actor: User, point_id: int) -> ContactPoint:
    point = access.ensure_visible(actor, session.get(ContactPoint, point_id), "contact point")
    cases.get_customer(session, actor, point.customer_id)  # the customer's visibility rules
    return point


def _label(label) -> str:
    text = " ".join(label.split()) if isinstance(label, str) else ""
    if len(text) > MAX_LABEL:
        raise Invalid(f"a label can have at most {MAX_LABEL} characters")
    return text
