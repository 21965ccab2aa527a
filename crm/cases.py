"""Reading and changing cases, with tenant checks and audit."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import access, audit, events
from crm.errors import Invalid
from crm.models import Case, Customer, User, utcnow
from crm.models.customers import CASE_STATUSES, PRIORITIES

_AUDITED = ("status", "priority", "owner_id", "team_id", "flags", "sensitive", "summary")


def get(session: Session, actor: User, case_id: int, *, audit_view: bool = True) -> Case:
    """A case the actor may see; viewing a sensitive (fraud) case is audited."""
    case = access.ensure_visible(actor, session.get(Case, case_id), "case")
    if audit_view and case.sensitive:
        audit.record(session, actor, "case.viewed", case)
    return case


def get_customer(session: Session, actor: User, customer_id: int) -> Customer:
    """A customer the actor may see (a merged one resolves to its survivor)."""
    customer = access.ensure_visible(actor, session.get(Customer, customer_id), "customer")
    while customer.merged_into_id is not None:
        customer = session.get(Customer, customer.merged_into_id)
    return customer


def update(session: Session, actor: User, case_id: int, **changes) -> Case:
    """Change a case's status, priority, owner, flags or summary; audited, announced."""
    case = get(session, actor, case_id, audit_view=False)
    unknown = set(changes) - set(_AUDITED)
    if unknown:
        raise Invalid(f"cannot change {', '.join(sorted(unknown))}")
    if "status" in changes and changes["status"] not in CASE_STATUSES:
        raise Invalid(f"status must be one of {', '.join(CASE_STATUSES)}")
    if "priority" in changes and changes["priority"] not in PRIORITIES:
        raise Invalid(f"priority must be one of {', '.join(PRIORITIES)}")
    before = audit.snapshot(case, tuple(changes))
    for name, value in changes.items():
        setattr(case, name, value)
    case.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "case.updated", case, before=before,
                 after=audit.snapshot(case, tuple(changes)))
    events.emit(session, events.CASE_UPDATED, case_id=case.id, client_id=case.client_id)
    return case


def for_customer(session: Session, customer_id: int) -> Case:
    """The case of a customer id."""
    return session.scalars(select(Case).where(Case.customer_id == customer_id)).one()
