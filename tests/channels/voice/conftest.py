"""Fixtures shared by the tests of channels/voice (none beyond tests/conftest.py yet)."""
