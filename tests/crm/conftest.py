"""Fixtures shared by the domain's tests (tests/conftest.py has the database and users)."""
