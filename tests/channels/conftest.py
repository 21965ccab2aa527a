"""Fixtures shared by the channels' tests (each channel's conftest.py has its own)."""
