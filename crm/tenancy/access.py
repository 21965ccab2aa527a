"""Tenant scoping: which clients' data an actor may see, enforced in every service."""

from __future__ import annotations

from sqlalchemy import Select

from crm.core.errors import Forbidden, Invalid, NotFound
from crm.models import User


def client_ids(actor: User) -> set[int]:
    """The clients whose data the actor may read or change."""
    return actor.client_ids


def client_or_only(actor: User, client_id: int | None) -> int:
    """The client named, else the actor's only one (Invalid for staff of several); whether
    the named one is theirs is the service's check."""
    if client_id is not None:
        return client_id
    ids = client_ids(actor)
    if len(ids) != 1:
        raise Invalid("client_id is required when you work for several clients")
    return next(iter(ids))


def scope(stmt: Select, actor: User, client_column) -> Select:
    """Restrict a query to the actor's clients."""
    return stmt.where(client_column.in_(client_ids(actor)))


def ensure_visible(actor: User, obj, what: str = "object"):
    """Return obj when the actor may see it; otherwise NotFound (never reveal that it exists)."""
    if obj is None or obj.client_id not in client_ids(actor):
        raise NotFound(f"{what} not found")
    return obj


def require_role(actor: User, *roles: str) -> None:
    """Refuse unless the actor holds one of the roles."""
    if not actor.has_role(*roles):
        raise Forbidden(f"this needs the role {' or '.join(roles)}")
