"""The per-address rate limit of the booking pages and the booking API.

A booking code is 40 random bits: unguessable only while guesses are few. Every request
to ``/booking``, ``/b/...`` and the booking endpoints of ``/api/v1`` counts against its
client address (``request.remote_addr``: behind nginx, the address ``proxy_hops`` trusts),
in a sliding window of one minute. Over the budget the answer is
``too_many_attempts`` (429) with Retry-After, as the login throttle answers.

Kept in this process's memory, unlike the login throttle's rows: a booking page is read
far more often than a password is typed, and a database write per page view would cost
more than the guessing it stops. With several server processes each counts its own share,
so an address gets at most the budget times the number of processes (docs/booking.md).
The visitor's pages get a budget a person booking never reaches (a booking is about ten
requests); the API's is larger, as one portal server books for many visitors.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from dataclasses import dataclass, field

from flask import current_app, request

from server.domain.errors import DomainError
from server.state import app_state
from shared.errors import ErrorCode

WINDOW = dt.timedelta(minutes=1)
PAGE_BUDGET = 60  # requests a minute per address to the visitor's pages
API_BUDGET = 300  # requests a minute per address to the booking API
MAX_ADDRESSES = 50_000  # forget the oldest address beyond this, so memory stays bounded


@dataclass
class RateLimit:
    """Requests per key in a sliding window: each key keeps its recent request times."""

    budget: int
    window: dt.timedelta = WINDOW
    _seen: dict[str, deque[dt.datetime]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str, now: dt.datetime) -> int | None:
        """Count one request of ``key``; None when it is within the budget, else the
        seconds until the oldest counted request leaves the window."""
        with self._lock:
            times = self._seen.pop(key, None) or deque()
            while times and times[0] <= now - self.window:
                times.popleft()
            self._seen[key] = times  # re-inserted: the dict's order is last use
            if len(times) >= self.budget:
                return max(1, int((times[0] + self.window - now).total_seconds()) + 1)
            times.append(now)
            while len(self._seen) > MAX_ADDRESSES:
                del self._seen[next(iter(self._seen))]
            return None


def _limits() -> dict[str, RateLimit]:
    limits: dict[str, RateLimit] = current_app.extensions.setdefault(
        "antre_booking_limits",
        {"page": RateLimit(PAGE_BUDGET), "api": RateLimit(API_BUDGET)},
    )
    return limits


def check(scope: str) -> None:
    """Count this request against its address in ``scope`` (``page`` or ``api``)."""
    address = request.remote_addr or "unknown"
    wait = _limits()[scope].take(address, app_state().clock())
    if wait is not None:
        raise DomainError(
            ErrorCode.TOO_MANY_ATTEMPTS,
            "too many booking requests from this address: try again shortly",
            retry_after=wait,
        )
