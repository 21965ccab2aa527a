"""The client-wide knobs of collections work (set from the environment by the console)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Terms:
    """How strict promises are, and how large a settlement discount an agent may give alone."""

    promise_tolerance_cents: int = 100  # a promise short by at most this much is still kept
    promise_grace_days: int = 2  # days after due_on a payment still keeps a promise
    settlement_free_discount_pct: int = 10  # a deeper discount needs four-eyes sign-off


DEFAULT = Terms()
