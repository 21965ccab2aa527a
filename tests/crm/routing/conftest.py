"""Fixtures shared by the tests of crm/routing (none beyond tests/conftest.py yet)."""
