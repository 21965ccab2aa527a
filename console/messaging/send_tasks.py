"""The send task of every medium: send once per interaction, sweep up stragglers; media."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app

from channels import registry
from channels.base import OutboundMessage, PermanentSendError, TemporarySendError
from console.core import database
from console.core.tasks import celery, enqueue, periodic
from console.messaging import media_links
from crm import guardrails
from crm.core import events
from crm.core.errors import DomainError
from crm.core.storage import FileStore, instance_store
from crm.messaging import delivery, uploads
from crm.models import Attachment, Interaction, utcnow

log = logging.getLogger(__name__)
# Providers answer within seconds; a send still "sending" after this was cut off mid-way.
INTERRUPTED_AFTER = timedelta(minutes=10)


def file_store() -> FileStore:
    """Where attachments are kept (under instance/)."""
    return instance_store(current_app.instance_path)


@celery.task(name="caseline.send_outbound")
def send_outbound(interaction_id: int) -> str:
    """Send one queued outbound message (any medium) through its channel adapter, at most once."""
    session = database.session()
    item = delivery.claim(session, interaction_id)
    if item is None:
        return "not queued (already sent or being sent)"
    try:
        delivery.recheck(session, item)
        adapter = registry.adapter_for(item.medium, current_app.config["CASELINE"])
        result = adapter.send(_message(item))
    except KeyError:
        return _failed(session, item.id, "no_channel", f"no channel sends {item.medium} messages")
    except DomainError as exc:
        # What was allowed when queued may not be now (an opt-out, a retry at night, a cease).
        outcome = _failed(session, item.id, exc.code or "refused", exc.message)
        if exc.aftermath is not None:  # kept on the case as a blocked attempt
            exc.aftermath(session)
            session.commit()
        return outcome
    except PermanentSendError as exc:
        return _failed(session, item.id, "rejected", str(exc))
    except Exception as exc:
        # Never strand a claimed message in `sending`: a bug is retried like a timeout, logged.
        session.rollback()
        if not isinstance(exc, TemporarySendError):
            log.exception("sending interaction %s failed unexpectedly", interaction_id)
        due_at = delivery.retry_later(session, interaction_id, str(exc) or type(exc).__name__)
        session.commit()
        _retry(interaction_id, due_at)
        return f"will retry: {exc}" if due_at else f"failed: {exc}"
    delivery.accepted(session, item.id, result.provider_id, result.status,
                      sender=result.sender, evidence=result.evidence, store=file_store())
    session.commit()
    return f"sent as {result.provider_id}"


def _failed(session, interaction_id: int, code: str, message: str) -> str:
    delivery.fail(session, interaction_id, code, message)
    session.commit()
    return f"failed: {message}"


def _message(item: Interaction) -> OutboundMessage:
    meta = item.meta or {}
    store = file_store()
    files, links = [], []
    # What a channel needs of each file: its bytes (email MIME parts) and a signed link to it
    # (Twilio fetches MediaUrl itself; a chat visitor opens it), each adapter taking its own.
    ttl = media_links.VISITOR_TTL if guardrails.describe(item.medium).address == "thread" \
        else media_links.PROVIDER_TTL
    for att in item.attachments:
        if att.kind == "file" and att.storage_key:
            with store.open(att.storage_key) as fh:
                files.append((att.filename, att.content_type, fh.read()))
            links.append((att.filename, att.content_type, media_links.sign(att.id, ttl)))
    template = meta.get("template")
    return OutboundMessage(interaction_id=item.id, to=item.to_addr or "", body=item.body,
                           sender=item.from_addr, subject=item.subject,
                           headers=dict(meta.get("headers") or {}), attachments=tuple(files),
                           media_urls=tuple(meta.get("media_urls") or (u for *_, u in links)),
                           links=tuple(links),
                           template=(template["content_sid"], template.get("variables") or {})
                           if template else None)


def _retry(interaction_id: int, due_at: datetime | None) -> None:
    # With a broker, retry at the backoff; embedded, the sweeper picks it up when it is due.
    if due_at is not None and current_app.config["CASELINE"].tasks_mode == "celery":
        countdown = max(0.0, (due_at - utcnow()).total_seconds())
        send_outbound.apply_async(args=(interaction_id,), countdown=countdown)


@periodic(timedelta(seconds=30))
@celery.task(name="caseline.sweep_outbound")
def sweep_outbound() -> int:
    """Send what is due (retries, and what a broker outage left queued); settle dead sends."""
    session = database.session()
    delivery.interrupted(session, INTERRUPTED_AFTER, registry.media())
    session.commit()
    ids = delivery.due(session, registry.media())
    session.rollback()
    for ident in ids:
        enqueue(send_outbound, ident)
    return len(ids)


@periodic(timedelta(hours=1))
@celery.task(name="caseline.sweep_uploads")
def sweep_uploads() -> int:
    """Delete composer uploads never sent with a message (UPLOAD_MAX_AGE_HOURS), files too."""
    age = timedelta(hours=current_app.config["CASELINE"].upload_max_age_hours)
    session = database.session()
    keys = uploads.sweep(session, utcnow() - age)
    session.commit()
    store = file_store()
    for key in keys:  # after the commit: a rollback must not leave rows without their files
        try:
            store.delete(key)
        except OSError:
            log.warning("could not delete the file of a stale upload (%s)", key)
    return len(keys)


@celery.task(name="caseline.fetch_media")
def fetch_media(attachment_id: int) -> str:
    """Copy an inbound message's media from Twilio into our storage (once)."""
    from channels.sms.media_download import MediaError, download

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
