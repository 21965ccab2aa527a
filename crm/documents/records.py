"""Summarising a timeline item's documents: which need it, and reading each once.

An inbound or outbound PDF or Word attachment, and an email whose own text is long, each get
one summary row (keyed, so a repeated task adds none). Reading happens in a task, outside
the request; the row says pending until then, and afterwards done or why not.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from crm.core import events
from crm.core.storage import BlobStore
from crm.documents import extract, summary
from crm.models import Attachment, DocumentSummary, Interaction

LONG_EMAIL = 1200  # characters: an email this long is summarised like a document
FILE_KINDS = ("file", "media")


def _key(item: Interaction, att: Attachment | None) -> str:
    return f"attachment:{att.id}" if att else f"body:{item.id}"


def wanted(session: Session, interaction_id: int) -> list[int]:
    """The ids of the item's summaries still to read, made pending first when new."""
    item = session.get(Interaction, interaction_id)
    if item is None:
        return []
    sources: list[Attachment | None] = [
        a for a in item.attachments if a.kind in FILE_KINDS and a.storage_key
        and extract.kind_of(a.content_type, a.filename)]
    if item.medium == "email" and len(item.body or "") >= LONG_EMAIL:
        sources.append(None)
    for att in sources:
        key = _key(item, att)
        if session.scalar(select(DocumentSummary.id).where(DocumentSummary.key == key)):
            continue
        try:
            with session.begin_nested():  # another runner may add the same one at once
                session.add(DocumentSummary(key=key, client_id=item.client_id,
                                            case_id=item.case_id, interaction_id=item.id,
                                            attachment_id=att.id if att else None))
        except IntegrityError:
            continue
    return list(session.scalars(select(DocumentSummary.id).where(
        DocumentSummary.interaction_id == item.id, DocumentSummary.status == "pending")
        .order_by(DocumentSummary.id)))


def read(session: Session, summary_id: int, store: BlobStore) -> DocumentSummary | None:
    """Read one pending summary's document and keep what it says (a bad file: its status)."""
    row = session.get(DocumentSummary, summary_id)
    if row is None or row.status != "pending":
        return row
    item = session.get(Interaction, row.interaction_id)
    if row.attachment_id is None:
        found = extract.Extracted("done", (item.body or "")[:extract.MAX_CHARS])
    else:
        att = session.get(Attachment, row.attachment_id)
        found = _file(att, store)
    row.status, row.message, row.pages = found.status, found.message, found.pages
    row.characters = len(found.text)
    if found.status == "done":
        said = summary.summarise(found.text)
        row.sentences, row.facts = said.sentences, said.facts
        if not said.sentences and not row.message:
            row.message = "Nothing in it names a date, an amount, a person or a number."
    session.flush()
    events.emit(session, events.DOCUMENT_SUMMARISED, summary_id=row.id,
                interaction_id=item.id, case_id=item.case_id, client_id=item.client_id)
    events.emit(session, events.INTERACTION_UPDATED, interaction_id=item.id,
                case_id=item.case_id, client_id=item.client_id)
    return row


def _file(att: Attachment, store: BlobStore) -> extract.Extracted:
    kind = extract.kind_of(att.content_type, att.filename)
    if att.size and att.size > extract.MAX_BYTES:
        return extract.Extracted("too_large", message=f"Not read: the file is over "
                                 f"{extract.MAX_BYTES // (1024 * 1024)} MB.")
    try:
        with store.open(att.storage_key) as f:
            data = f.read(extract.MAX_BYTES + 1)
    except FileNotFoundError:
        return extract.Extracted("unreadable", message="Not read: the file is missing from "
                                 "storage.")
    return extract.extract(data, kind)


def of_case(session: Session, case_id: int) -> list[DocumentSummary]:
    """The case's read documents with facts, oldest first (the fraud rules compare them)."""
    return list(session.scalars(select(DocumentSummary).where(
        DocumentSummary.case_id == case_id, DocumentSummary.status == "done")
        .order_by(DocumentSummary.id).limit(200)))
