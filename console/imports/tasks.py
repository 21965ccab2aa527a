"""The import task (by id, resumable) and the sweeper that restarts an import whose runner died."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app

from console.core import database
from console.core.tasks import celery, enqueue, periodic
from crm.core.storage import FileStore, instance_store
from crm.imports import runs
from crm.models.base import utcnow

# An import with no committed batch for this long has lost its runner (a batch takes ~1 s).
STALLED_AFTER = timedelta(minutes=5)


def file_store() -> FileStore:
    """Where uploaded files are kept (under instance/)."""
    return instance_store(current_app.instance_path)


@celery.task(name="caseline.imports.run")
def run_import(import_id: int) -> None:
    """Work one import from where it got to (a rerun, or a second runner, is safe)."""
    settings = current_app.config["CASELINE"]
    runs.run(database.get_db().factory, import_id, file_store(),
             region=settings.default_phone_region)


@periodic(timedelta(minutes=1))
@celery.task(name="caseline.imports.resume")
def resume_imports() -> int:
    """Re-enqueue imports that stopped moving (a worker or process died mid-file)."""
    session = database.session()
    ids = runs.unfinished(session, utcnow() - STALLED_AFTER)
    session.rollback()
    for ident in ids:
        enqueue(run_import, ident)
    return len(ids)
