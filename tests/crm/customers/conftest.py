"""Fixtures shared by the tests of crm/customers (none beyond tests/conftest.py yet)."""
