"""Which adapter sends which medium: channels register themselves here by medium name."""

from __future__ import annotations

from collections.abc import Callable

from channels.base import ChannelAdapter

AdapterFactory = Callable[[object], ChannelAdapter]
_factories: dict[str, AdapterFactory] = {}


def register(medium: str, factory: AdapterFactory) -> None:
    """Make factory(settings) the way to build the adapter for a medium."""
    _factories[medium] = factory


def adapter_for(medium: str, settings) -> ChannelAdapter:
    """The adapter for a medium, built from settings; KeyError for a medium nobody sends."""
    return _factories[medium](settings)


def media() -> list[str]:
    """Every medium an adapter is registered for."""
    return sorted(_factories)
