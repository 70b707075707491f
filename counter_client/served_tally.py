"""Today's served count and average service time at one counter.

The agency snapshot gives the day's figures (``today`` on each counter), so they survive
a restart of the window or a new login; visitors finished after the snapshot are added
as their ``done`` events (or the answer to the officer's own press) arrive, each once.
Without the server's figures (a server older than them) the tally counts what this
client saw since login, and says so (``since_login``) so the screen never passes a
partial count off as the day's.
"""

from __future__ import annotations

from dataclasses import dataclass

from shared import wire
from shared.timestamps import parse_time


@dataclass(frozen=True)
class _Seen:
    seconds: float | None  # service time, when known
    seq: int | None  # the seq of the event that told; None: the answer to a press


class ServedTally:
    """The counter's served count and average service time for today, kept right across
    snapshots, pushes and the officer's own presses."""

    def __init__(self) -> None:
        self.since_login = True
        self._base_count = 0
        self._base_seconds = 0.0
        self._base_timed = 0
        self._seen: dict[int, _Seen] = {}  # ticket id -> what was seen of its finish

    def reset(self, today: wire.CounterToday | None, seq: int | None = None) -> None:
        """Take the server's figures for the day from a snapshot of ``seq``.

        What the snapshot contains is dropped from what was seen: finishes told by an
        event up to ``seq``, and those told by a press's answer (a snapshot applied after
        the answer was read after the command). Finishes whose event is newer than the
        snapshot stay counted: it was read before them.
        """
        if not today:
            return
        self.since_login = False
        self._base_count = int(today.get("served") or 0)
        average = today.get("average_service_seconds")
        self._base_timed = self._base_count if average is not None else 0
        self._base_seconds = float(average or 0) * self._base_timed
        self._seen = {
            tid: seen
            for tid, seen in self._seen.items()
            if seq is not None and seen.seq is not None and seen.seq > seq
        }

    def add(self, ticket: wire.Ticket, seq: int | None = None) -> bool:
        """Count a finished ticket once; False when it was already counted."""
        tid = int(ticket["id"])
        before = self._seen.get(tid)
        if before is not None:
            if before.seq is None and seq is not None:
                self._seen[tid] = _Seen(before.seconds, seq)
            return False
        begin = parse_time(ticket.get("started_at") or ticket.get("called_at"))
        end = parse_time(ticket.get("finished_at"))
        seconds = (end - begin).total_seconds() if begin and end else None
        self._seen[tid] = _Seen(seconds, seq)
        return True

    @property
    def served(self) -> int:
        return self._base_count + len(self._seen)

    @property
    def average_seconds(self) -> float | None:
        timed = [s.seconds for s in self._seen.values() if s.seconds is not None]
        count = self._base_timed + len(timed)
        if count == 0:
            return None
        return (self._base_seconds + sum(timed)) / count
