"""Addresses, devices and third parties recorded on a customer's profile or claim."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core import audit, events
from crm.core.errors import Invalid, NotFound
from crm.fraud.identifiers import KINDS, key_of
from crm.models import Case, Claim, Customer, FraudIdentifier, User
from crm.tenancy import access

RECORDED = tuple(k for k in KINDS if k not in ("bank_account", "phone", "email"))


def add(session: Session, actor: User | None, customer: Customer, kind: str, value: str, *,
        claim_id: int | None = None, region: str = "US") -> FraudIdentifier:
    """Record one, on the profile or on one of the customer's claims (the rules look at it
    as the transaction commits)."""
    if actor is not None:
        access.ensure_visible(actor, customer, "customer")
    if kind not in RECORDED:
        raise Invalid(f"kind must be one of {', '.join(RECORDED)}")
    claim = None
    if claim_id is not None:
        claim = session.scalar(select(Claim).join(Case, Case.id == Claim.case_id).where(
            Claim.id == claim_id, Case.customer_id == customer.id))
        if claim is None:
            raise NotFound("claim not found on this customer's case")
    value = (value or "").strip()[:500]
    key = key_of(kind, value, region)
    if not key:
        raise Invalid(f"not a usable {KINDS[kind]}: {value!r}")
    made = FraudIdentifier(client_id=customer.client_id, customer_id=customer.id,
                           claim_id=claim.id if claim else None, kind=kind, value=value,
                           key=key[:500])
    session.add(made)
    session.flush()
    audit.record(session, actor, "fraud_identifier.added", made, client_id=customer.client_id,
                 after={"customer_id": customer.id, "kind": kind, "value": value})
    events.emit(session, events.CUSTOMER_UPDATED, customer_id=customer.id,
                client_id=customer.client_id)
    return made
