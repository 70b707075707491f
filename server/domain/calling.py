"""Who a counter calls next, and who is ahead of a visitor: both by ``shared.calling_order``.

The order itself (transferred here, due bookings, priority, first come) is one pure
function shared with the clients. Here the waiting tickets it orders are read (a few
columns, no lock), and the first of the order that no other counter is claiming at this
moment is locked and returned (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, re-checking that
it still waits), so two counters pressing "next" at once take two different tickets.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Executable, Row, Select, bindparam, func, or_, select
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
_IN_LINE = _WAITING_TODAY.where(Ticket.service_id == bindparam("service_id"))
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


# The line's open counters, and how far the one nearest its priority turn is.
_LINE_COUNTERS = open_counters_of_line(func.count(), func.max(Counter.calls_since_priority))
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

    Ahead is the ticket's place in the order a counter of its line would call: a visitor
    sent to one counter waits only for those sent there before; anyone else for the
    line's tickets sent to its counters, due bookings, and (by the priority rule)
    priority tickets, then the line itself. The counter nearest its priority turn stands
    for the line's counters.
    """
    session = ctx.session
    opened, since = session.execute(_LINE_COUNTERS, {"service_id": ticket.service_id}).one()
    if ticket.target_counter_id is not None:
        # Sent to one counter: that counter alone will call it.
        state = session.scalar(_COUNTER_STATE, {"counter_id": ticket.target_counter_id})
        opened, since = int(state == CounterState.OPEN), 0
    if ticket.state != TicketState.WAITING:
        return 0, int(opened)
    if ticket.target_counter_id is not None:
        query, params = _SENT_TO_COUNTER, {"counter_id": ticket.target_counter_id}
    else:
        query, params = _IN_LINE, {"service_id": ticket.service_id}
    waiting = _read(session, query, {"today": ticket.service_date, **params})
    order = calling_order(
        waiting,
        counter_id=None,
        now=ctx.now,
        priority_every_n=ctx.settings.priority_every_n,
        calls_since_priority=int(since or 0),
    )
    ahead = position(order, ticket.id)
    return (ahead if ahead is not None else 0), int(opened)


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
