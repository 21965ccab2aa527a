"""Fixtures shared by the tests of console/routing (tests/conftest.py has connect, twilio_api)."""
