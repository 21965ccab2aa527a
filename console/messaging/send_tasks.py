"""Outbound sending tasks: send once per interaction, sweep up stragglers, fetch media."""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app

from channels import registry
from channels.base import OutboundMessage, PermanentSendError, TemporarySendError
from console.core import database
from console.core.tasks import celery, enqueue, periodic
from crm import guardrails
from crm.core import events
from crm.core.errors import DomainError
from crm.core.storage import FileStore, instance_store
from crm.messaging import delivery
from crm.models import Attachment, Interaction

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=1)
# Twilio answers within seconds; a send still "sending" after this was cut off mid-way.
INTERRUPTED_AFTER = timedelta(minutes=10)


def file_store() -> FileStore:
    """Where attachments are kept (under instance/)."""
    return instance_store(current_app.instance_path)


@celery.task(name="caseline.send_outbound")
def send_outbound(interaction_id: int) -> str:
    """Send one queued outbound interaction through its channel adapter, at most once."""
    session = database.session()
    item = delivery.claim(session, interaction_id)
    if item is None:
        return "not queued (already sent or being sent)"
    settings = current_app.config["CASELINE"]
    try:
        adapter = registry.adapter_for(item.medium, settings)
    except KeyError:
        delivery.advance(session, item.id, "failed", error={
            "code": "no_channel", "message": f"no channel sends {item.medium} messages"})
        session.commit()
        return "no adapter"
    try:
        guardrails.at_send_time(session, item)
    except DomainError as exc:
        # What was allowed when queued may not be now (a retry at night, a cease since).
        delivery.advance(session, item.id, "failed", error={"code": exc.code,
                                                            "message": exc.message})
        exc.aftermath(session)
        session.commit()
        return f"refused: {exc.code}"
    try:
        result = adapter.send(_message(item))
    except PermanentSendError as exc:
        delivery.advance(session, item.id, "failed",
                         error={"code": "rejected", "message": str(exc)})
        outcome = f"failed: {exc}"
    except (TemporarySendError, Exception) as exc:
        if not isinstance(exc, TemporarySendError):
            log.exception("sending interaction %s failed unexpectedly", item.id)
        delivery.retry_later(session, item.id, str(exc) or type(exc).__name__)
        outcome = f"will retry: {exc}"
        session.commit()
        _retry(item.id)
        return outcome
    else:
        delivery.accepted(session, item.id, result.provider_id, result.status)
        outcome = f"sent as {result.provider_id}"
    session.commit()
    return outcome


def _message(item: Interaction) -> OutboundMessage:
    meta = item.meta or {}
    return OutboundMessage(interaction_id=item.id, to=item.to_addr or "", body=item.body,
                           sender=item.from_addr, subject=item.subject,
                           headers=dict(meta.get("headers") or {}),
                           attachments=tuple(meta.get("attachments") or ()))


def _retry(interaction_id: int) -> None:
    # With a broker, retry with backoff; embedded, the sweeper picks it up a minute later.
    if current_app.config["CASELINE"].tasks_mode == "celery":
        item = database.session().get(Interaction, interaction_id)
        attempts = int((item.meta or {}).get("attempts", 1)) if item else 1
        if item is not None and item.status == "queued":
            send_outbound.apply_async(args=(interaction_id,), countdown=30 * 2 ** attempts)


@periodic(timedelta(seconds=30))
@celery.task(name="caseline.sweep_outbound")
def sweep_outbound() -> int:
    """Re-enqueue outbound messages left queued (a broker outage delays but loses nothing)."""
    session = database.session()
    delivery.interrupted(session, INTERRUPTED_AFTER, registry.generic_media())
    session.commit()
    ids = delivery.stale_queued(session, STALE_AFTER, registry.generic_media())
    session.rollback()
    for ident in ids:
        enqueue(send_outbound, ident)
    return len(ids)


@celery.task(name="caseline.fetch_media")
def fetch_media(attachment_id: int) -> str:
    """Copy an inbound message's media from Twilio into our storage (once)."""
    from channels.sms.media import MediaError, download

    session = database.session()
    att = session.get(Attachment, attachment_id)
    if att is None or att.storage_key or not att.source_url:
        return "nothing to fetch"
    session.rollback()
    try:
        data, content_type = download(att.source_url, current_app.config["CASELINE"])
    except MediaError as exc:
        att = session.get(Attachment, attachment_id)
        att.meta = {**(att.meta or {}), "state": "failed", "error": str(exc)}
        session.commit()
        return str(exc)
    key, digest = file_store().put(data, suffix=_suffix(content_type))
    att = session.get(Attachment, attachment_id)
    att.storage_key, att.sha256, att.size = key, digest, len(data)
    att.content_type = content_type or att.content_type
    att.meta = {**(att.meta or {}), "state": "stored"}
    interaction = att.interaction
    events.emit(session, events.INTERACTION_UPDATED, interaction_id=interaction.id,
                case_id=interaction.case_id, client_id=interaction.client_id)
    session.commit()
    return key


def _suffix(content_type: str) -> str:
    return {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp",
            "application/pdf": "pdf", "audio/ogg": "ogg", "video/mp4": "mp4",
            "audio/mpeg": "mp3"}.get((content_type or "").split(";")[0].strip(), "")
