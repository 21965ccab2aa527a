"""Inbound text messages (SMS, WhatsApp, chat): recorded once, with media and STOP/START."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm.cases import landing as inbound
from crm.cases import timeline, workflow
from crm.core import audit, events, i18n
from crm.core.i18n import N_
from crm.customers import identity
from crm.messaging import outbound
from crm.models import Attachment, Case, ContactPoint, utcnow
from crm.tenancy import clients as tenancy

# TCPA revocation words and the words that opt back in (matched as the whole message).
STOP_WORDS = frozenset({"STOP", "STOPALL", "QUIT", "END", "REVOKE", "OPT OUT", "OPTOUT",
                        "CANCEL", "UNSUBSCRIBE"})
START_WORDS = frozenset({"START", "UNSTOP"})
CONFIRMATION = N_("You are unsubscribed and will get no more %(medium)s messages from us. "
                  "Reply START to subscribe again.")
MEDIUM_NAMES = {"sms": N_("text"), "whatsapp": "WhatsApp"}


def keyword(body: str) -> str | None:
    """'stop', 'start' or None for a message body (the whole message must be the keyword)."""
    text = " ".join((body or "").upper().split()).strip(" .!")
    if text in STOP_WORDS:
        return "stop"
    if text in START_WORDS:
        return "start"
    return None


def confirmation(language: str | None, medium: str) -> str:
    """The one text confirming an opt-out, in the customer's language where translated."""
    name = i18n.translate(language, MEDIUM_NAMES.get(medium, medium))
    return i18n.translate(language, CONFIRMATION, medium=name)


def receive_message(session: Session, msg: inbound.InboundMessage, *, region: str = "US",
                    media: list[tuple[str, str]] = ()) -> inbound.Received:
    """Record an inbound message once; its media are queued for download, keywords obeyed."""
    got = inbound.receive(session, msg, region=region)
    if got.created:
        _received(session, got, msg, region, media)
    return got


def receive_messages(session: Session, batch: list[tuple[inbound.InboundMessage, str, list]]
                     ) -> list[inbound.Received]:
    """receive_message for messages arriving together, each as (message, region, media):
    their owners, cases, first contacts' customers and interactions read and written once for
    all. The outcomes in the batch's order."""
    senders = _senders(session, batch)
    cases = _cases(session, batch, senders)
    theirs = [cases[(client.id, kind, value)] for client, _, kind, value in senders]
    recorded = timeline.record_many(session, [
        (case, inbound.interaction_fields(msg, line))
        for (msg, _, _), (_, line, _, _), case in zip(batch, senders, theirs, strict=True)])
    out = []
    for (msg, region, media), (client, *_), case, (item, created) in zip(
            batch, senders, theirs, recorded, strict=True):
        out.append(inbound.Received(item, case, client, created))
        if created:
            workflow.reopen_on_contact(session, case, item)
            _received(session, out[-1], msg, region, media)
    return out


def _senders(session: Session, batch) -> list[tuple]:
    # Per message: (owning client, its number's line of work, contact kind, contact value).
    owners: dict[tuple[str, str], tenancy.Owner] = {}
    senders = []
    for msg, region, _ in batch:
        key = (inbound.address_kind_of(msg.medium), msg.recipient)
        if key not in owners:
            owners[key] = tenancy.owner_of(session, *key)
        senders.append((owners[key].client, owners[key].line_of_work,
                        *identity.normalise_contact(msg.sender, region)))
    return senders


def _cases(session: Session, batch, senders) -> dict[tuple[int, str, str], Case]:
    # The case of every sender: one look-up a client and kind, then first contacts made
    # together, a client at a time.
    wanted: dict[tuple[int, str, str], str | None] = {}
    for (msg, _, _), (client, _, kind, value) in zip(batch, senders, strict=True):
        wanted.setdefault((client.id, kind, value), msg.sender_name)  # a new one's first name
    cases = {}
    for client_id, kind in {(c, k) for c, k, _ in wanted}:
        found = identity.cases_by_contact(session, client_id, kind, [
            v for c, k, v in wanted if (c, k) == (client_id, kind)])
        cases.update({(client_id, kind, v): case for v, case in found.items()})
    for client_id in {c for c, k, v in wanted if (c, k, v) not in cases}:
        made = identity.create_many(session, client_id, [
            (k, v, name) for (c, k, v), name in wanted.items()
            if c == client_id and (c, k, v) not in cases])
        cases.update({(client_id, k, v): case for (k, v), case in made.items()})
    return cases


def _received(session: Session, got: inbound.Received, msg: inbound.InboundMessage,
              region: str, media) -> None:
    # A new message's media are queued for download and a STOP or START obeyed.
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
                              body=confirmation(got.case.customer.language, medium),
                              kind="opt_out_confirmation")
    elif medium in current:
        current.pop(medium)
        point.opt_outs = current
        audit.record(session, None, "contact_point.opted_in", point,
                     before={"opt_outs": {**current, medium: "set"}},
                     after={"opt_outs": current, "interaction_id": got.interaction.id})
    events.emit(session, events.CUSTOMER_UPDATED, customer_id=point.customer_id)

