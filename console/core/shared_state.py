"""State every web process must agree on: in Redis when REDIS_URL is set, else in-process."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app

T = TypeVar("T")


def redis_client():
    """The app's one Redis client for shared state (decoded strings)."""
    client = current_app.extensions.get("caseline.redis")
    if client is None:
        import redis

        client = redis.Redis.from_url(current_app.config["CASELINE"].redis_url,
                                      decode_responses=True)
        current_app.extensions["caseline.redis"] = client
    return client


def store(name: str, local: Callable[[], T], shared: Callable[[object], T]) -> T:
    """The app's store called name: shared(redis client) with Redis, local() without."""
    key = f"caseline.{name}"
    found = current_app.extensions.get(key)
    if found is None:
        found = shared(redis_client()) if current_app.config["CASELINE"].redis_url else local()
        current_app.extensions[key] = found
    return found
