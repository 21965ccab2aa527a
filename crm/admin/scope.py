"""Who may administer what: an admin every client, a client admin only their own clients."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import Session

from crm.core.errors import Forbidden, NotFound
from crm.models import Client, User

CLIENT_ADMIN = "client_admin"


def is_admin(actor: User) -> bool:
    """True for a full admin (every client, shared settings, new clients)."""
    return "admin" in (actor.roles or [])


def require(actor: User) -> None:
    """Refuse anyone who administers nothing."""
    if not (is_admin(actor) or CLIENT_ADMIN in (actor.roles or [])):
        raise Forbidden("this needs the admin or client admin role")


def require_admin(actor: User, what: str) -> None:
    """Refuse anyone but a full admin."""
    require(actor)
    if not is_admin(actor):
        raise Forbidden(f"only an admin can {what}")


def client_ids(actor: User) -> set[int] | None:
    """The clients the actor administers; None for every client (an admin)."""
    require(actor)
    return None if is_admin(actor) else set(actor.client_ids)


def restrict(stmt: Select, actor: User, column) -> Select:
    """A query limited to the rows of the clients the actor administers."""
    ids = client_ids(actor)
    return stmt if ids is None else stmt.where(column.in_(ids))


def client(session: Session, actor: User, client_id: int | None) -> Client:
    """A client the actor administers, or NotFound by the client_id field."""
    ids = client_ids(actor)
    found = session.get(Client, client_id) if isinstance(client_id, int) else None
    if found is None or (ids is not None and found.id not in ids):
        raise NotFound("client not found", fields={"client_id": "No such client."})
    return found


def visible(actor: User, obj, what: str):
    """obj when it belongs to a client the actor administers (shared rows: admins only)."""
    ids = client_ids(actor)
    if obj is None or (ids is not None and obj.client_id not in ids):
        raise NotFound(f"{what} not found")
    return obj


def owning_client(session: Session, actor: User, client_id: int | None) -> int | None:
    """The client a new row is for: one the actor administers, or None (every client's,
    admins only)."""
    if client_id is None:
        require_admin(actor, "make a setting shared by every client")
        return None
    return client(session, actor, client_id).id
