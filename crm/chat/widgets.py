"""A chat widget's look and questions: the client's branding and its pre-chat fields.

A widget is an InboundAddress of kind "chat" (its value is the key the client's site uses);
`widget` holds which of name, email and phone the visitor is asked, and which they must give.
A single-client install with no widget address gets the defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.core import audit
from crm.core.errors import Forbidden, Invalid, NotFound
from crm.models import InboundAddress, User
from crm.tenancy import clients as tenancy

FIELDS = ("name", "email", "phone")
MODES = ("required", "optional", "off")
DEFAULT_FIELDS = {"name": "required", "email": "optional", "phone": "optional"}
DEFAULT_COLOUR = "#1f4e79"
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# The widget's page background in each scheme (static/css/chat-widget.css).
LIGHT_PAGE, DARK_PAGE = "#ffffff", "#14171d"


@dataclass(frozen=True)
class Widget:
    """What the widget page shows: branding, and the pre-chat fields with their modes."""

    key: str
    client_id: int
    client_name: str
    colour: str
    text_colour: str
    # The brand colour as text or an outline on the page itself, light and dark: itself where
    # it reads (4.5:1), else darkened or lightened until it does.
    ink_light: str
    ink_dark: str
    logo_url: str | None
    greeting: str | None
    fields: dict = field(default_factory=lambda: dict(DEFAULT_FIELDS))
    # Asked for both email and phone, neither required: at least one of them is.
    contact_required: bool = True

    def asks(self, name: str) -> bool:
        """Whether the pre-chat form shows this field."""
        return self.fields.get(name, "off") != "off"

    def requires(self, name: str) -> bool:
        """Whether the visitor must fill this field in."""
        return self.fields.get(name) == "required"


def widget_for(session: Session, key: str) -> Widget:
    """The widget a key names (NotFound when no client owns it)."""
    client = tenancy.client_for_address(session, "chat", key)
    row = session.scalars(select(InboundAddress).where(
        InboundAddress.kind == "chat", InboundAddress.value == (key or "").strip())).first()
    own = (row.widget if row is not None else None) or {}
    fields, contact_required = settings_of(own)
    colour = brand_colour(own.get("colour") or client.brand_colour)
    return Widget(key=key, client_id=client.id, client_name=client.name, colour=colour,
                  text_colour=text_on(colour), ink_light=readable_on(colour, LIGHT_PAGE),
                  ink_dark=readable_on(colour, DARK_PAGE),
                  logo_url=safe_logo(own.get("logo_url") or client.logo_url),
                  greeting=(own.get("greeting") or client.greeting or "").strip() or None,
                  fields=fields, contact_required=contact_required)


def settings_of(raw: dict | None) -> tuple[dict, bool]:
    """(fields with their modes, contact_required) from stored settings, defaults filled in."""
    raw = raw or {}
    given = raw.get("fields") or {}
    fields = {name: given.get(name) if given.get(name) in MODES else DEFAULT_FIELDS[name]
              for name in FIELDS}
    both_optional = all(fields[n] == "optional" for n in ("email", "phone"))
    return fields, bool(raw.get("contact_required", True)) and both_optional


def configure(session: Session, actor: User, key: str, fields: dict,
              contact_required: bool = True) -> InboundAddress:
    """Set which pre-chat fields a widget asks and needs (admin only); audited."""
    if not actor.has_role("admin"):
        raise Forbidden("only an administrator can change a chat widget")
    unknown = set(fields) - set(FIELDS)
    if unknown or any(m not in MODES for m in fields.values()):
        raise Invalid(f"fields are {', '.join(FIELDS)}; each one of {', '.join(MODES)}")
    row = session.scalars(select(InboundAddress).where(
        InboundAddress.kind == "chat", InboundAddress.value == key)).first()
    if row is None:
        raise NotFound("no such chat widget")
    before = row.widget
    row.widget = {**(before or {}), "fields": {**DEFAULT_FIELDS, **fields},
                  "contact_required": contact_required}
    audit.record(session, actor, "chat.widget_configured", row, client_id=row.client_id,
                 before={"widget": before}, after={"widget": row.widget})
    return row


def brand_colour(value: str | None) -> str:
    """A client's colour as #rrggbb (anything else stored falls back to the default)."""
    return value if value and _COLOUR.fullmatch(value) else DEFAULT_COLOUR


def luminance(colour: str) -> float:
    """WCAG relative luminance of #rrggbb."""
    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i:i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def text_on(colour: str) -> str:
    """Black or white text, whichever reads better on the colour (WCAG relative luminance)."""
    return "#111111" if luminance(colour) > 0.179 else "#ffffff"


def readable_on(colour: str, page: str, ratio: float = 4.5) -> str:
    """The colour, mixed towards black (light page) or white (dark page) just enough to read
    on the page at the ratio: the brand's hue stays, its text never vanishes."""
    target = 0 if luminance(page) > 0.5 else 255
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    for step in range(11):
        mixed = "#" + "".join(f"{round(c + (target - c) * step / 10):02x}" for c in rgb)
        if contrast(mixed, page) >= ratio:
            return mixed
    return mixed


def safe_logo(url: str | None) -> str | None:
    """A logo URL the widget may load: https only (never javascript: or data:)."""
    url = (url or "").strip()
    return url if url.startswith("https://") and len(url) <= 500 and '"' not in url else None
