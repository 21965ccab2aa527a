"""Clients (tenants): the default one, and looking them up."""

from __future__ import annotations

import functools
from typing import NamedTuple

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from crm.core import db
from crm.core.errors import NotFound
from crm.models import Case, Client

DEFAULT_SLUG = "default"
# What a customer is told who contacts an archived client's number, mailbox or widget.
NO_LONGER_SERVED = ("Sorry, this service is no longer available here. Please contact the "
                    "company through its website.")


class ClientArchived(NotFound):
    """The address belongs to an archived client: it no longer takes work (410)."""

    code = "client_archived"
    status = 410


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


class Owner(NamedTuple):
    """Who an inbound contact is for: the client, the sender's case, the address's line."""

    client: Client
    case: Case | None
    line_of_work: str | None


def client_for_address(session: Session, kind: str, value: str) -> Client:
    """The client that owns an inbound address (our number, mailbox or chat widget key).

    An install with a single client needs no addresses configured: everything is its work.
    """
    return owner_of(session, kind, value).client


def owner_of(session: Session, kind: str, value: str) -> Owner:
    """client_for_address, with the line of work the address is configured for (if any)."""
    return _owner(session, _owner_query(), kind, value, {})


def client_and_case(session: Session, kind: str, value: str, contact_kind: str,
                    contact_value: str) -> Owner:
    """owner_of, and the case of that client's customer with this normalised contact point
    (None for a first contact), in one query: every inbound contact asks both."""
    return _owner(session, _owner_and_case_query(), kind, value,
                  {"contact_kind": contact_kind, "contact_value": contact_value})


def refuse_archived(session: Session, kind: str, value: str) -> None:
    """ClientArchived when the address is an archived client's (an unknown one passes: the
    channel answers that as before)."""
    try:
        owner_of(session, kind, value)
    except ClientArchived:
        raise
    except NotFound:
        pass


def _owner(session: Session, stmt, kind: str, value: str, params: dict) -> Owner:
    value = (value or "").strip()
    if value.lower().startswith("whatsapp:"):
        value = value[len("whatsapp:"):]
    if kind == "email":
        value = value.lower()
    session.flush()  # a Core read: what the session holds is in the database first
    rows = session.connection().execute(stmt, {"kind": kind, "value": value, **params}).all()
    if not rows or (rows[0].address_id is None and len(rows) > 1):
        raise NotFound(f"no client owns the {kind} address {value!r}")
    # Read with Core and adopted: these run for every inbound contact (see crm.core.db.adopt).
    # (client columns.., address id, line of work[, case columns..])
    row, n = rows[0], len(Client.__table__.c)
    client = db.adopt(session, Client, row[:n])
    if client.archived_at is not None:
        raise ClientArchived(NO_LONGER_SERVED)
    case = db.adopt(session, Case, row[n + 2:]) if len(row) > n + 2 and row[n + 2] is not None \
        else None
    return Owner(client, case, row[n + 1])


# Built once (every inbound contact runs them): the owning client first when there is one,
# else up to two clients (a single-client install owns every address).
@functools.cache
def _owner_query():
    from crm.models import InboundAddress

    clients, addresses = Client.__table__, InboundAddress.__table__
    return (
        select(*clients.c, addresses.c.id.label("address_id"), addresses.c.line_of_work)
        .outerjoin(addresses, and_(addresses.c.client_id == clients.c.id,
                                   addresses.c.kind == bindparam("kind"),
                                   addresses.c.value == bindparam("value")))
        .order_by(addresses.c.id.is_(None), clients.c.id).limit(2)
    )


@functools.cache
def _owner_and_case_query():
    from crm.models import ContactPoint

    clients, points, cases = Client.__table__, ContactPoint.__table__, Case.__table__
    # A contact point is unique per client, kind and value: at most one case per client row.
    return (
        _owner_query().add_columns(*(c.label(f"case_{c.name}") for c in cases.c))
        .outerjoin(points, and_(points.c.client_id == clients.c.id,
                                points.c.kind == bindparam("contact_kind"),
                                points.c.value == bindparam("contact_value")))
        .outerjoin(cases, cases.c.customer_id == points.c.customer_id)
    )
