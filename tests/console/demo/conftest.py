"""Fixtures shared by the tests of console/demo (none beyond tests/conftest.py yet)."""
