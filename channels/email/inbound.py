"""One path for every inbound email (webhook, IMAP, simulator): parse, land, commit."""

from __future__ import annotations

from sqlalchemy.orm import Session

from channels.email.parse import parse
from crm.core.storage import FileStore, instance_store
from crm.email.receiving import Landed, receive_email

DEFAULT_MAX_BYTES = 20 * 1024 * 1024


def store_for(settings) -> FileStore:
    """The blob store of raw messages and attachments (files under instance/)."""
    return instance_store(settings.instance_path)


def land(session: Session, raw: bytes, settings) -> Landed:
    """Parse and record one raw message, committing it; domain errors roll back."""
    try:
        landed = receive_email(session, parse(raw), store=store_for(settings),
                               region=settings.default_phone_region)
        session.commit()
    except Exception:
        session.rollback()
        raise
    return landed
