"""Who waits for one counter: its services' lines plus the visitors sent to it alone.

Loaded from the agency snapshot (in line order) and kept live from ticket events. A new
ticket joins the back of its line; a ticket that comes back into a line at a place the
events do not tell (a transfer, a returning no-show, a booking) makes ``apply`` answer
True, and the caller reloads the snapshot for the exact order.

The line order is the tickets' rank here; the order the counter calls them in is the
server's own rule (``shared.calling_order``) applied to that rank, so the list the
officer reads is the order "next" takes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from shared import wire
from shared.calling_order import Reason, Waiting, calling_order
from shared.timestamps import parse_time

Ticket = wire.Ticket
KEPT_STATES = ("waiting", "no_show")


def service_id_of(ticket: Ticket) -> int:
    service = ticket.get("service")
    return int(service.get("id") or 0) if service else 0


def agency_id_of(ticket: Ticket) -> int:
    agency = ticket.get("agency")
    return int(agency.get("id") or 0) if agency else 0


class CounterLine:
    """Waiting tickets for ``counter_id`` and the agency's no-shows of today."""

    def __init__(self) -> None:
        self.counter_id: int | None = None
        self.service_ids: frozenset[int] = frozenset()
        self.agency_id: int | None = None
        self._tickets: dict[int, Ticket] = {}
        self._rank: dict[int, int] = {}
        self._last_rank = 0

    def set_counter(self, counter: wire.Counter | None) -> None:
        if counter is None:
            self.counter_id, self.service_ids = None, frozenset()
            return
        self.counter_id = int(counter["id"])
        self.service_ids = frozenset(int(s) for s in counter.get("service_ids", ()))

    def load(self, waiting: Iterable[Ticket], no_shows: Iterable[Ticket] = ()) -> None:
        """Replace the waiting tickets (given in line order) and take the snapshot's
        no-shows (most recently marked first). No-shows seen being marked that the
        snapshot does not list stay known, as the newest: the snapshot may predate them."""
        waiting, no_shows = list(waiting), list(no_shows)
        listed = {int(t["id"]) for t in [*waiting, *no_shows]}
        kept = sorted(
            (
                (self._rank.get(tid, 0), t)
                for tid, t in self._tickets.items()
                if t.get("state") == "no_show" and tid not in listed
            ),
            key=lambda pair: pair[0],
        )
        self._tickets, self._rank, self._last_rank = {}, {}, 0
        # Later rank is newer among no-shows: the snapshot's oldest first, then the kept.
        for ticket in [*waiting, *reversed(no_shows), *(t for _, t in kept)]:
            self._put(ticket)

    def _put(self, ticket: Ticket) -> None:
        tid = int(ticket["id"])
        self._tickets[tid] = ticket
        if tid not in self._rank:
            self._last_rank += 1
            self._rank[tid] = self._last_rank

    def apply(self, ticket: Ticket, *, issued: bool = False) -> bool:
        """Take one ticket's new state; True when its place in the line is not known."""
        tid = int(ticket["id"])
        before = self._tickets.get(tid)
        state = ticket.get("state")
        if state not in KEPT_STATES:
            self._tickets.pop(tid, None)
            self._rank.pop(tid, None)
            return False
        came_back = state == "waiting" and not issued and (before is None or _moved(before, ticket))
        if came_back or (issued and ticket.get("booked_for")):
            self._rank.pop(tid, None)
            self._put(ticket)
            return self.concerns(ticket)
        self._put(ticket)
        return False

    def concerns(self, ticket: Ticket) -> bool:
        """Whether the ticket waits for this counter (sent to it, or in one of its lines)."""
        target = ticket.get("target_counter_id")
        if target is not None:
            return bool(target == self.counter_id)
        return service_id_of(ticket) in self.service_ids

    def waiting(self) -> list[Ticket]:
        """Sent to this counter first (it calls them first), then in line order."""
        mine = [
            t for t in self._tickets.values() if t.get("state") == "waiting" and self.concerns(t)
        ]
        return sorted(
            mine,
            key=lambda t: (t.get("target_counter_id") is None, self._rank.get(int(t["id"]), 0)),
        )

    def in_calling_order(
        self, *, now: dt.datetime, priority_every_n: int, calls_since_priority: int
    ) -> list[tuple[Ticket, Reason]]:
        """The waiting tickets in the order this counter pressing "next" would call them,
        each with the reason for its place (transferred here, booking, priority)."""
        order = calling_order(
            (self._as_waiting(t) for t in self.waiting()),
            counter_id=self.counter_id,
            now=now,
            priority_every_n=priority_every_n,
            calls_since_priority=calls_since_priority,
        )
        return [(self._tickets[placed.ticket.id], placed.reason) for placed in order]

    def _as_waiting(self, ticket: Ticket) -> Waiting:
        tid = int(ticket["id"])
        booked = ticket.get("source") == "booking"
        return Waiting(
            id=tid,
            queue_key=float(self._rank.get(tid, 0)),
            priority=ticket.get("priority") not in (None, "none"),
            booked_for=parse_time(ticket.get("booked_for")) if booked else None,
            target_counter_id=ticket.get("target_counter_id"),
        )

    def no_shows(self, today: str) -> list[Ticket]:
        """Today's no-shows of the agency, most recent first: the ones likely to come back."""
        found = [
            t
            for t in self._tickets.values()
            if t.get("state") == "no_show"
            and (not today or t.get("service_date") == today)
            and (self.agency_id is None or agency_id_of(t) == self.agency_id)
        ]
        return sorted(found, key=lambda t: -self._rank.get(int(t["id"]), 0))

    def counts_by_service(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for ticket in self.waiting():
            sid = service_id_of(ticket)
            counts[sid] = counts.get(sid, 0) + 1
        return counts

    def longest_wait(self, now: dt.datetime) -> dt.timedelta | None:
        starts = [parse_time(t.get("queued_at")) for t in self.waiting()]
        known = [s for s in starts if s is not None]
        return max(now - s for s in known) if known else None

    def get(self, ticket_id: int) -> Ticket | None:
        return self._tickets.get(ticket_id)


def _moved(before: Ticket, after: Ticket) -> bool:
    """A waiting ticket re-entered a line (transfer, requeue, counter closed)."""
    return (
        before.get("state") != "waiting"
        or service_id_of(before) != service_id_of(after)
        or before.get("target_counter_id") != after.get("target_counter_id")
        or before.get("queued_at") != after.get("queued_at")
    )
