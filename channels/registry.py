"""Which adapter sends which medium: channels register themselves here by medium name."""

from __future__ import annotations

from collections.abc import Callable

from channels.base import ChannelAdapter

AdapterFactory = Callable[[object], ChannelAdapter]
_factories: dict[str, AdapterFactory] = {}
_not_messages: set[str] = set()


def register(medium: str, factory: AdapterFactory, *, messages: bool = True) -> None:
    """Make factory(settings) the way to build the adapter for a medium.

    `messages=False` keeps a medium out of the composer's replies (voice is live calls).
    """
    _factories[medium] = factory
    if not messages:
        _not_messages.add(medium)


def adapter_for(medium: str, settings) -> ChannelAdapter:
    """The adapter for a medium, built from settings; KeyError for a medium nobody sends."""
    return _factories[medium](settings)


def media() -> list[str]:
    """Every medium the composer can send a message on."""
    return sorted(set(_factories) - _not_messages)
