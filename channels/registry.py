"""Which adapter sends which medium: channels register themselves here by medium name."""

from __future__ import annotations

from collections.abc import Callable

from channels.base import ChannelAdapter

AdapterFactory = Callable[[object], ChannelAdapter]
_factories: dict[str, AdapterFactory] = {}
_own_pipeline: set[str] = set()
_not_messages: set[str] = set()


def register(medium: str, factory: AdapterFactory, *, own_pipeline: bool = False,
             messages: bool = True) -> None:
    """Make factory(settings) the way to build the adapter for a medium.

    `own_pipeline` marks a medium whose queued messages are sent and swept by its own task
    (email: threading headers, opt-out links, SMTP backoff), not the generic outbound task.
    `messages=False` keeps a medium out of the composer's replies (voice is live calls).
    """
    _factories[medium] = factory
    if own_pipeline:
        _own_pipeline.add(medium)
    if not messages:
        _not_messages.add(medium)


def adapter_for(medium: str, settings) -> ChannelAdapter:
    """The adapter for a medium, built from settings; KeyError for a medium nobody sends."""
    return _factories[medium](settings)


def media() -> list[str]:
    """Every medium the composer can send a message on."""
    return sorted(set(_factories) - _not_messages)


def generic_media() -> list[str]:
    """Media sent and swept by the generic outbound task."""
    return sorted(set(_factories) - _own_pipeline - _not_messages)
