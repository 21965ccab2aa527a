"""The export task (by id, safe to repeat) and the sweeper that restarts a stalled one."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from console.core import database
from console.core.tasks import celery, enqueue, periodic
from crm.core.storage import FileStore, instance_store
from crm.exports import runs
from crm.models.base import utcnow

# A build commits progress every percent; one silent this long has lost its runner.
STALLED_AFTER = timedelta(minutes=10)


def file_store() -> FileStore:
    """Where built case files are kept, beside the attachments they copy (under instance/)."""
    return instance_store(current_app.config["CASELINE"].instance_path)


@celery.task(name="caseline.exports.run")
def run_export(export_id: int) -> None:
    """Build one case file (a rerun, or a second runner, is safe)."""
    runs.run(database.get_db().factory, export_id, file_store())


@periodic(timedelta(minutes=2))
@celery.task(name="caseline.exports.resume")
def resume_exports() -> int:
    """Re-enqueue exports that stopped moving (a worker died mid-build)."""
    session = database.session()
    ids = runs.unfinished(session, utcnow() - STALLED_AFTER)
    session.rollback()
    for ident in ids:
        enqueue(run_export, ident)
    return len(ids)
