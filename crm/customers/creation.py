"""A customer and their case created by hand (someone who rang a personal line, a walk-in)."""

from __future__ import annotations

from zoneinfo import available_timezones

from sqlalchemy.orm import Session

from crm.core import audit, events
from crm.core.errors import Conflict, Invalid, NotFound
from crm.customers import identity
from crm.models import Case, ContactPoint, Customer, User
from crm.tenancy import access

MAX_CONTACTS = 10
MAX_NAME = 200


def create(session: Session, actor: User, *, display_name: str, phones=(), emails=(),
           timezone: str | None = None, language: str | None = None,
           client_id: int | None = None, region: str = "US") -> tuple[Customer, Case]:
    """A new customer of one of the actor's clients, with their contact points and their case;
    a phone or email that is already someone's is refused (merge instead). Audited."""
    client_id = _client(actor, client_id)
    name = " ".join(display_name.split()) if isinstance(display_name, str) else ""
    if not name or len(name) > MAX_NAME:
        raise Invalid(f"a customer needs a name of 1-{MAX_NAME} characters")
    if timezone and timezone not in available_timezones():
        raise Invalid(f"unknown timezone {timezone!r}")
    points = _points(phones, emails, region)
    for kind, value in points:
        owner = identity.find_customer(session, client_id, kind, value)
        if owner is not None:
            raise Conflict(f"{value} already belongs to customer {owner.id}; open that "
                           "customer instead", code="contact_taken")
    customer = Customer(client_id=client_id, display_name=name,
                        search_name=identity.search_key(name), timezone=timezone or None,
                        language=(language or "").strip() or None)
    session.add(customer)
    session.flush()
    for kind, value in points:
        session.add(ContactPoint(client_id=client_id, customer_id=customer.id, kind=kind,
                                 value=value))
    case = Case(client_id=client_id, customer_id=customer.id,
                reference=identity.new_case_reference())
    session.add(case)
    session.flush()
    session.refresh(customer, ["contact_points"])
    audit.record(session, actor, "customer.created", customer,
                 after={"display_name": name, "contacts": [f"{k}:{v}" for k, v in points],
                        "case": case.reference, "by_hand": True})
    events.emit(session, events.CASE_UPDATED, case_id=case.id, client_id=client_id)
    return customer, case


def _client(actor: User, client_id: int | None) -> int:
    # The named client must be the actor's; someone of one client need not name it.
    ids = access.client_ids(actor)
    if client_id is None:
        if len(ids) != 1:
            raise Invalid("you work for several clients: say which one (client_id)")
        return next(iter(ids))
    if client_id not in ids:
        raise NotFound("client not found")
    return client_id


def _points(phones, emails, region: str) -> list[tuple[str, str]]:
    """Each phone and email normalised, without repeats; Invalid for one that is not."""
    if not isinstance(phones, list | tuple) or not isinstance(emails, list | tuple):
        raise Invalid("phones and emails must be lists")
    if len(phones) + len(emails) > MAX_CONTACTS:
        raise Invalid(f"at most {MAX_CONTACTS} phones and emails")
    out = []
    for kind, raws in (("phone", phones), ("email", emails)):
        for raw in raws:
            if not isinstance(raw, str) or not raw.strip():
                raise Invalid(f"each of the {kind}s must be text")
            out.append(identity.normalise_contact(raw, region, kind))
    return list(dict.fromkeys(out))
