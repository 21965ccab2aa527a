"""Fixtures shared by the tests of channels/chat (none beyond tests/conftest.py yet)."""
