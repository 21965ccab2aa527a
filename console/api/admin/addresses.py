"""Inbound addresses: numbers, WhatsApp senders, mailboxes and chat widget keys."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from console.api.admin.common import AdminIn
from console.api.admin.resource import Subject, crud
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


crud(Subject(
    "/admin/addresses", "address_id", addresses, "address", "addresses",
    create=AddressIn, patch=AddressPatch, out=AddressOut, items=AddressList, present=_out,
    summaries={"list": "Inbound addresses", "create": "Add an inbound address",
               "get": "An inbound address", "update": "Change an address",
               "delete": "Remove an address"},
    errors={"list": (403, 404), "create": (403, 404, 409)}))
