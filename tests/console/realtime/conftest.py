"""Fixtures shared by the tests of console/realtime (tests/console/conftest.py has shared_db)."""
