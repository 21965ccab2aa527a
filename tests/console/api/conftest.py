"""Fixtures shared by the tests of console/api (none beyond tests/console/conftest.py yet)."""
