"""Live events back in ``seq`` order before the board applies them.

``LiveFeed`` accepts each event in order, but python-socketio runs every event handler
on a thread of its own, so two accepted events may reach the GUI thread swapped
(``#14`` before ``#12``). Applied as they come, the older one would be ignored and a
call lost; here an early event waits for the ones before it, which are already on
their way. If they do not come (a bug, not a network fault: those are gaps the feed
itself reports), the caller resynchronises.
"""

from __future__ import annotations

from typing import Any

Event = tuple[str, dict[str, Any]]


class SeqOrder:
    def __init__(self) -> None:
        self._early: dict[int, Event] = {}

    @property
    def waiting(self) -> int:
        """Events held back for an earlier one."""
        return len(self._early)

    def put(self, last: int | None, name: str, payload: dict[str, Any]) -> list[Event]:
        """The events to apply now, in order, after the last applied ``last``."""
        seq = payload.get("seq")
        if last is None or not isinstance(seq, int):
            return [(name, payload)]
        if seq <= last:
            return []
        self._early[seq] = (name, payload)
        return self.ready(last)

    def ready(self, last: int) -> list[Event]:
        """The held events that follow ``last`` without a hole, taken out in order."""
        ready: list[Event] = []
        while (last := last + 1) in self._early:
            ready.append(self._early.pop(last))
        return ready

    def forget(self, up_to: int | None = None) -> None:
        """Drop held events (all, or those a snapshot of seq ``up_to`` already contains)."""
        if up_to is None:
            self._early.clear()
        else:
            self._early = {s: e for s, e in self._early.items() if s > up_to}
