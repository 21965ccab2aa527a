"""Fixtures shared by the tests of crm/messaging (none beyond tests/conftest.py yet)."""
