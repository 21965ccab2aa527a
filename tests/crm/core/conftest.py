"""Fixtures shared by the tests of crm/core (none beyond tests/conftest.py yet)."""
