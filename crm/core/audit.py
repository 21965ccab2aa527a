"""Writing the audit trail: every change of a customer or case, every view of a sensitive one."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from crm.models import AuditEvent, User


def record(
    session: Session,
    actor: User | None,
    action: str,
    obj: Any = None,
    *,
    object_type: str | None = None,
    object_id: Any = None,
    client_id: int | None = None,
    case_id: int | None = None,
    customer_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one audit event in the caller's transaction (so it commits with the change)."""
    if obj is not None:
        object_type = object_type or obj.__tablename__.rstrip("s")
        object_id = object_id if object_id is not None else obj.id
        client_id = client_id if client_id is not None else getattr(obj, "client_id", None)
        case_id, customer_id = _owners(obj, case_id, customer_id)
    ev = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else "system",
        action=action,
        object_type=object_type or "unknown",
        object_id=str(object_id),
        client_id=client_id,
        case_id=case_id,
        customer_id=customer_id,
        before=before,
        after=after,
    )
    session.add(ev)
    return ev


def _owners(obj: Any, case_id: int | None, customer_id: int | None) -> tuple:
    # What the object itself says of its case and customer (a case is its own case).
    table = getattr(obj, "__tablename__", "")
    if table == "cases":
        return obj.id, obj.customer_id
    if table == "customers":
        return case_id, obj.id
    if case_id is None:
        case_id = getattr(obj, "case_id", None)
    if customer_id is None:
        customer_id = getattr(obj, "customer_id", None)
    return case_id, customer_id


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict:
    """The named fields of obj as JSON-friendly values, for before/after."""
    out = {}
    for f in fields:
        v = getattr(obj, f)
        out[f] = v.isoformat() if hasattr(v, "isoformat") else v
    return out
