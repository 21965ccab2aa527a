"""Files an agent attaches in the composer: checked and stored on upload, then carried by the
message they are sent with (each medium says which types and how much it takes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from crm.cases import records as cases
from crm.core import audit
from crm.core.errors import DomainError, Invalid, NotFound
from crm.core.files import safe_filename, sniff
from crm.core.storage import BlobStore
from crm.guardrails import Medium
from crm.guardrails.media import DOCUMENTS
from crm.models import Attachment, Case, Interaction, Upload, User

MAX_FILE = 10 * 1024 * 1024  # the largest single file, whatever the medium
MAX_FILES = 10  # Twilio takes at most 10 media per message
# What an agent may attach at all: evidence and documents customers can open safely. Never
# markup or executables (HTML, SVG, scripts) whatever their name says: the bytes decide.
ALLOWED = DOCUMENTS
LABELS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF", "image/webp": "WebP",
          "application/pdf": "PDF", "text/plain": "text",
          "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel"}


class TooLarge(DomainError):
    """A file (or a message's files together) over the limit."""

    code = "too_large"
    status = 413


class Unsupported(DomainError):
    """A type of file we do not accept (or this medium cannot carry)."""

    code = "unsupported_type"
    status = 415


def _kinds(types) -> str:
    return ", ".join(sorted({LABELS.get(t, t) for t in types}))


def upload(session: Session, actor: User, case_id: int, filename: str | None,
           data: bytes, store: BlobStore) -> Upload:
    """Keep a file for a message on this case; its type is what the bytes are."""
    case = cases.get(session, actor, case_id, audit_view=False)
    if not data:
        raise Invalid("the file is empty")
    if len(data) > MAX_FILE:
        raise TooLarge(f"a file can be at most {MAX_FILE // 1024 // 1024} MB "
                       f"(this one is {len(data) / 1024 / 1024:.1f} MB)")
    ctype = sniff(data)
    if ctype not in ALLOWED:
        raise Unsupported(f"files of this type ({ctype}) cannot be attached; attach "
                          f"{_kinds(ALLOWED)}")
    key, digest = store.put(data)
    item = Upload(client_id=case.client_id, case_id=case.id, user_id=actor.id,
                  filename=safe_filename(filename), content_type=ctype, size=len(data),
                  storage_key=key, sha256=digest)
    session.add(item)
    session.flush()
    audit.record(session, actor, "upload.created", item, client_id=case.client_id,
                 after={"case_id": case.id, "filename": item.filename, "size": item.size})
    return item


def discard(session: Session, actor: User, upload_id: int) -> Upload:
    """Take an upload back before it is sent (only its uploader can); the caller deletes its
    file (`item.storage_key`) once this is committed."""
    item = session.get(Upload, upload_id)
    if item is None or item.user_id != actor.id:
        raise NotFound("upload not found")
    session.delete(item)
    return item


def sweep(session: Session, older_than: datetime, limit: int = 500) -> list[str]:
    """Forget uploads never sent with a message, made before older_than; returns their storage
    keys, whose files the caller deletes after the commit (a sent upload's key belongs to its
    attachment now, and its row is gone, so it is never among them)."""
    ids = session.scalars(select(Upload.id).where(Upload.created_at < older_than)
                          .order_by(Upload.id).limit(limit)).all()
    if not ids:
        return []
    # RETURNING names only the rows this statement removed: one a send took meanwhile is not
    # among them, so its file (now the attachment's) is never deleted.
    return list(session.scalars(delete(Upload).where(Upload.id.in_(ids))
                                .returning(Upload.storage_key)))


def pending(session: Session, actor: User, case: Case, ids, medium: Medium) -> list[Upload]:
    """The actor's uploads on this case, checked against what the medium carries."""
    ids = list(dict.fromkeys(ids or ()))
    if not ids:
        return []
    if not medium.attachment_types:
        raise Unsupported(f"{medium.name} messages cannot carry files")
    if len(ids) > MAX_FILES:
        raise Invalid(f"at most {MAX_FILES} files a message")
    found = {u.id: u for u in session.scalars(select(Upload).where(
        Upload.id.in_(ids), Upload.user_id == actor.id, Upload.case_id == case.id))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise Invalid(f"upload {missing[0]} is not one of yours on this case (already sent?)")
    files = [found[i] for i in ids]
    for f in files:
        if f.content_type not in medium.attachment_types:
            raise Unsupported(f"{f.filename} ({LABELS.get(f.content_type, f.content_type)}) "
                              f"cannot go by {medium.name}; it carries "
                              f"{_kinds(medium.attachment_types)}")
    total = sum(f.size for f in files)
    if total > medium.attachment_bytes:
        raise TooLarge(f"{medium.name} can carry at most "
                       f"{medium.attachment_bytes // 1024 // 1024} MB of files in one message "
                       f"(these are {total / 1024 / 1024:.1f} MB)")
    return files


def attach(session: Session, item: Interaction, files: list[Upload]) -> None:
    """The uploads become the message's attachments (the stored bytes stay where they are)."""
    for f in files:
        session.add(Attachment(interaction_id=item.id, kind="file", filename=f.filename,
                               content_type=f.content_type, size=f.size,
                               storage_key=f.storage_key, sha256=f.sha256))
        session.delete(f)
    session.flush()
