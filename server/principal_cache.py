"""Resolved tokens remembered for a few seconds per process.

A kiosk issuing hundreds of tickets would otherwise be looked up hundreds of times. A
revoked token (logout, renewed device token) stops working in this process at once, in
the others within ``CACHE_SECONDS``. Kept apart from ``server.principal`` so that the
application state can own a cache without importing the request-bound resolver.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from cachetools import TTLCache

from server.domain.access import Principal

CACHE_SECONDS = 5.0
# Bounded in memory: past this many live tokens the least recently used is dropped (the
# old cache cleared itself whole, so a hall past the bound looked every token up again).
CACHE_MAX = 10_000


class PrincipalCache:
    """token hash -> principal, for ``CACHE_SECONDS``, least recently used dropped first.

    Keys are hashes: no token is kept. A login's own expiry still wins over the cache's
    time (a token that expires within the five seconds is not trusted past it).
    """

    def __init__(
        self,
        *,
        seconds: float = CACHE_SECONDS,
        maxsize: int = CACHE_MAX,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._entries: TTLCache[str, tuple[Principal, dt.datetime | None]] = TTLCache(
            maxsize=maxsize, ttl=seconds, timer=timer
        )

    def get(self, key: str, now: dt.datetime) -> Principal | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        who, expires = entry
        if expires is not None and expires <= now:
            self._entries.pop(key, None)
            return None
        return who

    def put(self, key: str, who: Principal, expires: dt.datetime | None) -> None:
        self._entries[key] = (who, expires)

    def forget(self, key: str) -> None:
        self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)
