"""Inbound text messages (SMS, WhatsApp, chat): recorded once, with media and STOP/START."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm import audit, events, identity, inbound, outbound
from crm.models import Attachment, ContactPoint, utcnow

# TCPA revocation words and the words that opt back in (matched as the whole message).
STOP_WORDS = frozenset({"STOP", "STOPALL", "QUIT", "END", "REVOKE", "OPT OUT", "OPTOUT",
                        "CANCEL", "UNSUBSCRIBE"})
START_WORDS = frozenset({"START", "UNSTOP"})
CONFIRMATION = ("You are unsubscribed and will get no more {medium} messages from us. "
                "Reply START to subscribe again.")
MEDIUM_NAMES = {"sms": "text", "whatsapp": "WhatsApp"}


def keyword(body: str) -> str | None:
    """'stop', 'start' or None for a message body (the whole message must be the keyword)."""
    text = " ".join((body or "").upper().split()).strip(" .!")
    if text in STOP_WORDS:
        return "stop"
    if text in START_WORDS:
        return "start"
    return None


def receive_message(session: Session, msg: inbound.InboundMessage, *, region: str = "US",
                    media: list[tuple[str, str]] = ()) -> inbound.Received:
    """Record an inbound message once; its media are queued for download, keywords obeyed."""
    got = inbound.receive(session, msg, region=region)
    if not got.created:
        return got
    for n, (url, content_type) in enumerate(media):
        att = Attachment(interaction_id=got.interaction.id, kind="media",
                         filename=f"media-{n}", content_type=content_type or "application/"
                         "octet-stream", source_url=url, meta={"state": "pending"})
        session.add(att)
        session.flush()
        events.emit(session, events.MEDIA_RECEIVED, attachment_id=att.id,
                    interaction_id=got.interaction.id, case_id=got.case.id)
    word = keyword(msg.body)
    if word:
        point = _sender_point(session, got, region)
        if point is not None:
            _apply_keyword(session, got, point, word, msg)
    return got


def _sender_point(session, got: inbound.Received, region: str) -> ContactPoint | None:
    kind, value = identity.normalise_contact(got.interaction.from_addr or "", region)
    return session.scalars(select(ContactPoint).where(
        ContactPoint.client_id == got.client.id, ContactPoint.kind == kind,
        ContactPoint.value == value)).first()


def _apply_keyword(session, got, point: ContactPoint, word: str, msg) -> None:
    medium = msg.medium
    current = dict(point.opt_outs or {})
    if word == "stop":
        if medium in current:
            return  # already out: no second confirmation
        point.opt_outs = {**current, medium: utcnow().isoformat()}
        audit.record(session, None, "contact_point.opted_out", point,
                     before={"opt_outs": current}, after={"opt_outs": point.opt_outs,
                                                          "interaction_id": got.interaction.id})
        outbound.queue_system(session, got.case, medium=medium, to=point.value,
                              sender=outbound.reply_address(got.interaction),
                              body=CONFIRMATION.format(medium=MEDIUM_NAMES.get(medium, medium)),
                              kind="opt_out_confirmation")
    elif medium in current:
        current.pop(medium)
        point.opt_outs = current
        audit.record(session, None, "contact_point.opted_in", point,
                     before={"opt_outs": {**current, medium: "set"}},
                     after={"opt_outs": current, "interaction_id": got.interaction.id})
    events.emit(session, events.CUSTOMER_UPDATED, customer_id=point.customer_id)

