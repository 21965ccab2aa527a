"""Inbound addresses: the numbers, WhatsApp senders, mailboxes and chat widget keys customers
reach a client on, each mapped to a line of work.

They are written exactly as the channels look them up (crm.tenancy.clients.owner_of): a
number or WhatsApp sender as kind "phone" in E.164, a mailbox lower-cased, a widget key as is.
"""

from __future__ import annotations

import re
import secrets

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.admin import scope
from crm.admin.checks import Problems, conflict, text
from crm.admin.resource import Resource
from crm.models import InboundAddress
from crm.routing import router

KINDS = ("phone", "whatsapp", "email", "chat")
EMAIL = re.compile(r"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9-]+(\.[a-z0-9-]+)+$")
WIDGET_KEY = re.compile(r"^[A-Za-z0-9_-]{6,64}$")


def kind_of(address: InboundAddress) -> str:
    """The kind as set up: phone, whatsapp, email or chat."""
    return "whatsapp" if address.whatsapp else address.kind


RESOURCE = Resource(InboundAddress, "address", "address", "inbound_address",
                    shown=lambda address: _shown(address),
                    order_by=(InboundAddress.client_id, InboundAddress.kind,
                              InboundAddress.value))
listing = RESOURCE.listing
get = RESOURCE.get


def normalised(problems: Problems, kind: str, value) -> str:
    """The value as the channels look it up, noting what is wrong with it."""
    raw = str(value or "").strip()
    if kind in ("phone", "whatsapp"):
        if raw.lower().startswith("whatsapp:"):
            raw = raw[len("whatsapp:"):]
        try:
            number = phonenumbers.parse(raw, None)
            if not raw.startswith("+") or not phonenumbers.is_possible_number(number):
                raise phonenumbers.NumberParseException(0, "not possible")
        except phonenumbers.NumberParseException:
            problems.add("value", "Enter the number in international format: + and the "
                                  "country code, like +14155550100.")
            return raw
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    if kind == "email":
        raw = raw.lower()
        if len(raw) > 320 or not EMAIL.match(raw):
            problems.add("value", "Enter a mailbox address, like claims@example.com.")
        return raw
    if kind == "chat":
        raw = raw or "w-" + secrets.token_urlsafe(12)
        if not WIDGET_KEY.match(raw):
            problems.add("value", "A widget key is 6-64 letters, digits, - or _ (leave it "
                                  "empty to have one made).")
        return raw
    return raw


def _line(problems: Problems, session: Session, client_id: int, value) -> str | None:
    if value in (None, ""):
        return None
    lines = router.queue_names(session, client_id)
    if value not in lines:
        problems.add("line_of_work", f"Choose one of: {', '.join(lines)}.")
    return value


def create(session: Session, actor, fields: dict) -> InboundAddress:
    """A new address for a client the actor administers; audited. 409 if it is in use."""
    problems = Problems()
    kind = fields.get("kind")
    if kind not in KINDS:
        problems.add("kind", "Choose phone, whatsapp, email or chat.")
    client = scope.client(session, actor, fields.get("client_id"))
    value = normalised(problems, kind, fields.get("value"))
    line = _line(problems, session, client.id, fields.get("line_of_work"))
    label = text(problems, "label", fields.get("label"), at_most=120, required=False)
    problems.raise_any()
    stored = "phone" if kind == "whatsapp" else kind
    if session.scalar(select(InboundAddress.id).where(InboundAddress.kind == stored,
                                                      InboundAddress.value == value)):
        # The channels find one client per address: it cannot be two clients'.
        raise conflict("value", f"{value} is already set up (for this or another client).")
    return RESOURCE.add(session, actor, InboundAddress(
        client_id=client.id, kind=stored, value=value, line_of_work=line, label=label,
        whatsapp=kind == "whatsapp"))


def update(session: Session, actor, address_id: int, fields: dict) -> InboundAddress:
    """Change an address's line of work or label; audited."""
    address = get(session, actor, address_id)
    problems = Problems()
    values = {}
    if "line_of_work" in fields:
        values["line_of_work"] = _line(problems, session, address.client_id,
                                       fields["line_of_work"])
    if "label" in fields:
        values["label"] = text(problems, "label", fields["label"], at_most=120, required=False)
    problems.raise_any()
    return RESOURCE.change(session, actor, address, values)


def delete(session: Session, actor, address_id: int) -> None:
    """Stop taking contacts on an address for the client; audited."""
    RESOURCE.remove(session, actor, get(session, actor, address_id))


def _shown(address: InboundAddress) -> dict:
    return {"kind": kind_of(address), "value": address.value,
            "line_of_work": address.line_of_work, "label": address.label}
