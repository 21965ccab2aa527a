"""Fixtures of the send-time guardrail tests (the shared ones come from tests/conftest.py)."""
