"""Building a requested case file: read in pages, write the PDF (and ZIP) to disk, store it.

A run is safe to repeat: it builds the file anew, and only the first run to finish keeps its
result (a later one throws its copy away). Progress is committed and announced as it goes.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from crm.core import audit
from crm.core.db import session_scope
from crm.core.storage import BlobStore
from crm.exports import bundle, pdf, reading
from crm.exports.casefiles import announce, progress
from crm.models import CaseExport, User
from crm.models.base import utcnow

log = logging.getLogger(__name__)
FAILED = "the case file could not be built; ask again, or tell support if it fails again"


class _Progress:
    """Counts the rows laid out and commits the percentage when it moves."""

    def __init__(self, factory: sessionmaker[Session], export_id: int, total: int):
        self.factory, self.export_id, self.total, self.done = factory, export_id, total, 0
        self.shown = 0

    def tick(self, n: int) -> None:
        """n more rows are done; 99% at most until the file is stored."""
        self.done += n
        percent = min(99, self.done * 100 // max(self.total, 1))
        if percent <= self.shown:
            return
        self.shown = percent
        with session_scope(self.factory) as session:
            session.execute(update(CaseExport).where(
                CaseExport.id == self.export_id, CaseExport.status == "running")
                .values(progress=percent, updated_at=utcnow())
                .execution_options(synchronize_session=False))
            announce(session, session.get(CaseExport, self.export_id))


def run(factory: sessionmaker[Session], export_id: int, store: BlobStore,
        workdir: str | None = None) -> None:
    """Build the export from scratch unless it is finished; a failure is recorded, not lost."""
    with session_scope(factory) as session:
        item = session.get(CaseExport, export_id)
        if item is None or item.status in ("done", "failed"):
            return
        item.status, item.progress, item.updated_at = "running", 0, utcnow()
        announce(session, item)
    try:
        key, digest, size = _build_and_store(factory, store, export_id, workdir)
    except Exception:
        log.exception("export %s: the build failed", export_id)
        _finish(factory, export_id, "failed", error=FAILED)
        return
    if not _finish(factory, export_id, "done", storage_key=key, sha256=digest, size=size):
        store.delete(key)  # another run finished first; its file stands


def _build_and_store(factory, store: BlobStore, export_id: int,
                     workdir: str | None) -> tuple[str, str, int]:
    with session_scope(factory) as session:
        item = session.get(CaseExport, export_id)
        case_id, fmt, filename = item.case_id, item.format, item.filename
        by = session.get(User, item.requested_by_id) if item.requested_by_id else None
        made = {"id": item.id, "at": utcnow(), "by": by and f"{by.name} <{by.email}>"}
        found = reading.sections(session, case_id)
        total = reading.count_interactions(session, case_id) + reading.count_audit(
            session, case_id) + (reading.count_files(session, case_id) if fmt == "zip" else 0)
    tracker = _Progress(factory, export_id, total)
    with tempfile.TemporaryDirectory(dir=workdir, prefix="caseline-export-") as tmp:
        path = _build(factory, store, tmp, case_id, fmt, filename, made, found, tracker.tick)
        size = os.path.getsize(path)
        with open(path, "rb") as fh:
            key, digest = store.put_file(fh, suffix=fmt)
    return key, digest, size


def _build(factory, store: BlobStore, tmp: str, case_id: int, fmt: str, filename: str,
           made: dict, found: reading.Sections, tick: Callable[[int], None]) -> str:
    pdf_name = filename.rsplit(".", 1)[0] + ".pdf"
    pdf_path = os.path.join(tmp, pdf_name)
    pdf.write(pdf_path, made, found, reading.interactions(factory, case_id),
              reading.audit_trail(factory, case_id), tick)
    if fmt == "pdf":
        return pdf_path
    zip_path = os.path.join(tmp, filename)
    bundle.write(zip_path, pdf_path, pdf_name, store, reading.interactions(factory, case_id),
                 tick)
    return zip_path


def _finish(factory: sessionmaker[Session], export_id: int, status: str, **values) -> bool:
    # Only a running export finishes, once: a second runner's result is refused here.
    with session_scope(factory) as session:
        moved = session.execute(update(CaseExport).where(
            CaseExport.id == export_id, CaseExport.status == "running")
            .values(status=status, progress=100 if status == "done" else CaseExport.progress,
                    finished_at=utcnow(), updated_at=utcnow(), **values)
            .execution_options(synchronize_session=False))
        if moved.rowcount != 1:
            return False
        item = session.get(CaseExport, export_id)
        actor = session.get(User, item.requested_by_id) if item.requested_by_id else None
        audit.record(session, actor, f"export.{status}", item,
                     after={**progress(item), "sha256": item.sha256, "size": item.size})
        announce(session, item)
        return True


def unfinished(session: Session, idle_since) -> list[int]:
    """Exports queued or running with no progress since then (their runner died)."""
    return list(session.scalars(select(CaseExport.id).where(
        CaseExport.status.in_(("queued", "running")), CaseExport.updated_at < idle_since)))
