"""Clients (tenants) and their branding."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from console.api.admin.common import AdminIn, change, read, read_list
from console.api.core.blueprint import api, bp
from console.api.core.schemas import Out
from crm.admin import clients


class ClientIn(AdminIn):
    """A new client."""

    slug: str = Field(max_length=64, description="2-64 lower-case letters, digits, hyphens")
    name: str = Field(max_length=200)
    colour: str | None = Field(default=None, max_length=7, description="#rrggbb")
    logo_url: str | None = Field(default=None, max_length=500, description="https:// only")
    greeting: str | None = Field(default=None, max_length=300)
    require_two_factor: bool = False


class ClientPatch(AdminIn):
    """Changes to a client (the slug: admins only)."""

    slug: str | None = Field(default=None, max_length=64)
    name: str | None = Field(default=None, max_length=200)
    colour: str | None = Field(default=None, max_length=7)
    logo_url: str | None = Field(default=None, max_length=500)
    greeting: str | None = Field(default=None, max_length=300)
    require_two_factor: bool | None = None


class ClientOut(Out):
    """A client."""

    id: int
    slug: str
    name: str
    colour: str | None = Field(default=None, validation_alias="brand_colour")
    logo_url: str | None = None
    greeting: str | None = None
    require_two_factor: bool
    archived_at: datetime | None = Field(default=None,
                                         description="set while archived (no longer served)")
    created_at: datetime


class ClientListQuery(BaseModel):
    """Which clients to list."""

    archived: bool = Field(default=False, description="include archived clients")


class ClientList(BaseModel):
    """The clients you administer."""

    items: list[ClientOut]


@api.route(bp, "/admin/clients", summary="The clients you administer", query=ClientListQuery,
           response=ClientList, tags=["admin"], errors=(403,))
def admin_list_clients(query: ClientListQuery):
    """Admins: every client; client admins: their own (archived ones only when asked)."""
    return ClientList(items=[ClientOut.model_validate(c)
                             for c in read_list(clients.listing, query.archived)])


@api.route(bp, "/admin/clients", "POST", summary="Create a client", body=ClientIn,
           response=ClientOut, status=201, tags=["admin"], errors=(403, 409))
def admin_create_client(body: ClientIn):
    """A new client with its branding (admins only)."""
    return ClientOut.model_validate(change(clients.create, body.given()))


@api.route(bp, "/admin/clients/<int:client_id>", summary="A client", response=ClientOut,
           tags=["admin"], errors=(403,))
def admin_get_client(client_id: int):
    """One client you administer."""
    return ClientOut.model_validate(read(clients.get, client_id))


@api.route(bp, "/admin/clients/<int:client_id>", "PATCH", summary="Change a client",
           body=ClientPatch, response=ClientOut, tags=["admin"], errors=(403, 409))
def admin_update_client(client_id: int, body: ClientPatch):
    """Its name, branding or two-factor rule (the slug: admins only)."""
    return ClientOut.model_validate(change(clients.update, client_id, body.given()))


@api.route(bp, "/admin/clients/<int:client_id>", "DELETE", summary="Archive a client",
           response=ClientOut, tags=["admin"], errors=(403, 409))
def admin_archive_client(client_id: int):
    """Kept for the audit trail, but its staff lose it and its addresses stop taking work."""
    return ClientOut.model_validate(change(clients.archive, client_id))


@api.route(bp, "/admin/clients/<int:client_id>/restore", "POST",
           summary="Restore an archived client", response=ClientOut, tags=["admin"],
           errors=(403, 409))
def admin_restore_client(client_id: int):
    """Its staff and addresses work again."""
    return ClientOut.model_validate(change(clients.restore, client_id))
