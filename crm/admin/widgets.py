"""A chat widget's settings on the admin screen: its own colour, logo and greeting (else the
client's branding) and the pre-chat fields it asks, as crm.chat.widgets.widget_for reads them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm.admin import addresses, clients
from crm.admin.checks import Problems
from crm.chat import widgets
from crm.core import audit
from crm.core.errors import NotFound
from crm.models import Client, InboundAddress, User


def get(session: Session, actor: User, address_id: int) -> InboundAddress:
    """A chat widget (an address of kind chat) the actor administers."""
    address = addresses.get(session, actor, address_id)
    if address.kind != "chat":
        raise NotFound("chat widget not found")
    return address


def shown(session: Session, address: InboundAddress) -> dict:
    """The widget's settings as stored (None: the client's branding applies), with the
    client's branding beside them and the fields' modes filled in."""
    stored = address.widget or {}
    fields, contact_required = widgets.settings_of(stored)
    client = session.get(Client, address.client_id)
    return {"id": address.id, "client_id": address.client_id, "key": address.value,
            "colour": stored.get("colour"), "logo_url": stored.get("logo_url"),
            "greeting": stored.get("greeting"), "fields": fields,
            "contact_required": bool(stored.get("contact_required", True)),
            "asks_for_contact": contact_required,
            "client_branding": {"name": client.name, "colour": client.brand_colour,
                                "logo_url": client.logo_url, "greeting": client.greeting}}


def update(session: Session, actor: User, address_id: int, given: dict) -> InboundAddress:
    """Change a widget's look or pre-chat fields (client admins: their clients'); audited."""
    address = get(session, actor, address_id)
    problems = Problems()
    values = clients.branding(problems, given)
    if "fields" in given:
        modes = given["fields"] if isinstance(given["fields"], dict) else {}
        for name in set(modes) - set(widgets.FIELDS):
            problems.add(f"fields.{name}", f"Fields are {', '.join(widgets.FIELDS)}.")
        for name in widgets.FIELDS:
            if name in modes and modes[name] not in widgets.MODES:
                problems.add(f"fields.{name}", f"Choose {', '.join(widgets.MODES)}.")
        values["fields"] = {**widgets.DEFAULT_FIELDS,
                            **(address.widget or {}).get("fields", {}), **modes}
    if "contact_required" in given:
        values["contact_required"] = bool(given["contact_required"])
    problems.raise_any()
    before = dict(address.widget or {})
    # A new dict: the JSON column notices a replaced value, not one changed in place.
    address.widget = {**before, **values}
    session.flush()
    audit.record(session, actor, "chat.widget_configured", address,
                 object_type="inbound_address", before={"widget": before},
                 after={"widget": address.widget})
    return address
