"""Clients (tenants): the default one, and looking them up."""

from __future__ import annotations

import functools

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from crm.errors import NotFound
from crm.models import Client

DEFAULT_SLUG = "default"


def clients_by_slug(session: Session, slugs) -> list[Client]:
    """The named clients, or every client when none are named (a single-client install)."""
    if not slugs:
        return list(session.scalars(select(Client).order_by(Client.id)))
    found = list(session.scalars(select(Client).where(Client.slug.in_(list(slugs)))))
    missing = set(slugs) - {c.slug for c in found}
    if missing:
        raise NotFound(f"no client with slug {', '.join(sorted(missing))}")
    return found


def default_client(session: Session) -> Client:
    """The client of a single-client install (created by the first migration)."""
    client = session.scalars(select(Client).where(Client.slug == DEFAULT_SLUG)).first()
    if client is None:
        client = Client(slug=DEFAULT_SLUG, name="Default client")
        session.add(client)
        session.flush()
    return client


def get_or_create(session: Session, slug: str, name: str) -> Client:
    """A client by slug, created when missing."""
    client = session.scalars(select(Client).where(Client.slug == slug)).first()
    if client is None:
        client = Client(slug=slug, name=name)
        session.add(client)
        session.flush()
    return client


def client_for_address(session: Session, kind: str, value: str) -> Client:
    """The client that owns an inbound address (our number, mailbox or chat widget key).

    An install with a single client needs no addresses configured: everything is its work.
    """
    value = (value or "").strip()
    if value.lower().startswith("whatsapp:"):
        value = value[len("whatsapp:"):]
    if kind == "email":
        value = value.lower()
    rows = session.execute(_owner_query(), {"kind": kind, "value": value}).all()
    if rows and (rows[0][1] is not None or len(rows) == 1):
        return rows[0][0]
    raise NotFound(f"no client owns the {kind} address {value!r}")


@functools.cache
def _owner_query():
    # One query, built once (every inbound contact runs it): the owning client first when
    # there is one, else up to two clients (a single-client install owns every address).
    from crm.models import InboundAddress

    return (
        select(Client, InboundAddress.id)
        .outerjoin(InboundAddress, and_(InboundAddress.client_id == Client.id,
                                        InboundAddress.kind == bindparam("kind"),
                                        InboundAddress.value == bindparam("value")))
        .order_by(InboundAddress.id.is_(None), Client.id).limit(2)
    )
