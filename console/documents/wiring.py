"""A new email (with its files) is read for summaries in a task, after it commits."""

from __future__ import annotations

from console.core.tasks import enqueue
from console.documents.tasks import summarise
from crm.core import events

# Email carries the claim forms and long letters; other media's files are not read (yet).
MEDIA = ("email",)


def on_created(_name: str, payload: dict) -> None:
    """An email landed or was sent: its PDFs, Word files and long text get summaries."""
    if payload.get("medium") in MEDIA:
        enqueue(summarise, payload["interaction_id"])


LISTENERS = ((events.INTERACTION_CREATED, on_created),)


def register_documents() -> None:
    """Summaries follow new emails."""
    events.subscribe_all(LISTENERS)
