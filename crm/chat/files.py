"""A file the chat visitor sends (a photo of the damage, a PDF letter): checked, kept, shown.

The type is sniffed from the bytes (what the browser says is only a hint); agents open it
from the timeline through the one attachment download route.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from crm.cases import landing as inbound
from crm.chat import plain
from crm.chat import visits as chat
from crm.core.errors import Invalid
from crm.core.files import safe_filename, sniff
from crm.core.storage import BlobStore
from crm.models import Attachment

MAX_BYTES = 5 * 1024 * 1024
ACCEPTED = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})


def attach(session: Session, visit: chat.Visit, filename: str, data: bytes, message_id: str,
           store: BlobStore) -> inbound.Received:
    """The visitor's file as a chat message of their visit; a retried id is stored once."""
    if not data:
        raise Invalid(plain.FILE_EMPTY, code="file_empty")
    if len(data) > MAX_BYTES:
        raise Invalid(plain.FILE_TOO_BIG, code="file_too_big")
    content_type = sniff(data)
    if content_type not in ACCEPTED:
        raise Invalid(plain.FILE_TYPE, code="file_type")
    name = safe_filename(filename or "file")[:200] or "file"
    got = chat.post(session, visit, f"File: {name}", message_id)
    if got.created:
        key, digest = store.put(data)
        session.add(Attachment(interaction_id=got.interaction.id, kind="file", filename=name,
                               content_type=content_type, size=len(data), storage_key=key,
                               sha256=digest))
        session.flush()
    return got
