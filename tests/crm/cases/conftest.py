"""Fixtures shared by the tests of crm/cases (none beyond tests/conftest.py yet)."""
