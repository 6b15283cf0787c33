"""The one retry layer: bounded attempts, deterministic exponential backoff, `retry-after` honoured.

SDK retries are switched off (`max_retries=0`) so that this is the only place that retries.
Only errors whose class says `retryable` are retried: 408, 409, 429, 5xx, timeouts, connection errors.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from assistant.llm.providers.errors import ProviderError

T = TypeVar("T")

RETRY_STATUSES = frozenset({408, 409, 429})


def is_retryable_status(status: int) -> bool:
    return status in RETRY_STATUSES or status >= 500


@dataclass(frozen=True)
class RetryPolicy:
    """Delays: base * multiplier**(n-1), capped; a server's retry-after wins when present."""

    max_attempts: int = 3
    base_delay: float = 0.5
    multiplier: float = 2.0
    max_delay: float = 8.0
    max_retry_after: float = 60.0  # a server asking for a longer wait ends the retries

    def backoff(self, attempt: int) -> float:
        """Delay after failed attempt number `attempt` (1-based), without a server hint."""
        return min(self.max_delay, self.base_delay * self.multiplier ** (attempt - 1))


def parse_retry_after(headers: Mapping[str, str] | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from `retry-after-ms`, or `retry-after` (seconds or an HTTP date)."""
    if not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    value = lowered.get("retry-after-ms")
    if value is not None:
        try:
            return max(0.0, float(value) / 1000.0)
        except ValueError:
            pass
    value = lowered.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def call_with_retry(
    fn: Callable[[], T],
    *,
    policy: RetryPolicy,
    sleep: Callable[[float], None] = time.sleep,
    on_retry: Callable[[ProviderError, float], None] | None = None,
) -> tuple[T, int]:
    """Call `fn` until it succeeds or fails for good; return (result, attempts used).

    A `ProviderError` that escapes carries the number of attempts in `.attempts`.
    """
    attempts = max(1, policy.max_attempts)
    for attempt in range(1, attempts + 1):
        try:
            return fn(), attempt
        except ProviderError as error:
            error.attempts = attempt
            if not error.retryable or attempt >= attempts:
                raise
            delay = error.retry_after if error.retry_after is not None else policy.backoff(attempt)
            if delay > policy.max_retry_after:
                raise
            if on_retry is not None:
                on_retry(error, delay)
            sleep(delay)
    raise AssertionError("unreachable")  # pragma: no cover
