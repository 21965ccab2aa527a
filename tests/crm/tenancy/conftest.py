"""Fixtures shared by the tests of crm/tenancy (none beyond tests/conftest.py yet)."""
