"""Push events collected during a transaction, numbered per room before it commits
(docs/design.md#push-protocol).

Numbering in the transaction (a row per room, incremented under its lock) makes each
room's ``seq`` follow commit order whatever the number of server processes; the
events are pushed only after the commit, so nobody hears of a change that was rolled
back. A process that dies between commit and push leaves a gap the clients notice
on the next event, and they reload the snapshot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from server.models import RoomSeq

from .sql import increment_many


@dataclass(frozen=True)
class PushEvent:
    """One numbered event for one room, ready for ``server.push.send`` once the
    transaction has committed."""

    name: str
    room: str
    payload: dict[str, Any]


# One of the typed push payloads (shared.wire), or a callable making one at flush.
Payload = Mapping[str, object] | Callable[[], Mapping[str, object]]


@dataclass
class Outbox:
    """The pushes a transaction has queued: nothing leaves before commit, so no client
    ever hears of a change that was rolled back."""

    _pending: list[tuple[str, tuple[str, ...], Payload]] = field(default_factory=list)

    def add(self, name: str, rooms: list[str] | tuple[str, ...], payload: Payload) -> None:
        """Queue ``name`` for every room in ``rooms`` (duplicates ignored).

        A callable payload is computed in ``flush``, once the rooms are locked: figures
        such as a line's waiting count then include every transaction that got an earlier
        ``seq`` (PostgreSQL's READ COMMITTED shows each statement the latest commits), so
        a later event never carries older figures than an earlier one.
        """
        unique = tuple(dict.fromkeys(rooms))
        if unique:
            self._pending.append((name, unique, payload))

    def flush(
        self, session: Session, listened: Callable[[str], bool] | None = None
    ) -> list[PushEvent]:
        """Number the queued events (one seq per room per event) and hand them out.

        With ``listened`` (whether a socket may be in a room: ``server.push.listened``),
        an event is handed out only for the rooms somebody may hear it in, and a
        callable payload is not even computed when nobody may hear the event at all (a
        line's figures cost a statement). Every event is numbered all the same: a
        client that joins later reads the room's last ``seq`` from its snapshot.
        """
        needed = Counter(room for _, rooms, _ in self._pending for room in rooms)
        if not needed:
            return []
        table = RoomSeq.__table__
        tops = increment_many(session, table, "room", "last_seq", dict(needed))  # type: ignore[arg-type]
        last = {room: tops[room] - count for room, count in needed.items()}
        out: list[PushEvent] = []
        for name, rooms, deferred in self._pending:
            heard = rooms if listened is None else [r for r in rooms if listened(r)]
            if not heard:
                for room in rooms:
                    last[room] += 1
                continue
            payload = deferred() if callable(deferred) else deferred
            for room in rooms:
                last[room] += 1
                if room in heard:
                    out.append(PushEvent(name, room, {**payload, "room": room, "seq": last[room]}))
        self._pending.clear()
        return out


def current_seq(session: Session, room: str) -> int:
    """The seq of the last event of ``room`` (0 before the first)."""
    row = session.get(RoomSeq, room)
    return row.last_seq if row else 0
