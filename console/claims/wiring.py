"""Claims' in-transaction listeners: sign-off applies a claim's move, an attachment its document."""

from __future__ import annotations

from crm.claims import documents, transitions
from crm.core import events


def register_claims() -> None:
    """An approved settlement or decline moves its claim, and an inbound file that can only be
    the one document asked for closes its task, each in the transaction that caused it."""
    events.subscribe_all(in_transaction=(*transitions.IN_TRANSACTION,
                                         *documents.IN_TRANSACTION))
