"""Web chat: a visitor resolved to a customer and case like any medium, one thread per visit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import landing as inbound
from crm.core.errors import Invalid, NotFound
from crm.customers import identity
from crm.models import Case, ChatVisit, Interaction
from crm.tenancy import clients as tenancy

MAX_NAME = 100
MAX_BODY = 4000
TRANSCRIPT_LIMIT = 200


@dataclass(frozen=True)
class Visit:
    """Who the visitor is (as they told us) and where their chat lands."""

    thread: str
    case_id: int
    client_id: int
    name: str
    contact: str
    widget_key: str


def start(session: Session, widget_key: str, name: str, contact: str, *,
          region: str = "US") -> Visit:
    """A new chat thread for a visitor who gave a name and an email or phone number."""
    _storable(widget_key, name, contact)
    name = " ".join((name or "").split())
    if not name or len(name) > MAX_NAME:
        raise Invalid(f"please give your name (at most {MAX_NAME} characters)")
    if not (contact or "").strip():
        raise Invalid("please give an email address or a phone number")
    kind, value = identity.normalise_contact(contact, region)
    client = tenancy.client_for_address(session, "chat", widget_key)
    _, case, created = identity.find_or_create(session, client.id, value, display_name=name,
                                               region=region, kind=kind)
    thread = "chat_" + secrets.token_hex(12)
    # Anyone can type anyone's email: landing on an existing customer's case is only a claim.
    session.add(ChatVisit(client_id=client.id, case_id=case.id, thread_key=thread,
                          visitor_name=name, contact=value, claimed=not created))
    return Visit(thread=thread, case_id=case.id, client_id=client.id, name=name, contact=value,
                 widget_key=widget_key)


def _storable(*texts: str) -> None:
    # Visitors' text comes over the socket, past the HTTP input checks; PostgreSQL text cannot
    # hold NUL, so it is refused here on every database alike.
    if any("\x00" in (t or "") for t in texts):
        raise Invalid("a chat message cannot contain NUL characters")


def post(session: Session, visit: Visit, body: str, message_id: str) -> inbound.Received:
    """A visitor's message on their thread; a retried message id is stored once."""
    _storable(body, message_id)
    text = (body or "").strip()
    if not text:
        raise Invalid("the message is empty")
    if len(text) > MAX_BODY:
        raise Invalid(f"a chat message can have at most {MAX_BODY} characters")
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
    return list(reversed(list(rows)))


def case_id_of(session: Session, visit: Visit) -> int:
    """The case the visit is on now (staff may have moved it to a case of its own)."""
    return _case(session, visit).id


def _case(session, visit: Visit) -> Case:
    # The visit's record, not the token, says where it is: a move keeps the visitor talking.
    row = visit_of(session, visit.thread)
    case = session.get(Case, row.case_id if row is not None else visit.case_id)
    if case is None or case.client_id != visit.client_id:
        raise NotFound("this chat has ended; please start a new one")
    return case
