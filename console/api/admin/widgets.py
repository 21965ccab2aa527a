"""A chat widget's look and pre-chat fields."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from console.api.admin.common import AdminIn, change, read
from console.api.core.blueprint import api, bp
from console.core import database
from crm.admin import widgets

Mode = Literal["required", "optional", "off"]


class WidgetFields(AdminIn):
    """Which pre-chat fields the visitor is asked, and which they must give."""

    name: Mode | None = None
    email: Mode | None = None
    phone: Mode | None = None


class WidgetIn(AdminIn):
    """Changes to a widget; an empty colour, logo or greeting falls back to the client's."""

    colour: str | None = Field(default=None, max_length=7, description="#rrggbb")
    logo_url: str | None = Field(default=None, max_length=500, description="https:// only")
    greeting: str | None = Field(default=None, max_length=300)
    fields: WidgetFields | None = None
    contact_required: bool | None = Field(
        default=None, description="with email and phone both optional: one of them is needed")


class Branding(BaseModel):
    """A client's branding, which a widget without its own uses."""

    name: str
    colour: str | None = None
    logo_url: str | None = None
    greeting: str | None = None


class WidgetOut(BaseModel):
    """A chat widget's settings (null: the client's branding applies)."""

    id: int
    client_id: int
    key: str
    colour: str | None = None
    logo_url: str | None = None
    greeting: str | None = None
    fields: dict[str, str]
    contact_required: bool
    asks_for_contact: bool
    client_branding: Branding


def _out(address) -> WidgetOut:
    return WidgetOut(**widgets.shown(database.session(), address))


@api.route(bp, "/admin/widgets/<int:address_id>", summary="A chat widget's settings",
           response=WidgetOut, tags=["admin"], errors=(403,))
def admin_get_widget(address_id: int):
    """Its look and pre-chat fields, with the client's branding beside them."""
    return _out(read(widgets.get, address_id))


@api.route(bp, "/admin/widgets/<int:address_id>", "PATCH",
           summary="Change a chat widget's settings", body=WidgetIn, response=WidgetOut,
           tags=["admin"], errors=(403,))
def admin_update_widget(address_id: int, body: WidgetIn):
    """Its colour, logo, greeting and pre-chat fields; audited."""
    given = body.given()
    if body.fields is not None:
        given["fields"] = body.fields.model_dump(exclude_none=True)
    return _out(change(widgets.update, address_id, given))
