"""Fixtures of the console's collections tests (the shared ones come from tests/conftest.py)."""
