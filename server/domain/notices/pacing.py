"""How often a worker may call each provider: a token bucket per channel.

Providers set their own limits (Telegram about 30 messages a second per bot, Meta's
80 a second per WhatsApp number, the gateways' device-friendly pace for Fonnte and
Wablas: docs/notifications.md#limits). A worker takes one token per send and claims no
more notices of a channel than it holds tokens for, so a notice never waits in
``sending`` for its turn. Each process has its own buckets: two ``notify-worker``
processes together send up to twice the configured rate.
"""

from __future__ import annotations

import threading
from collections.abc import Callable


class TokenBucket:
    """``per_minute`` sends a minute on average, at most ``burst`` at once."""

    def __init__(
        self, per_minute: float, burst: int | None = None, *, clock: Callable[[], float]
    ) -> None:
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        self.rate = per_minute / 60.0
        self.capacity = float(burst if burst is not None else max(1, round(per_minute / 60)))
        self._tokens = self.capacity
        self._clock = clock
        self._last = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
        self._last = now

    def available(self) -> int:
        """Whole sends allowed now."""
        with self._lock:
            self._refill()
            return int(self._tokens)

    def take(self, count: int = 1) -> int:
        """Take up to ``count`` tokens; returns how many were taken."""
        with self._lock:
            self._refill()
            taken = min(count, int(self._tokens))
            self._tokens -= taken
            return taken

    def give_back(self, count: int) -> None:
        """Return tokens taken for notices that were not claimed after all."""
        with self._lock:
            self._tokens = min(self.capacity, self._tokens + count)
