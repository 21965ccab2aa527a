"""Landing an inbound email: idempotent, threaded onto the right case, bounces settled."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import landing as inbound
from crm.cases import timeline
from crm.core import events
from crm.core.errors import Invalid, NotFound
from crm.core.storage import BlobStore
from crm.customers import identity
from crm.models import Attachment, Case, Client, InboundAddress, Interaction, utcnow
from crm.tenancy import clients as tenancy

CASE_TOKEN = re.compile(r"\bCL-[23456789A-HJ-NP-Z]{8}\b", re.IGNORECASE)
MAX_THREAD_IDS = 50


@dataclass(frozen=True)
class EmailFile:
    """One attachment: its (safe) name, the type its bytes really are, and the bytes."""

    filename: str
    content_type: str
    data: bytes
    declared_type: str = ""


@dataclass(frozen=True)
class Bounce:
    """A delivery-status report: which of our messages failed, for whom and why."""

    original_ids: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ()
    status: str = ""
    diagnostic: str = ""


@dataclass(frozen=True)
class InboundEmail:
    """A parsed inbound email, ready to land (built by the email channel's parser)."""

    raw: bytes
    message_id: str
    sender: str
    recipients: tuple[str, ...]
    subject: str = ""
    text: str = ""
    sender_name: str | None = None
    in_reply_to: tuple[str, ...] = ()
    references: tuple[str, ...] = ()
    auto_reply: bool = False
    has_html: bool = False
    bounce: Bounce | None = None
    attachments: tuple[EmailFile, ...] = ()
    date: datetime | None = None
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Landed:
    """Where an email went: its interaction and case, or why it was set aside."""

    interaction: Interaction | None
    case: Case | None
    created: bool
    outcome: str  # created | duplicate | bounce | ignored
    reason: str = ""


def receive_email(session: Session, mail: InboundEmail, *, store: BlobStore,
                  region: str = "US") -> Landed:
    """Record an inbound email once, on exactly one case; a bounce marks our outbound."""
    client, recipient = _client_and_recipient(session, mail.recipients)
    existing = _by_message_id(session, client.id, mail.message_id)
    if existing is not None:
        return Landed(existing, session.get(Case, existing.case_id), False, "duplicate")
    if mail.bounce is not None:
        return _bounce(session, client, recipient, mail, store)
    if _ours(session, mail.sender):
        # Our own mailbox writing to itself (a loop, a BCC copy): never a customer.
        return Landed(None, None, False, "ignored", "a message from our own mailbox")
    case = thread_case(session, client.id, mail)
    sender = mail.sender
    if case is None:
        if not sender:
            raise Invalid("the message has no sender address to file it under")
        try:
            identity.normalise_email(sender)
        except Invalid:
            raise Invalid(f"the sender address {sender[:100]!r} is not an email address") from None
    received = inbound.receive(session, _message(mail, recipient), region=region,
                               address_kind="email", sender_kind="email", case=case)
    if received.created:
        keep_files(session, received.interaction, mail, store)
    return Landed(received.interaction, received.case, received.created,
                  "created" if received.created else "duplicate")


def thread_case(session: Session, client_id: int, mail: InboundEmail) -> Case | None:
    """The case a reply belongs to: our Message-IDs first, then a case token; None = by sender."""
    ids = list(dict.fromkeys((*mail.in_reply_to, *reversed(mail.references))))[:MAX_THREAD_IDS]
    if ids:
        hit = session.scalars(
            select(Interaction).where(Interaction.client_id == client_id,
                                      Interaction.medium == "email",
                                      Interaction.thread_key.in_(ids))
            .order_by(Interaction.id.desc()).limit(1)
        ).first()
        if hit is not None:
            return session.get(Case, hit.case_id)
    for text in (*mail.recipients, mail.subject):
        for token in CASE_TOKEN.findall(text or ""):
            case = session.scalars(select(Case).where(Case.client_id == client_id,
                                                      Case.reference == token.upper())).first()
            if case is not None:
                return case
    return None


def keep_files(session: Session, item: Interaction, mail: InboundEmail, store: BlobStore) -> None:
    """Store the raw message (evidence) and each attachment against the interaction."""
    key, digest = store.put(mail.raw, suffix="eml")
    session.add(Attachment(interaction_id=item.id, kind="raw", filename="message.eml",
                           content_type="message/rfc822", size=len(mail.raw),
                           storage_key=key, sha256=digest))
    for part in mail.attachments:
        key, digest = store.put(part.data)
        session.add(Attachment(interaction_id=item.id, kind="file", filename=part.filename,
                               content_type=part.content_type, size=len(part.data),
                               storage_key=key, sha256=digest,
                               meta={"declared_type": clean(part.declared_type, 255)}))
    session.flush()


def clean(text: str | None, limit: int) -> str:
    """Text fit for a column: no NUL (PostgreSQL refuses it), at most limit characters."""
    return (text or "").replace("\x00", "")[:limit]


def _message(mail: InboundEmail, recipient: str) -> inbound.InboundMessage:
    meta = {"auto_reply": mail.auto_reply, "has_html": mail.has_html,
            "in_reply_to": [clean(i, 998) for i in mail.in_reply_to[:5]],
            "references": [clean(i, 998) for i in mail.references[-MAX_THREAD_IDS:]],
            "date": mail.date.isoformat() if mail.date else None,
            **{k: clean(str(v), 998) for k, v in mail.meta.items()}}
    return inbound.InboundMessage(
        medium="email", provider_id=mail.message_id, sender=clean(mail.sender, 320),
        recipient=clean(recipient, 998), body=clean(mail.text, 1_000_000),
        subject=clean(mail.subject, 998), sender_name=clean(mail.sender_name, 200) or None,
        status="auto_reply" if mail.auto_reply else "received",
        thread_key=clean(mail.message_id, 998), occurred_at=utcnow(), meta=meta)


def _client_and_recipient(session: Session, recipients) -> tuple[Client, str]:
    for address in recipients:
        bare = _without_tag(address)
        try:
            return tenancy.client_for_address(session, "email", bare), bare
        except NotFound:
            continue
    first = _without_tag(recipients[0]) if recipients else ""
    try:
        return tenancy.client_for_address(session, "email", first), first
    except NotFound:
        raise NotFound("no client owns any recipient address of this message") from None


def _without_tag(address: str) -> str:
    local, at, domain = (address or "").strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}{at}{domain}" if at else address


def _ours(session, sender: str) -> bool:
    bare = _without_tag(sender)
    return bool(bare) and session.scalar(select(InboundAddress.id).where(
        InboundAddress.kind == "email", InboundAddress.value == bare).limit(1)) is not None


def _by_message_id(session, client_id, message_id) -> Interaction | None:
    return session.scalars(select(Interaction).where(
        Interaction.client_id == client_id, Interaction.medium == "email",
        Interaction.provider_id == message_id)).first()


def _bounce(session, client, recipient, mail: InboundEmail, store) -> Landed:
    ids = (*mail.bounce.original_ids, *mail.in_reply_to, *mail.references)
    target = session.scalars(
        select(Interaction).where(Interaction.client_id == client.id,
                                  Interaction.medium == "email",
                                  Interaction.direction == "outbound",
                                  Interaction.thread_key.in_(list(ids)[:MAX_THREAD_IDS]))
    ).first() if ids else None
    if target is None:
        return Landed(None, None, False, "ignored", "a bounce for a message we did not send")
    info = {"status": clean(mail.bounce.status, 32), "diagnostic": clean(mail.bounce.diagnostic,
                                                                         500),
            "recipients": [clean(r, 320) for r in mail.bounce.recipients[:10]]}
    target.status = "bounced"
    target.meta = {**(target.meta or {}), "bounce": info}
    case = session.get(Case, target.case_id)
    # The report itself is kept on the same case as evidence, never as a new conversation.
    item, created = timeline.record(
        session, case, medium="email", direction="inbound", status="bounce",
        provider_id=mail.message_id, thread_key=clean(mail.message_id, 998),
        subject=clean(mail.subject, 998), body=clean(mail.text, 1_000_000),
        from_addr=clean(mail.sender or "mailer-daemon", 320), to_addr=clean(recipient, 998),
        meta={"bounce_of": target.id, **info}, occurred_at=utcnow())
    if created:
        keep_files(session, item, mail, store)
    events.emit(session, events.INTERACTION_UPDATED, interaction_id=target.id, case_id=case.id,
                client_id=case.client_id)
    return Landed(item, case, created, "bounce")
