"""Playbooks' in-transaction listeners: the work done on a case ticks its steps."""

from __future__ import annotations

from crm.core import events
from crm.playbooks import triggers


def register_playbooks() -> None:
    """A captured field, a sent document or a wrap-up ticks the steps it completes, in the
    transaction that did the work (see crm.playbooks.triggers)."""
    events.subscribe_all(in_transaction=triggers.IN_TRANSACTION)
