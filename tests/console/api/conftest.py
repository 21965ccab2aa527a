"""Fixtures shared by the tests of console/api."""

import pytest


@pytest.fixture
def get(client, token):
    """GET an /api/v1 path as the agent (or with the headers given)."""
    def do(path, headers=None):
        return client.get("/api/v1" + path,
                          headers=headers or {"Authorization": f"Bearer {token}"})
    return do
