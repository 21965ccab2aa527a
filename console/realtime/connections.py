"""The staff sockets this process holds: who is behind each, and by which credential."""

from __future__ import annotations

from dataclasses import dataclass

from console.realtime.rooms import AGENT_NS

__all__ = ["AGENT_NS", "Held", "all_held", "forget", "held", "hold", "user_of"]


@dataclass(frozen=True)
class Held:
    """One socket's user, and the digest of the API token it signed in with (None: cookie)
    or of the browser sign-in behind its cookie; a read-only token may only watch."""

    user_id: int
    token: str | None = None
    sign_in: str | None = None
    read_only: bool = False


_held: dict[str, Held] = {}


def hold(sid: str, user_id: int, token: str | None = None, sign_in: str | None = None,
         read_only: bool = False) -> None:
    """Remember a socket that signed in."""
    _held[sid] = Held(user_id, token, sign_in, read_only)


def held(sid: str) -> Held | None:
    """What is known of a socket held here."""
    return _held.get(sid)


def forget(sid: str) -> Held | None:
    """A socket closed: what it was."""
    return _held.pop(sid, None)


def user_of(sid: str) -> int | None:
    """The user behind a socket held here."""
    held = _held.get(sid)
    return held.user_id if held else None


def all_held() -> dict[str, Held]:
    """A snapshot of every socket held here."""
    return dict(_held)
