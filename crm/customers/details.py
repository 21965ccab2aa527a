"""Changing a customer's details and contact points; every change audited."""

from __future__ import annotations

from zoneinfo import available_timezones

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import instance_dict, set_committed_value

from crm.cases import records as cases
from crm.core import audit, db, events
from crm.core.errors import Invalid
from crm.customers.identity import search_key
from crm.models import ContactPoint, Customer, User, utcnow

_EDITABLE = ("display_name", "timezone", "language", "external_ref")
CONTACT_MEDIA = ("voice", "sms", "whatsapp", "email")


def update(session: Session, actor: User, customer_id: int, **changes) -> Customer:
    """Change name, timezone, language or account reference of a customer the actor sees."""
    customer = cases.get_customer(session, actor, customer_id)
    unknown = set(changes) - set(_EDITABLE)
    if unknown:
        raise Invalid(f"cannot change {', '.join(sorted(unknown))}")
    if "display_name" in changes and not (changes["display_name"] or "").strip():
        raise Invalid("a customer needs a name")
    if changes.get("timezone") and changes["timezone"] not in available_timezones():
        raise Invalid(f"unknown timezone {changes['timezone']!r}")
    before = audit.snapshot(customer, tuple(changes))
    for name, value in changes.items():
        setattr(customer, name, value.strip() if isinstance(value, str) else value)
    if "display_name" in changes:
        customer.search_name = search_key(customer.display_name)
    customer.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "customer.updated", customer, before=before,
                 after=audit.snapshot(customer, tuple(changes)))
    events.emit(session, events.CUSTOMER_UPDATED, customer_id=customer.id)
    return customer


def set_opt_out(session: Session, actor: User | None, contact: ContactPoint, medium: str,
                opted_out: bool, *, reason: str = "") -> ContactPoint:
    """Opt a contact point out of (or back into) one medium; audited."""
    if medium not in CONTACT_MEDIA:
        raise Invalid(f"medium must be one of {', '.join(CONTACT_MEDIA)}")
    before = dict(contact.opt_outs or {})
    current = dict(before)
    if opted_out:
        current.setdefault(medium, utcnow().isoformat())
    else:
        current.pop(medium, None)
    if current == before:
        return contact
    contact.opt_outs = current  # reassign: JSON columns track replacement, not mutation
    session.flush()
    audit.record(session, actor, "contact_point.opt_out" if opted_out else
                 "contact_point.opt_in", contact, object_type="contact_point",
                 client_id=contact.client_id, before={"opt_outs": before},
                 after={"opt_outs": current, "reason": reason})
    events.emit(session, events.CUSTOMER_UPDATED, customer_id=contact.customer_id)
    return contact


def is_opted_out(contact: ContactPoint, medium: str) -> bool:
    """True when the contact point has opted out of the medium."""
    return medium in (contact.opt_outs or {})


def with_contact_points(session: Session, customer_id: int) -> Customer | None:
    """A customer with its contact points loaded, in one Core read adopted as session objects
    (a screen pop asks on every call; see crm.core.db.adopt)."""
    session.flush()  # Core does not autoflush
    rows = session.connection().execute(_WITH_POINTS, {"customer_id": customer_id}).all()
    if not rows:
        return None
    width = len(_CUSTOMERS.c)
    customer = db.adopt(session, Customer, rows[0][:width])
    if "contact_points" not in instance_dict(customer):
        set_committed_value(customer, "contact_points", [
            db.adopt(session, ContactPoint, row[width:]) for row in rows
            if row[width] is not None])
    return customer


_CUSTOMERS, _POINTS = Customer.__table__, ContactPoint.__table__
_WITH_POINTS = (  # built once
    select(*_CUSTOMERS.c, *_POINTS.c)
    .select_from(_CUSTOMERS.outerjoin(_POINTS, _POINTS.c.customer_id == _CUSTOMERS.c.id))
    .where(_CUSTOMERS.c.id == bindparam("customer_id")).order_by(_POINTS.c.id))
