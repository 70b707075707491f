"""The per-address rate limit of the public pages and calls: the booking pages and API,
the visitor's ticket page and its status call.

A booking code is 40 random bits, a ticket's status code 96: unguessable only while
guesses are few. Requests count against their client address (``request.remote_addr``:
behind nginx, the address ``proxy_hops`` trusts), in a sliding window of one minute. Over
the budget the answer is ``too_many_attempts`` (429) with Retry-After, as the login
throttle answers. Three budgets (``Scope``):

- ``page``: every request to the visitor's pages (``/booking``, ``/b/...``, ``/t/...``).
  A person never reaches it: a whole booking is about ten requests, a ticket page is
  opened once or twice a visit (its refreshes go to the status call, not the page).
- ``api``: every request to the booking API; larger, as one portal books for many.
- ``misses``: only the unknown or malformed codes asked of the ticket status call
  (``GET /api/v1/tickets/<code>``) or of a phone's ticket socket (``server/realtime.py``).
  Those are what an open ticket page uses: it reloads on every change of its line and
  every couple of minutes, for every phone in the hall, and a hall's guest Wi-Fi puts
  hundreds of phones behind one address. Counting every reload would refuse them;
  counting what a scanner mostly gets (misses) stops the scan and never a phone
  following its own ticket. Once over, every code is refused alike, known or not, so
  the answer tells nothing about which codes exist.

Kept in this process's memory, unlike the login throttle's rows: a page is read far more
often than a password is typed, and a database write per page view would cost more than
the guessing it stops. With several server processes each counts its own share, so an
address gets at most the budget times the number of processes (docs/booking.md).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from flask import current_app, request

from server.domain.errors import DomainError
from server.state import app_state
from shared.errors import ErrorCode

Scope = Literal["page", "api", "misses"]
WINDOW = dt.timedelta(minutes=1)
PAGE_BUDGET = 60  # requests a minute per address to the visitor's pages
API_BUDGET = 300  # requests a minute per address to the booking API
MISS_BUDGET = 30  # unknown ticket codes a minute per address to the status call
MAX_ADDRESSES = 50_000  # forget the oldest address beyond this, so memory stays bounded


@dataclass
class RateLimit:
    """Requests per key in a sliding window: each key keeps its recent request times."""

    budget: int
    window: dt.timedelta = WINDOW
    _seen: dict[str, deque[dt.datetime]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, key: str, now: dt.datetime, *, count: bool = True) -> int | None:
        """Count one request of ``key`` (only look, without ``count``); None when it is
        within the budget, else the seconds until the oldest counted request leaves the
        window."""
        with self._lock:
            times = self._seen.pop(key, None) or deque()
            while times and times[0] <= now - self.window:
                times.popleft()
            self._seen[key] = times  # re-inserted: the dict's order is last use
            if len(times) >= self.budget:
                return max(1, int((times[0] + self.window - now).total_seconds()) + 1)
            if count:
                times.append(now)
            while len(self._seen) > MAX_ADDRESSES:
                del self._seen[next(iter(self._seen))]
            return None


def _limits() -> dict[str, RateLimit]:
    limits: dict[str, RateLimit] = current_app.extensions.setdefault(
        "antre_public_limits",
        {
            "page": RateLimit(PAGE_BUDGET),
            "api": RateLimit(API_BUDGET),
            "misses": RateLimit(MISS_BUDGET),
        },
    )
    return limits


def check(scope: Scope, *, count: bool = True) -> None:
    """Count this request against its address in ``scope``; 429 over the budget.
    ``count=False`` only asks whether the address is over it (the misses' budget is
    looked at first, and a miss counted once it is known to be one)."""
    address = request.remote_addr or "unknown"
    wait = _limits()[scope].take(address, app_state().clock(), count=count)
    if wait is not None:
        raise DomainError(
            ErrorCode.TOO_MANY_ATTEMPTS,
            "too many requests from this address: try again shortly",
            retry_after=wait,
        )


def count_miss() -> None:
    """An unknown or malformed code was asked: one more towards the misses' budget."""
    address = request.remote_addr or "unknown"
    _limits()["misses"].take(address, app_state().clock())
