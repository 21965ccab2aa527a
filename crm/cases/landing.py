"""Landing an inbound contact: resolve the sender, record the interaction, once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from crm.cases import timeline, workflow
from crm.customers import identity
from crm.models import Case, Client, Interaction, utcnow
from crm.tenancy import clients as tenancy

DEFAULT_QUEUE = "general"  # where work waits when its address names no line of work


@dataclass(frozen=True)
class InboundMessage:
    """A verified, parsed inbound contact from any channel."""

    medium: str
    provider_id: str
    sender: str
    recipient: str
    body: str = ""
    subject: str | None = None
    sender_name: str | None = None
    status: str = "received"
    thread_key: str | None = None
    occurred_at: datetime | None = None
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Received:
    """The outcome: the interaction on its case, and whether this delivery created it."""

    interaction: Interaction
    case: Case
    client: Client
    created: bool


def receive(session: Session, msg: InboundMessage, *, region: str = "US",
            address_kind: str | None = None, sender_kind: str | None = None,
            case: Case | None = None) -> Received:
    """Record msg on the sender's case (found or created); a redelivery is a no-op."""
    kind = address_kind or address_kind_of(msg.medium)
    if case is None:
        contact = identity.normalise_contact(msg.sender, region, sender_kind)
        client, case, line = tenancy.client_and_case(session, kind, msg.recipient, *contact)
        if case is None:  # a first contact (or a race with one): find or create, safely
            _, case, _ = identity.find_or_create(session, client.id, msg.sender,
                                                 display_name=msg.sender_name, region=region,
                                                 kind=sender_kind, looked_up=True)
    else:
        client, _, line = tenancy.owner_of(session, kind, msg.recipient)
    item, created = timeline.record(session, case, **interaction_fields(msg, line))
    if created:
        workflow.reopen_on_contact(session, case, item)
    return Received(item, case, client, created)


def interaction_fields(msg: InboundMessage, line: str | None) -> dict:
    """The interaction a message is recorded as (timeline.record's fields)."""
    # Work waits in the queue of the line of work the number or mailbox is for.
    meta = {**msg.meta, "queue": msg.meta.get("queue") or line or DEFAULT_QUEUE}
    return dict(medium=msg.medium, direction="inbound", provider_id=msg.provider_id,
                status=msg.status, body=msg.body, subject=msg.subject, from_addr=msg.sender,
                to_addr=msg.recipient, thread_key=msg.thread_key, meta=meta,
                occurred_at=msg.occurred_at or utcnow())


def address_kind_of(medium: str) -> str:
    """The kind of address a medium's messages are sent to (phone, email, chat)."""
    return {"voice": "phone", "sms": "phone", "whatsapp": "phone", "email": "email",
            "chat": "chat"}.get(medium, medium)
