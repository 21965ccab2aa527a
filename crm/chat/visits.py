"""Web chat: a visitor resolved to a customer and case like any medium, one thread per visit."""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import landing as inbound
from crm.chat import plain, widgets
from crm.core.errors import Conflict, Invalid, NotFound
from crm.customers import identity
from crm.models import Case, ChatVisit, Interaction

MAX_NAME = 100
MAX_BODY = 4000
TRANSCRIPT_LIMIT = 200
STARTED = "chat_started"  # the meta kind of the item a visit's start queues (not a message)


@dataclass(frozen=True)
class Visit:
    """Who the visitor is (as they told us) and where their chat lands."""

    thread: str
    case_id: int
    client_id: int
    name: str
    contact: str
    widget_key: str
    language: str = "en"  # what the widget speaks to them (tokens from before: English)


@dataclass(frozen=True)
class PreChat:
    """What the visitor typed in the pre-chat form (`contact`: the old one-field form)."""

    name: str = ""
    email: str = ""
    phone: str = ""
    contact: str = ""


def start(session: Session, widget_key: str, name: str = "", contact: str = "", *,
          email: str = "", phone: str = "", region: str = "US", language: str = "en") -> Visit:
    """A new chat thread for a visitor who answered the widget's pre-chat questions."""
    form = PreChat(name=name, email=email, phone=phone, contact=contact)
    _storable(widget_key, form.name, form.email, form.phone, form.contact)
    try:
        widget = widgets.widget_for(session, widget_key)
    except NotFound as exc:
        raise NotFound(plain.UNAVAILABLE, code="unavailable") from exc
    name = " ".join((form.name or "").split())
    if widget.asks("name"):
        if len(name) > MAX_NAME:
            raise Invalid(plain.NAME_TOO_LONG)
        if widget.requires("name") and not name:
            raise Invalid(plain.NAME_NEEDED)
    points = _contact_points(widget, form, region)
    customer_name = name or None
    if points:
        kind, value = points[0]
    else:  # a widget that asks no email or phone: the chat itself is the contact point
        kind, value = "chat", "chat_" + secrets.token_hex(12)
    _, case, created = identity.find_or_create(session, widget.client_id, value,
                                               display_name=customer_name, region=region,
                                               kind=kind)
    if created:
        for _kind, other in points[1:]:  # only a new customer's: a claim adds nothing to another's
            with contextlib.suppress(Conflict):  # someone else's number stays theirs
                identity.add_contact_point(session, None, case.customer, other)
        if language != "en" and not case.customer.language:
            case.customer.language = language
    thread = value if kind == "chat" else "chat_" + secrets.token_hex(12)
    # Anyone can type anyone's email: landing on an existing customer's case is only a claim.
    session.add(ChatVisit(client_id=widget.client_id, case_id=case.id, thread_key=thread,
                          visitor_name=name, contact=value if kind != "chat" else "",
                          claimed=not created, language=language))
    started = Visit(thread=thread, case_id=case.id, client_id=widget.client_id, name=name,
                    contact=value, widget_key=widget_key, language=language)
    _queue(session, started, case)
    return started


def _queue(session: Session, visit: Visit, case: Case) -> None:
    # The visitor waits in the queue from the start (their place shown at once), not from their
    # first message: the start is the conversation's first inbound item, and routes as one.
    session.flush()
    said = f"{visit.name or 'A web visitor'} started a chat."
    msg = inbound.InboundMessage(medium="chat", provider_id=f"{visit.thread}:start",
                                 sender=visit.contact, recipient=visit.widget_key, body=said,
                                 sender_name=visit.name, thread_key=visit.thread,
                                 meta={"visitor": visit.name, "kind": STARTED,
                                       **identity_marks(visit_of(session, visit.thread))})
    inbound.receive(session, msg, case=case)


def _contact_points(widget: widgets.Widget, form: PreChat, region: str) -> list[tuple[str, str]]:
    # (kind, normalised value) of what they gave, email first; refused in plain words.
    email, phone = (form.email or "").strip(), (form.phone or "").strip()
    if form.contact.strip() and not (email or phone):
        try:
            return [identity.normalise_contact(form.contact, region)]
        except Invalid as exc:
            raise Invalid(plain.BAD_CONTACT) from exc
    points = []
    if widget.asks("email") and email:
        try:
            points.append(("email", identity.normalise_email(email)))
        except Invalid as exc:
            raise Invalid(plain.BAD_EMAIL) from exc
    if widget.asks("phone") and phone:
        try:
            points.append(("phone", identity.normalise_phone(phone, region)))
        except Invalid as exc:
            raise Invalid(plain.BAD_PHONE) from exc
    given = {k for k, _ in points}
    if widget.requires("email") and "email" not in given:
        raise Invalid(plain.EMAIL_NEEDED)
    if widget.requires("phone") and "phone" not in given:
        raise Invalid(plain.PHONE_NEEDED)
    if widget.contact_required and not given:
        raise Invalid(plain.CONTACT_NEEDED)
    return points


def _storable(*texts: str) -> None:
    # Visitors' text comes over the socket, past the HTTP input checks; PostgreSQL text cannot
    # hold NUL, so it is refused here on every database alike.
    if any("\x00" in (t or "") for t in texts):
        raise Invalid(plain.UNSTORABLE)


def post(session: Session, visit: Visit, body: str, message_id: str) -> inbound.Received:
    """A visitor's message on their thread; a retried message id is stored once."""
    _storable(body, message_id)
    text = (body or "").strip()
    if not text:
        raise Invalid(plain.EMPTY_MESSAGE)
    if len(text) > MAX_BODY:
        raise Invalid(plain.TOO_LONG)
    if not message_id or len(message_id) > 64:
        raise Invalid("a message id is required")
    case = _case(session, visit)
    row = visit_of(session, visit.thread)
    msg = inbound.InboundMessage(medium="chat", provider_id=f"{visit.thread}:{message_id}",
                                 sender=visit.contact, recipient=visit.widget_key, body=text,
                                 sender_name=visit.name, thread_key=visit.thread,
                                 meta={"visitor": visit.name, **identity_marks(row)})
    return inbound.receive(session, msg, case=case)


def identity_marks(row: ChatVisit | None) -> dict:
    """What a message of this visit says of the visitor's identity (timeline, composer)."""
    return {"identity_verified": bool(row and row.verified_at),
            "unverified": bool(row and row.unverified)}


def visit_of(session: Session, thread: str | None) -> ChatVisit | None:
    """The record of a chat visit by its thread (None for visits from before it was kept)."""
    if not thread:
        return None
    return session.scalars(select(ChatVisit).where(ChatVisit.thread_key == thread)).first()


def transcript(session: Session, visit: Visit) -> list[Interaction]:
    """This visit's messages only (never other threads of the same case), oldest first."""
    case = _case(session, visit)
    rows = session.scalars(
        select(Interaction).where(Interaction.case_id == case.id,
                                  Interaction.medium == "chat",
                                  Interaction.thread_key == visit.thread)
        .order_by(Interaction.occurred_at.desc(), Interaction.id.desc())
        .limit(TRANSCRIPT_LIMIT))
    return [i for i in reversed(list(rows)) if (i.meta or {}).get("kind") != STARTED]


def case_id_of(session: Session, visit: Visit) -> int:
    """The case the visit is on now (staff may have moved it to a case of its own)."""
    return _case(session, visit).id


def _case(session, visit: Visit) -> Case:
    # The visit's record, not the token, says where it is: a move keeps the visitor talking.
    row = visit_of(session, visit.thread)
    case = session.get(Case, row.case_id if row is not None else visit.case_id)
    if case is None or case.client_id != visit.client_id:
        raise NotFound(plain.ENDED, code="ended")
    return case
