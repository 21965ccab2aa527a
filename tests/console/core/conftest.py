"""Fixtures shared by the tests of console/core (none beyond tests/conftest.py yet)."""
