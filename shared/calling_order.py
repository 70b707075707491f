"""The calling order at a counter, in one place for the server and the clients.

The policy (docs/design.md#calling-order):

1. tickets transferred to this very counter, oldest first;
2. booked visitors whose slot has come, by slot;
3. priority tickets: always first (``priority_every_n`` 1), on every Nth call (N > 1:
   a counter that made N-1 calls since its last priority ticket gives the next one to
   a waiting priority ticket), or never preferred (0);
4. everything else, first come first served across the counter's lines.

The server claims the ticket "next" takes by walking this order (``server.domain.calling``);
the visitor's "people ahead" is the ticket's place in it; the counter client lists its
waiting line in it. So the three can never disagree about who comes first. The function
plays the counter's calls forward over the tickets waiting now: arrivals still to come,
slots still to fall due and other counters of the same line are not foreseen.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Waiting:
    """What the order needs to know of one waiting ticket."""

    id: int
    # The place in its line: lower is earlier (the server's queue_key; a client may pass
    # the rank of its own line order instead). Ties go to the lower id.
    queue_key: float
    priority: bool
    # Set only for a booked ticket (source "booking"): it comes first once this is past.
    booked_for: dt.datetime | None = None
    target_counter_id: int | None = None


class Reason(StrEnum):
    """Why a ticket is where it is in the order (shown to the officer)."""

    TRANSFERRED = "transferred"
    BOOKING = "booking"
    PRIORITY = "priority"
    ARRIVAL = "arrival"


@dataclass(frozen=True)
class Placed:
    """One waiting ticket at its place in the order, with why it is there (the counter
    client's waiting list shows the reason)."""

    ticket: Waiting
    reason: Reason


def priority_turn(calls_since_priority: int, every_n: int) -> bool:
    """Whether the next call goes to a waiting priority ticket."""
    if every_n <= 0:
        return False
    return calls_since_priority >= every_n - 1


def fixed_rank(ticket: Waiting, now: dt.datetime, priority_first: bool) -> tuple[int, float]:
    """The ticket's group in the order when it does not depend on the counter's own count
    (``priority_every_n`` 0 or 1): 0 sent to a counter, 1 a booking whose slot has come,
    2 priority (when it goes first), 3 the line; and the group's first sort key (the slot,
    for bookings). Within a group, then by (queue_key, id). The server counts "people
    ahead" in SQL by this rank (``server.domain.calling``)."""
    if ticket.target_counter_id is not None:
        return 0, 0.0
    if ticket.booked_for is not None and ticket.booked_for <= now:
        return 1, ticket.booked_for.timestamp()
    if ticket.priority and priority_first:
        return 2, 0.0
    return 3, 0.0


def _line_key(ticket: Waiting) -> tuple[float, int]:
    return ticket.queue_key, ticket.id


def _slot_key(ticket: Waiting) -> tuple[dt.datetime, float, int]:
    assert ticket.booked_for is not None
    return ticket.booked_for, ticket.queue_key, ticket.id


class _Heap:
    """Tickets by a key, from which tickets taken through another heap are skipped."""

    def __init__(self, entries: list[tuple[object, ...]]) -> None:
        heapq.heapify(entries)
        self._entries = entries

    def pop(self, taken: set[int]) -> Waiting | None:
        while self._entries:
            ticket = heapq.heappop(self._entries)[-1]
            assert isinstance(ticket, Waiting)
            if ticket.id not in taken:
                return ticket
        return None


def calling_order(
    waiting: Iterable[Waiting],
    *,
    counter_id: int | None,
    now: dt.datetime,
    priority_every_n: int,
    calls_since_priority: int = 0,
) -> list[Placed]:
    """The order in which one counter pressing "next" would call these tickets.

    ``waiting`` are the tickets of the counter's lines (its services) and those sent to
    one counter. With ``counter_id`` the tickets sent to another counter are left out;
    with None (a line's forecast, for "people ahead") every ticket sent to a counter of
    the line counts as sent to this one: it takes one of that counter's calls first.
    """
    if priority_every_n <= 1:
        return _fixed_order(waiting, counter_id, now, priority_first=priority_every_n == 1)
    return played_order(waiting, counter_id, now, priority_every_n, calls_since_priority)


def played_order(
    waiting: Iterable[Waiting],
    counter_id: int | None,
    now: dt.datetime,
    priority_every_n: int,
    calls_since_priority: int,
) -> list[Placed]:
    """The order found by playing the counter's calls one by one, its count moving with
    each: what every Nth call to priority needs (and, for 0 or 1, what the sort by
    ``fixed_rank`` gives at once; a test holds the two equal)."""
    transferred: list[tuple[object, ...]] = []
    booked: list[tuple[object, ...]] = []
    priority: list[tuple[object, ...]] = []
    line: list[tuple[object, ...]] = []
    for ticket in waiting:
        if ticket.target_counter_id is not None:
            if counter_id is None or ticket.target_counter_id == counter_id:
                transferred.append((*_line_key(ticket), ticket))
            continue
        if ticket.booked_for is not None and ticket.booked_for <= now:
            booked.append((*_slot_key(ticket), ticket))
        if ticket.priority:
            priority.append((*_line_key(ticket), ticket))
        line.append((*_line_key(ticket), ticket))
    heaps = {
        Reason.TRANSFERRED: _Heap(transferred),
        Reason.BOOKING: _Heap(booked),
        Reason.PRIORITY: _Heap(priority),
        Reason.ARRIVAL: _Heap(line),
    }
    order: list[Placed] = []
    taken: set[int] = set()
    since = calls_since_priority
    while True:
        placed = _next_call(heaps, taken, priority_turn(since, priority_every_n))
        if placed is None:
            return order
        order.append(placed)
        taken.add(placed.ticket.id)
        # As the counter counts it (server.domain.counters): any call of a priority
        # ticket starts the count again, every other call adds one.
        since = 0 if placed.ticket.priority else since + 1


_REASONS = {0: Reason.TRANSFERRED, 1: Reason.BOOKING, 2: Reason.PRIORITY}


def _fixed_order(
    waiting: Iterable[Waiting], counter_id: int | None, now: dt.datetime, *, priority_first: bool
) -> list[Placed]:
    """With priority always first, or never preferred, the calls do not depend on the
    counter's count: the order is a sort by ``fixed_rank``."""
    mine = [
        t
        for t in waiting
        if t.target_counter_id is None or counter_id is None or t.target_counter_id == counter_id
    ]
    ranked = sorted(((*fixed_rank(t, now, priority_first), t.queue_key, t.id), t) for t in mine)
    return [
        Placed(t, _REASONS.get(key[0], Reason.PRIORITY if t.priority else Reason.ARRIVAL))
        for key, t in ranked
    ]


def _next_call(heaps: dict[Reason, _Heap], taken: set[int], priority_first: bool) -> Placed | None:
    for reason in (Reason.TRANSFERRED, Reason.BOOKING):
        ticket = heaps[reason].pop(taken)
        if ticket is not None:
            return Placed(ticket, reason)
    if priority_first:
        ticket = heaps[Reason.PRIORITY].pop(taken)
        if ticket is not None:
            return Placed(ticket, Reason.PRIORITY)
    ticket = heaps[Reason.ARRIVAL].pop(taken)
    if ticket is None:
        return None
    # A priority ticket reached by its place in the line is still a priority visitor.
    return Placed(ticket, Reason.PRIORITY if ticket.priority else Reason.ARRIVAL)


def position(order: list[Placed], ticket_id: int) -> int | None:
    """How many calls come before the ticket in ``order`` (None: not in it)."""
    for index, placed in enumerate(order):
        if placed.ticket.id == ticket_id:
            return index
    return None
