"""The summary task (by interaction id, safe to repeat): read each document it carries."""

from __future__ import annotations

import logging

from flask import current_app

from console.core import database
from console.core.tasks import celery
from crm.core.storage import FileStore, instance_store
from crm.documents import records
from crm.models import DocumentSummary

log = logging.getLogger(__name__)


def file_store() -> FileStore:
    """Where attachments are kept (under instance/)."""
    return instance_store(current_app.instance_path)


@celery.task(name="caseline.documents.summarise")
def summarise(interaction_id: int) -> int:
    """Read and summarise the item's PDFs, Word files and long text; how many were read."""
    session = database.session()
    ids = records.wanted(session, interaction_id)
    session.commit()
    for ident in ids:
        try:
            records.read(session, ident, file_store())
            session.commit()
        except Exception:
            # Never leave a summary pending for ever: say it could not be read, and go on.
            session.rollback()
            log.exception("summarising document %s failed", ident)
            row = session.get(DocumentSummary, ident)
            if row is not None and row.status == "pending":
                row.status, row.message = "unreadable", "Not read: reading it failed."
                session.commit()
    return len(ids)
