"""Reading the server's timestamps, once for every client.

The server writes ISO 8601 with an offset; a client compares them with its own
server-clock estimate, so a moment without an offset (an older server, a hand-written
fixture) is taken as UTC rather than as the PC's local time, and anything unreadable
is "no time" rather than an exception in a paint or a tick.
"""

from __future__ import annotations

import datetime as dt


def parse_time(value: object) -> dt.datetime | None:
    """An aware datetime from an ISO timestamp, or None for a missing or unreadable one."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
