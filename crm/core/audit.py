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
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEvent:
    """Append one audit event in the caller's transaction (so it commits with the change)."""
    if obj is not None:
        object_type = object_type or obj.__tablename__.rstrip("s")
        object_id = object_id if object_id is not None else obj.id
        client_id = client_id if client_id is not None else getattr(obj, "client_id", None)
    ev = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else "system",
        action=action,
        object_type=object_type or "unknown",
        object_id=str(object_id),
        client_id=client_id,
        before=before,
        after=after,
    )
    session.add(ev)
    return ev


def snapshot(obj: Any, fields: tuple[str, ...]) -> dict:
    """The named fields of obj as JSON-friendly values, for before/after."""
    out = {}
    for f in fields:
        v = getattr(obj, f)
        out[f] = v.isoformat() if hasattr(v, "isoformat") else v
    return out
