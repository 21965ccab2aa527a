"""Clients (tenants) and their branding: admins create them; a client admin sees their own.

A client is never deleted: the audit trail (append-only) keeps referring to it. It is
archived instead: its staff lose it (crm.models.User.client_ids), its addresses stop taking
work (crm.tenancy.clients.owner_of), and an admin can restore it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.admin import scope
from crm.admin.checks import Problems, conflict, text
from crm.admin.resource import listed
from crm.core import audit, events
from crm.core.errors import Conflict
from crm.models import Client, User
from crm.models.base import utcnow

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,63}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# The form's names; the colour is the model's brand_colour.
BRANDING = ("colour", "logo_url", "greeting")
COLUMN = {"colour": "brand_colour"}
# What a client admin may change of their own client; the slug (in URLs and imports) is
# an admin's.
THEIRS = ("name", "require_two_factor", *BRANDING)


def listing(session: Session, actor, archived: bool = False,
            audited: bool = True) -> list[Client]:
    """The clients the actor administers, by name (archived ones too when asked); the read
    audited unless its page view was (audited=False)."""
    stmt = scope.restrict(select(Client), actor, Client.id).order_by(Client.name, Client.id)
    if not archived:
        stmt = stmt.where(Client.archived_at.is_(None))
    rows = list(session.scalars(stmt))
    listed(session, actor, "client", None, len(rows), audited)
    return rows


def get(session: Session, actor, client_id: int) -> Client:
    """One client the actor administers."""
    return scope.client(session, actor, client_id)


def _checked(problems: Problems, fields: dict) -> dict:
    out = {}
    if "slug" in fields:
        out["slug"] = str(fields["slug"] or "").strip().lower()
        if not SLUG.match(out["slug"]):
            problems.add("slug", "Use 2-64 lower-case letters, digits and hyphens.")
    if "name" in fields:
        out["name"] = text(problems, "name", fields["name"], at_most=200)
    if "require_two_factor" in fields:
        out["require_two_factor"] = bool(fields["require_two_factor"])
    return {**out, **branding(problems, fields)}


def branding(problems: Problems, fields: dict) -> dict:
    """The colour, logo and greeting given, checked (an empty one: None, to clear it)."""
    out = {}
    if fields.get("colour"):
        out["colour"] = fields["colour"].strip()
        if not COLOUR.match(out["colour"]):
            problems.add("colour", "A colour as #rrggbb, like #1a73e8.")
    if fields.get("logo_url"):
        out["logo_url"] = fields["logo_url"].strip()
        parts = urlsplit(out["logo_url"])
        if parts.scheme != "https" or not parts.netloc or len(out["logo_url"]) > 500:
            problems.add("logo_url", "An https:// address of the logo (up to 500 characters).")
    if fields.get("greeting"):
        out["greeting"] = text(problems, "greeting", fields["greeting"], at_most=300)
    for key in BRANDING:  # an empty value clears it
        if key in fields and not fields[key]:
            out[key] = None
    return out


def _taken(session: Session, slug: str, but: int | None = None) -> None:
    stmt = select(Client.id).where(Client.slug == slug)
    if but is not None:
        stmt = stmt.where(Client.id != but)
    if session.scalar(stmt) is not None:
        raise conflict("slug", f"A client with the slug {slug} already exists.")


def create(session: Session, actor, fields: dict) -> Client:
    """A new client (admins only); audited."""
    scope.require_admin(actor, "create clients")
    problems = Problems()
    values = _checked(problems, {"slug": "", "name": "", **fields})
    problems.raise_any()
    _taken(session, values["slug"])
    client = Client(**{COLUMN.get(k, k): v for k, v in values.items()})
    session.add(client)
    session.flush()
    audit.record(session, actor, "client.created", client, object_type="client",
                 client_id=client.id, after=_shown(client))
    return client


def update(session: Session, actor, client_id: int, fields: dict) -> Client:
    """Change a client's name, branding or sign-in rule (slug: admins only); audited."""
    client = scope.client(session, actor, client_id)
    if "slug" in fields and not scope.is_admin(actor):
        scope.require_admin(actor, "change a client's slug")
    problems = Problems()
    values = _checked(problems, fields)
    problems.raise_any()
    if "slug" in values:
        _taken(session, values["slug"], but=client.id)
    before = _shown(client)
    for key, value in values.items():
        setattr(client, COLUMN.get(key, key), value)
    session.flush()
    audit.record(session, actor, "client.changed", client, object_type="client",
                 client_id=client.id, before=before, after=_shown(client))
    return client


def archive(session: Session, actor, client_id: int) -> Client:
    """Let a client go (admins only): kept for the audit trail, out of every list, its
    addresses refusing work and its staff without it; audited."""
    scope.require_admin(actor, "archive clients")
    client = scope.client(session, actor, client_id)
    if client.archived_at is not None:
        raise Conflict(f"{client.name} is already archived.", code="archived")
    client.archived_at = utcnow()
    session.flush()
    audit.record(session, actor, "client.archived", client, object_type="client",
                 client_id=client.id, after={"archived_at": client.archived_at.isoformat()})
    # Staff left with no client lose their open sockets at once, as with a revoked token.
    for user in session.scalars(select(User).where(User.clients.any(Client.id == client.id))):
        if user.clients_archived:
            events.emit(session, events.ACCESS_ENDED, user_id=user.id)
    return client


def restore(session: Session, actor, client_id: int) -> Client:
    """Take a client back (admins only): its staff and addresses work again; audited."""
    scope.require_admin(actor, "restore clients")
    client = scope.client(session, actor, client_id)
    if client.archived_at is None:
        raise Conflict(f"{client.name} is not archived.", code="not_archived")
    before = {"archived_at": client.archived_at.isoformat()}
    client.archived_at = None
    session.flush()
    audit.record(session, actor, "client.restored", client, object_type="client",
                 client_id=client.id, before=before)
    return client


def _shown(client: Client) -> dict:
    return {k: getattr(client, COLUMN.get(k, k)) for k in ("slug", *THEIRS)}


