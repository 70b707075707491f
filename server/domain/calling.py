"""Who a counter calls next, and who is ahead of a visitor: both by ``shared.calling_order``.

The order itself (transferred here, due bookings, priority, first come) is one pure
function shared with the clients. Here the waiting tickets it orders are read (a few
columns, no lock), and the first of the order that no other counter is claiming at this
moment is locked and returned (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, re-checking that
it still waits), so two counters pressing "next" at once take two different tickets.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Executable, Row, Select, bindparam, or_, select
from sqlalchemy.orm import Session

from server.models import (
    Counter,
    CounterService,
    CounterState,
    Priority,
    Ticket,
    TicketSource,
    TicketState,
)
from shared.calling_order import Placed, Waiting, calling_order, position

from .context import Ctx
from .views import TICKET_FOR_VIEW

_COLUMNS = (
    Ticket.id,
    Ticket.queue_key,
    Ticket.priority,
    Ticket.source,
    Ticket.booked_for,
    Ticket.target_counter_id,
)
_WAITING_TODAY = select(*_COLUMNS).where(
    Ticket.state == TicketState.WAITING, Ticket.service_date == bindparam("today")
)
# Built once (a statement built per call costs more than SQLite takes to run it).
_AT_COUNTER = _WAITING_TODAY.where(
    or_(
        Ticket.target_counter_id == bindparam("counter_id"),
        Ticket.target_counter_id.is_(None)
        & Ticket.service_id.in_(bindparam("service_ids", expanding=True)),
    )
)
# What counters of a line may call: their services' tickets and those sent to them.
_FOR_COUNTERS = _WAITING_TODAY.where(
    or_(
        Ticket.target_counter_id.in_(bindparam("counter_ids", expanding=True)),
        Ticket.target_counter_id.is_(None)
        & Ticket.service_id.in_(bindparam("service_ids", expanding=True)),
    )
)
_SENT_TO_COUNTER = _WAITING_TODAY.where(Ticket.target_counter_id == bindparam("counter_id"))
_CLAIM = (
    select(Ticket)
    .options(*TICKET_FOR_VIEW)
    .where(Ticket.id == bindparam("ticket_id"), Ticket.state == TicketState.WAITING)
    .with_for_update(of=Ticket, skip_locked=True)
    .execution_options(populate_existing=True)
)


def open_counters_of_line(*columns: Any) -> Select[Any]:
    """``columns`` over the open, active counters that serve ``:service_id``."""
    return (
        select(*columns)
        .select_from(Counter)
        .join(CounterService, CounterService.counter_id == Counter.id)
        .where(
            CounterService.service_id == bindparam("service_id"),
            Counter.state == CounterState.OPEN,
            Counter.active.is_(True),
        )
    )


# Every active counter that serves the service, with each service it serves.
_LINE_COUNTER_SERVICES = (
    select(Counter.id, Counter.state, Counter.calls_since_priority, CounterService.service_id)
    .join(CounterService, CounterService.counter_id == Counter.id)
    .where(
        Counter.active.is_(True),
        Counter.id.in_(
            select(CounterService.counter_id).where(
                CounterService.service_id == bindparam("service_id")
            )
        ),
    )
)
_COUNTER_STATE = select(Counter.state).where(Counter.id == bindparam("counter_id"))


def _waiting(row: Row[Any]) -> Waiting:
    return Waiting(
        id=row.id,
        queue_key=row.queue_key,
        priority=row.priority != Priority.NONE,
        booked_for=row.booked_for if row.source == TicketSource.BOOKING else None,
        target_counter_id=row.target_counter_id,
    )


def _read(session: Session, query: Executable, params: dict[str, Any]) -> list[Waiting]:
    return [_waiting(row) for row in session.execute(query, params)]


def counter_order(ctx: Ctx, counter: Counter, service_ids: Sequence[int]) -> list[Placed]:
    """The counter's waiting tickets in the order "next" takes them (with the reason)."""
    waiting = _read(
        ctx.session,
        _AT_COUNTER,
        {"today": ctx.today, "counter_id": counter.id, "service_ids": list(service_ids)},
    )
    return calling_order(
        waiting,
        counter_id=counter.id,
        now=ctx.now,
        priority_every_n=ctx.settings.priority_every_n,
        calls_since_priority=counter.calls_since_priority,
    )


def claim_next(ctx: Ctx, counter: Counter, service_ids: list[int]) -> Ticket | None:
    """Lock and return the ticket this counter should call next, or None when nobody waits."""
    for placed in counter_order(ctx, counter, service_ids):
        ticket = ctx.session.scalars(_CLAIM, {"ticket_id": placed.ticket.id}).first()
        if ticket is not None:
            return ticket
    return None


def line_forecast(ctx: Ctx, ticket: Ticket) -> tuple[int, int]:
    """(people ahead, counters open for its line) for one waiting ticket.

    Ahead is the ticket's place in the order the counters that may call it would take:
    a visitor sent to one counter waits for those sent there before; anyone else for what
    the line's open counters (all its counters while none is open) call first, across
    every service those counters serve, by the calling order. Counters serving the same
    services are one queue (the one nearest its priority turn stands for them); of
    several such groups, the one that reaches the ticket first is told.
    """
    session = ctx.session
    if ticket.target_counter_id is not None:
        # Sent to one counter: that counter alone will call it.
        state = session.scalar(_COUNTER_STATE, {"counter_id": ticket.target_counter_id})
        opened = int(state == CounterState.OPEN)
        if ticket.state != TicketState.WAITING:
            return 0, opened
        params = {"today": ticket.service_date, "counter_id": ticket.target_counter_id}
        return _place(ctx, _read(session, _SENT_TO_COUNTER, params), ticket.id, 0), opened
    groups, opened = _line_counters(session, ticket.service_id)
    if ticket.state != TicketState.WAITING:
        return 0, opened
    ahead = [
        _place(
            ctx,
            _read(
                session,
                _FOR_COUNTERS,
                {
                    "today": ticket.service_date,
                    "counter_ids": group.counter_ids,
                    "service_ids": sorted(services),
                },
            ),
            ticket.id,
            group.since,
        )
        for services, group in groups.items()
    ]
    return min(ahead, default=0), opened


@dataclass
class _CounterGroup:
    """Counters of a line that serve the same services: to a visitor, one queue."""

    counter_ids: list[int] = field(default_factory=list)
    since: int = 0


def _line_counters(
    session: Session, service_id: int
) -> tuple[dict[frozenset[int], _CounterGroup], int]:
    """The line's counters grouped by the services they serve (the open ones, or all while
    none is open), and how many are open."""
    served: dict[int, set[int]] = {}
    facts: dict[int, tuple[bool, int]] = {}
    for counter_id, state, since, other in session.execute(
        _LINE_COUNTER_SERVICES, {"service_id": service_id}
    ):
        served.setdefault(counter_id, set()).add(other)
        facts[counter_id] = (state == CounterState.OPEN, since or 0)
    opened = [cid for cid, (is_open, _) in facts.items() if is_open]
    groups: dict[frozenset[int], _CounterGroup] = {}
    for counter_id in opened or list(facts):
        group = groups.setdefault(frozenset(served[counter_id]), _CounterGroup())
        group.counter_ids.append(counter_id)
        group.since = max(group.since, facts[counter_id][1])
    return groups, len(opened)


def _place(ctx: Ctx, waiting: list[Waiting], ticket_id: int, since: int) -> int:
    order = calling_order(
        waiting,
        counter_id=None,
        now=ctx.now,
        priority_every_n=ctx.settings.priority_every_n,
        calls_since_priority=since,
    )
    found = position(order, ticket_id)
    return found if found is not None else 0


def waiting_in_calling_order(
    ctx: Ctx, counter: Counter, service_ids: Sequence[int], limit: int
) -> list[tuple[Ticket, Placed]]:
    """The first ``limit`` tickets "next" would call at this counter, loaded for viewing."""
    order = counter_order(ctx, counter, service_ids)[:limit]
    ids = [placed.ticket.id for placed in order]
    tickets = {
        t.id: t
        for t in ctx.session.scalars(
            select(Ticket).options(*TICKET_FOR_VIEW).where(Ticket.id.in_(ids))
        )
    }
    return [(tickets[placed.ticket.id], placed) for placed in order if placed.ticket.id in tickets]
