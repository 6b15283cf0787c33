"""A per-client sliding-window limit for the model-backed routes, so a stray page cannot spend the PM's
API budget. Bounded: the least recently seen clients are forgotten past `max_clients`."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable


class RateLimiter:
    """At most `limit` calls per `window_s` seconds for each client key."""

    def __init__(
        self, limit: int, window_s: float, *, clock: Callable[[], float] = time.monotonic, max_clients: int = 1024
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self.clock = clock
        self.max_clients = max_clients
        self._calls: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, key: str) -> float | None:
        """Record a call and return None, or return the seconds to wait when the client is over its limit."""
        now = self.clock()
        with self._lock:
            calls = self._calls.pop(key, None) or deque()
            while calls and calls[0] <= now - self.window_s:
                calls.popleft()
            self._calls[key] = calls
            if len(self._calls) > self.max_clients:
                self._calls.popitem(last=False)
            if len(calls) >= self.limit:
                return max(calls[0] + self.window_s - now, 0.0)
            calls.append(now)
            return None
