"""Failed sign-ins counted per address and per account from an address (Redis or in-process).

Why not lock the account: a lock after N failures lets anyone who knows a colleague's email
keep them out of the console. Instead two counters, each over a fixed window:

- per network address (an IPv6 /64), across all accounts: one address cannot guess many
  passwords (or try one password on many accounts), and is told to wait (429, Retry-After);
- per account *and* address: a guesser is stopped on that account from where they are,
  while the account's owner, signing in from anywhere else, is not affected at all.

A success clears the account-and-address counter but not the address's: an attacker cannot
reset their budget by signing in to an account of their own. Unknown emails are counted the
same way as known ones, so the answers do not reveal which accounts exist.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import threading
import time
from dataclasses import dataclass

from console.core import shared_state

WINDOW = 15 * 60  # seconds
PER_ADDRESS = 20
PER_ACCOUNT_ADDRESS = 5


@dataclass(frozen=True)
class Wait:
    """Why a sign-in is refused before checking the password, and for how many seconds."""

    seconds: int
    message: str


def attempt(address: str | None, email: str) -> Wait | None:
    """Count a sign-in attempt; a Wait when this address, or this account from it, is over.

    Counted before the password is checked, so parallel guesses cannot all slip in before
    the first failure is recorded; a success is taken back off (succeeded).
    """
    return _count(address, email, "signin-fail", "failed sign-ins")


def reset_requested(address: str | None, email: str) -> Wait | None:
    """Count a password-reset request on counters of its own (the same limits): nobody floods
    a mailbox, and resets asked for from an office do not use up its sign-in budget."""
    return _count(address, email, "reset", "reset requests")


def _count(address: str | None, email: str, kind: str, what: str) -> Wait | None:
    counts = _counts()
    for key, limit, where in ((_address_key(address, kind), PER_ADDRESS, "from your network"),
                              (_account_key(address, email, kind), PER_ACCOUNT_ADDRESS,
                               "for this email")):
        tried, ttl = counts.add(key)
        if tried > limit:
            return Wait(max(1, math.ceil(ttl)), f"Too many {what} {where}. "
                                                 f"Try again in {max(1, math.ceil(ttl / 60))} "
                                                 "minutes.")
    return None


def succeeded(address: str | None, email: str) -> None:
    """The attempt was good: it does not count against the address, and the account's
    failures from there are forgotten (the address's other failures stay)."""
    counts = _counts()
    counts.take_back(_address_key(address))
    counts.clear(_account_key(address, email))


def _address_key(address: str | None, kind: str = "signin-fail") -> str:
    return f"caseline:{kind}:ip:{_network(address)}"


def _account_key(address: str | None, email: str, kind: str = "signin-fail") -> str:
    # Hashed: no email addresses in Redis keys, and a bounded key whatever was typed.
    account = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]
    return f"caseline:{kind}:acct:{account}:{_network(address)}"


def _network(address: str | None) -> str:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return "unknown"
    # One IPv6 subscriber usually holds a whole /64: per single address would be no limit.
    return str(ipaddress.ip_network(f"{ip}/64", strict=False)) if ip.version == 6 else str(ip)


class _LocalCounts:
    """Counters in this process (embedded mode): key -> (count, when the window ends)."""

    def __init__(self):
        self._counts: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def add(self, key: str) -> tuple[int, float]:
        now = time.monotonic()
        with self._lock:
            if len(self._counts) > 50_000:  # forget ended windows so memory stays bounded
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            count, until = self._counts.get(key, (0, 0.0))
            if until <= now:
                count, until = 0, now + WINDOW
            self._counts[key] = (count + 1, until)
            return count + 1, until - now

    def take_back(self, key: str) -> None:
        with self._lock:
            count, until = self._counts.get(key, (0, 0.0))
            if count > 0:
                self._counts[key] = (count - 1, until)

    def clear(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


class _SharedCounts:
    """Counters in Redis, so every web process sees the same attempts."""

    def __init__(self, redis):
        self.redis = redis

    def add(self, key: str) -> tuple[int, float]:
        # The window starts at the first attempt (NX) and is not extended by later ones.
        _, count, ttl = (self.redis.pipeline().set(key, 0, ex=WINDOW, nx=True).incr(key)
                         .ttl(key).execute())
        return int(count), float(ttl if ttl and ttl > 0 else WINDOW)

    def take_back(self, key: str) -> None:
        # SET NX first: a window that ended meanwhile must not leave a key without expiry.
        self.redis.pipeline().set(key, 0, ex=WINDOW, nx=True).decr(key).execute()

    def clear(self, key: str) -> None:
        self.redis.delete(key)


def _counts():
    return shared_state.store("sign_in_failures", _LocalCounts, _SharedCounts)
