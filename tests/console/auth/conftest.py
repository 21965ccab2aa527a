"""Fixtures shared by the tests of console/auth (none beyond tests/conftest.py yet)."""
