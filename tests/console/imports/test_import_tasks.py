"""The sweeper restarts an import whose runner died; the task itself is safe to run twice."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import update

from console.imports.tasks import STALLED_AFTER, file_store, resume_imports, run_import
from crm.imports import runs
from crm.models import Import
from crm.models.base import utcnow
from tests.console.imports.conftest import csv_bytes, row


def test_a_stalled_import_is_resumed_by_the_sweeper(ctx, session, manager):
    user, _ = manager
    item = runs.start(session, user, file_store(), io.BytesIO(csv_bytes([row(1), row(2)])),
                      filename="d.csv")
    session.commit()
    assert resume_imports.apply().get() == 0  # queued just now: its runner may be on its way
    session.execute(update(Import).values(updated_at=utcnow() - STALLED_AFTER
                                          - timedelta(seconds=1)))
    session.commit()
    assert resume_imports.apply().get() == 1
    session.refresh(item)
    session.commit()  # on SQLite an open transaction holds the write lock the runner needs
    assert (item.status, item.accepted) == ("done", 2)
    run_import.apply(args=(item.id,))  # a late duplicate delivery changes nothing
    session.refresh(item)
    assert (item.status, item.accepted, item.processed) == ("done", 2, 2)
