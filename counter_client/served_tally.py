"""Today's served count and average service time at one counter.

The server's snapshot gives the day's figures when it has them (``today`` on the
counter); visitors finished after it are added as their ``done`` events arrive, each once.
Without the server's figures the tally counts what this client saw since login, and says
so (``since_login``) so the screen never passes a partial count off as the day's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from counter_client.hall import parse_time


class ServedTally:
    def __init__(self) -> None:
        self.since_login = True
        self._base_count = 0
        self._base_seconds = 0.0
        self._base_timed = 0
        self._seen: dict[int, float | None] = {}  # ticket id -> service seconds

    def reset(self, today: Mapping[str, Any] | None) -> None:
        """Take the server's figures for the day; what was seen before is in them."""
        if not today:
            return
        self.since_login = False
        self._base_count = int(today.get("served") or 0)
        average = today.get("average_service_seconds")
        self._base_timed = self._base_count if average is not None else 0
        self._base_seconds = float(average or 0) * self._base_timed
        self._seen.clear()

    def add(self, ticket: Mapping[str, Any]) -> bool:
        """Count a finished ticket once; False when it was already counted."""
        tid = int(ticket["id"])
        if tid in self._seen:
            return False
        begin = parse_time(ticket.get("started_at") or ticket.get("called_at"))
        end = parse_time(ticket.get("finished_at"))
        self._seen[tid] = (end - begin).total_seconds() if begin and end else None
        return True

    @property
    def served(self) -> int:
        return self._base_count + len(self._seen)

    @property
    def average_seconds(self) -> float | None:
        timed = [s for s in self._seen.values() if s is not None]
        count = self._base_timed + len(timed)
        if count == 0:
            return None
        return (self._base_seconds + sum(timed)) / count
