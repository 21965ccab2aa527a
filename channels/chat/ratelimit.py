"""Per-visitor rate limits (in-process: chat sockets are sticky to one web process)."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque


class Limiter:
    """At most `limit` hits per `window` seconds for each key."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self._hits: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        """Record a hit for key; False when it is over its limit."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            if len(self._hits) > 50_000:  # forget idle keys so memory stays bounded
                for k in [k for k, v in self._hits.items() if not v][:10_000]:
                    del self._hits[k]
            return True
