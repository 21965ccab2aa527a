"""Import fixtures: a file store, a stored upload and its import, run by the service itself."""

from __future__ import annotations

import io

import pytest

from console.core.database import get_db
from crm.core.storage import FileStore
from crm.imports import runs


@pytest.fixture
def store(tmp_path) -> FileStore:
    """A blob store in the test's folder."""
    return FileStore(tmp_path / "files")


@pytest.fixture
def factory(app):
    """The app's session factory (the runner commits a batch a transaction)."""
    return get_db(app).factory


@pytest.fixture
def started(session, store, make_user):
    """Store data as a collections manager's upload and queue its import: its id."""
    manager = make_user("supervisor")

    def do(data: bytes) -> int:
        item = runs.start(session, manager, store, io.BytesIO(data), filename="d.csv")
        session.commit()
        return item.id

    return do
