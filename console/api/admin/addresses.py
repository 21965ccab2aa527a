"""Inbound addresses: numbers, WhatsApp senders, mailboxes and chat widget keys."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from console.api.admin.common import AdminDeleted, AdminIn, ClientQuery, change, read
from console.api.core.blueprint import api, bp
from crm.admin import addresses


class AddressIn(AdminIn):
    """A new address of a client."""

    client_id: int
    kind: Literal["phone", "whatsapp", "email", "chat"]
    value: str | None = Field(default=None, max_length=320, description="a number in E.164, "
                              "a mailbox, or a widget key (chat: empty makes one)")
    line_of_work: str | None = Field(default=None, max_length=32, description="the queue "
                                     "its contacts wait in (default: general)")
    label: str | None = Field(default=None, max_length=120)


class AddressPatch(AdminIn):
    """Changes to an address."""

    line_of_work: str | None = Field(default=None, max_length=32)
    label: str | None = Field(default=None, max_length=120)


class AddressOut(BaseModel):
    """An address customers reach a client on."""

    id: int
    client_id: int
    kind: str
    value: str
    line_of_work: str | None = None
    label: str


class AddressList(BaseModel):
    """Addresses."""

    items: list[AddressOut]


def _out(address) -> AddressOut:
    return AddressOut(id=address.id, client_id=address.client_id,
                      kind=addresses.kind_of(address), value=address.value,
                      line_of_work=address.line_of_work, label=address.label or "")


@api.route(bp, "/admin/addresses", summary="Inbound addresses", query=ClientQuery,
           response=AddressList, tags=["admin"], errors=(403, 404))
def admin_list_addresses(query: ClientQuery):
    """The addresses of the clients you administer."""
    return AddressList(items=[_out(a) for a in read(addresses.listing, query.client_id)])


@api.route(bp, "/admin/addresses", "POST", summary="Add an inbound address", body=AddressIn,
           response=AddressOut, status=201, tags=["admin"], errors=(403, 404, 409))
def admin_create_address(body: AddressIn):
    """A number, WhatsApp sender, mailbox or widget key, mapped to a line of work."""
    return _out(change(addresses.create, body.given()))


@api.route(bp, "/admin/addresses/<int:address_id>", summary="An inbound address",
           response=AddressOut, tags=["admin"], errors=(403,))
def admin_get_address(address_id: int):
    """One address."""
    return _out(read(addresses.get, address_id))


@api.route(bp, "/admin/addresses/<int:address_id>", "PATCH", summary="Change an address",
           body=AddressPatch, response=AddressOut, tags=["admin"], errors=(403,))
def admin_update_address(address_id: int, body: AddressPatch):
    """Its line of work or label."""
    return _out(change(addresses.update, address_id, body.given()))


@api.route(bp, "/admin/addresses/<int:address_id>", "DELETE", summary="Remove an address",
           response=AdminDeleted, tags=["admin"], errors=(403,))
def admin_delete_address(address_id: int):
    """Contacts on it are no longer this client's."""
    change(addresses.delete, address_id)
    return AdminDeleted()
