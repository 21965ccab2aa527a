"""Export fixtures: a file store and the app's session factory (the runner commits pages)."""

from __future__ import annotations

import pytest

from console.core.database import get_db
from crm.core.storage import FileStore


@pytest.fixture
def store(tmp_path) -> FileStore:
    """A blob store in the test's folder."""
    return FileStore(tmp_path / "files")


@pytest.fixture
def factory(app):
    """The app's session factory."""
    return get_db(app).factory
