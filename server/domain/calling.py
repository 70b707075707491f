"""Who a counter calls next, and who is ahead of a visitor: both by ``shared.calling_order``
(docs/design.md#calling-order, docs/design.md#people-ahead-and-estimated-wait).

The order itself (transferred here, due bookings, priority, first come) is one pure
function shared with the clients. Here the waiting tickets it orders are read (a few
columns, no lock), and the first of the order that no other counter is claiming at this
moment is locked and returned (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, re-checking that
it still waits), so two counters pressing "next" at once take two different tickets.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Executable,
    Row,
    Select,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    select,
    tuple_,
    union_all,
)
from sqlalchemy.orm import QueryableAttribute, Session

from server.models import (
    Counter,
    CounterService,
    CounterState,
    Priority,
    Ticket,
    TicketSource,
    TicketState,
)
from shared.calling_order import Placed, Waiting, calling_order, fixed_rank, position

from .context import Ctx
from .payloads import TICKET_FOR_PAYLOAD
from .sql import run

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


# Built once per number of lines (a statement built per call costs more than SQLite takes
# to run it). Each line's tickets, and those sent to the counter(s), are read apart and
# joined (UNION ALL): asked as one "service IN (...) OR sent here", SQLite reads every
# waiting ticket of the day instead of each line's index (ix_tickets_line_day).
def _in_line(i: int) -> ColumnElement[bool]:
    return (Ticket.service_id == bindparam(f"service_{i}")) & Ticket.target_counter_id.is_(None)


def _sent_to(i: int) -> ColumnElement[bool]:
    return Ticket.target_counter_id == bindparam(f"counter_{i}")


def _lines_params(service_ids: Sequence[int], counter_ids: Sequence[int]) -> dict[str, int]:
    return {
        **{f"service_{i}": service_id for i, service_id in enumerate(service_ids)},
        **{f"counter_{i}": counter_id for i, counter_id in enumerate(counter_ids)},
    }


@cache
def _waiting_at(lines: int, counters: int) -> CompoundSelect[Any]:
    """Waiting tickets of ``lines`` lines and those sent to ``counters`` counters."""
    arms = [_WAITING_TODAY.where(_in_line(i)) for i in range(lines)]
    arms += [_WAITING_TODAY.where(_sent_to(i)) for i in range(counters)]
    return union_all(*arms)


_SENT_TO_COUNTER = _WAITING_TODAY.where(Ticket.target_counter_id == bindparam("counter_id"))
_CLAIM = (
    select(Ticket)
    .options(*TICKET_FOR_PAYLOAD)
    .where(Ticket.id == bindparam("ticket_id"), Ticket.state == TicketState.WAITING)
    .with_for_update(of=Ticket, skip_locked=True)
    .execution_options(populate_existing=True)
)


def counters_of_line(state: CounterState, *columns: Any) -> Select[Any]:
    """``columns`` over the active counters in ``state`` that serve ``:service_id``."""
    return (
        select(*columns)
        .select_from(Counter)
        .join(CounterService, CounterService.counter_id == Counter.id)
        .where(
            CounterService.service_id == bindparam("service_id"),
            Counter.state == state,
            Counter.active.is_(True),
        )
    )


def open_counters_of_line(*columns: Any) -> Select[Any]:
    """``columns`` over the open, active counters that serve ``:service_id``."""
    return counters_of_line(CounterState.OPEN, *columns)


_OPEN_IN_LINE = open_counters_of_line(func.count())
_COUNTER_STATES = select(Counter.id, Counter.state, Counter.calls_since_priority).where(
    Counter.id.in_(bindparam("counter_ids", expanding=True))
)
_COUNTER_STATE = select(Counter.state).where(Counter.id == bindparam("counter_id"))


def _waiting(row: Row[Any] | Ticket) -> Waiting:
    """A read row of ``_COLUMNS``, or a loaded ticket (same names), as the order sees it."""
    return Waiting(
        id=row.id,
        queue_key=row.queue_key,
        priority=row.priority != Priority.NONE,
        booked_for=row.booked_for if row.source == TicketSource.BOOKING else None,
        target_counter_id=row.target_counter_id,
    )


def _read(session: Session, query: Executable, params: dict[str, Any]) -> list[Waiting]:
    return [_waiting(row) for row in run(session, query, params)]


def counter_order(ctx: Ctx, counter: Counter, service_ids: Sequence[int]) -> list[Placed]:
    """The counter's waiting tickets in the order "next" takes them (with the reason)."""
    waiting = _read(
        ctx.session,
        _waiting_at(len(service_ids), 1),
        {"today": ctx.today, **_lines_params(service_ids, [counter.id])},
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


# (state, since when, service of the ticket held, when that service started) of one
# counter.
CounterNow = tuple[CounterState | None, dt.datetime | None, int | None, dt.datetime | None]


@dataclass(frozen=True)
class Forecast:
    """Who is ahead of one ticket, and who will call them (what ``estimates`` needs)."""

    ahead: int
    open_counters: int = 0
    # The counters whose calls were counted (the group that reaches the ticket first,
    # or the one counter it is sent to); empty for a ticket that is not waiting.
    counter_ids: tuple[int, ...] = ()
    # Of ``ahead``, those waiting in each line, where the count knows it (the one-statement
    # case); the rest (sent to a counter, or counted by the calling order in Python) are
    # in no line here.
    ahead_by_service: Mapping[int, int] = field(default_factory=dict)
    # Each of ``counter_ids`` as it is now, read by the same statement (the one-statement
    # case): (state, since when, service of the ticket it holds, when that one's service
    # started); state None for an inactive counter. None: not read here.
    counters_now: tuple[CounterNow, ...] | None = None


def line_forecast(ctx: Ctx, ticket: Ticket) -> Forecast:
    """People ahead of one waiting ticket, counters open for its line, and who calls.

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
            return Forecast(0, opened)
        params = {"today": ticket.service_date, "counter_id": ticket.target_counter_id}
        ahead = _place(ctx, _read(session, _SENT_TO_COUNTER, params), ticket.id, 0)
        return Forecast(ahead, opened, (ticket.target_counter_id,))
    if ticket.state != TicketState.WAITING:
        return Forecast(0, _open_in_line(session, ticket.service_id))
    groups = _groups(ctx.catalog.serving_counters(session, ticket.service_id))
    every_n = ctx.settings.priority_every_n
    if every_n <= 1 and len(groups) <= 1:
        # The common case, one statement: who is ahead (by line), the line's open counters.
        services, counter_ids = next(iter(groups.items()), (frozenset(), []))
        ahead, opened, by_line, now = _count_ahead(
            ctx, ticket, services, counter_ids, priority_first=every_n == 1, counters_now=True
        )
        return Forecast(ahead, opened, tuple(counter_ids), by_line, now)
    states = {
        cid: (state == CounterState.OPEN, since or 0)
        for cid, state, since in run(
            session, _COUNTER_STATES, {"counter_ids": [c for ids in groups.values() for c in ids]}
        )
    }
    open_ids = [cid for cid, (is_open, _) in states.items() if is_open]
    # Every counter of the line calls from it, whichever group tells the visitor.
    every_counter = tuple(c for ids in groups.values() for c in ids)
    told: Forecast | None = None
    for services, counter_ids in groups.items():
        calling = [c for c in counter_ids if c in open_ids] if open_ids else counter_ids
        if not calling:
            continue  # none of these is open while others are: they call nobody now
        lines: Mapping[int, int] = {}
        if every_n <= 1:
            count, _, lines, _ = _count_ahead(
                ctx, ticket, services, calling, priority_first=every_n == 1
            )
        else:
            params = {"today": ticket.service_date, **_lines_params(sorted(services), calling)}
            since = max(states.get(c, (False, 0))[1] for c in calling)
            statement = _waiting_at(len(services), len(calling))
            count = _place(ctx, _read(session, statement, params), ticket.id, since)
        if told is None or count < told.ahead:
            told = Forecast(count, len(open_ids), every_counter, lines)
    return told or Forecast(0, len(open_ids), every_counter)


def _groups(serving: tuple[tuple[int, frozenset[int]], ...]) -> dict[frozenset[int], list[int]]:
    """Counters that serve the same services are, to a visitor, one queue."""
    groups: dict[frozenset[int], list[int]] = {}
    for counter_id, services in serving:
        groups.setdefault(services, []).append(counter_id)
    return groups


def _open_in_line(session: Session, service_id: int) -> int:
    return int(run(session, _OPEN_IN_LINE, {"service_id": service_id}).scalar_one())


def _count_ahead(
    ctx: Ctx,
    ticket: Ticket,
    services: frozenset[int],
    counter_ids: list[int],
    *,
    priority_first: bool,
    counters_now: bool = False,
) -> tuple[int, int, dict[int, int], tuple[CounterNow, ...] | None]:
    """(people ahead by ``fixed_rank``, open counters of the line, those ahead in each
    line, and with ``counters_now`` each counter as it is now), counted in the database:
    the order of priority always (or never) first is a plain sort, and reading a long
    line's rows to sort them here cost a quarter of the issue path's speed."""
    me = _waiting(ticket)
    group, _ = fixed_rank(me, ctx.now, priority_first)
    counters = len(counter_ids)
    statement = _ahead_statement(
        priority_first, group, len(services), counters, counters_now=counters_now
    )
    values = {
        "today": ticket.service_date,
        **_lines_params(sorted(services), counter_ids),
        "service_id": ticket.service_id,
        "now": ctx.now,
        "group": group,
        "slot": me.booked_for,
        "queue_key": ticket.queue_key,
        "ticket_id": ticket.id,
    }
    row = tuple(run(ctx.session, statement, values).one())
    now: tuple[CounterNow, ...] | None = None
    if counters_now:
        read = row[len(row) - 4 * counters :]
        row = row[: len(row) - 4 * counters]
        now = tuple(
            (read[i], read[i + 1], read[i + 2], read[i + 3]) for i in range(0, len(read), 4)
        )
    *counts, opened = row
    lines = sorted(services)
    by_line = {service_id: int(n) for service_id, n in zip(lines, counts, strict=False) if n}
    return sum(int(n) for n in counts), int(opened), by_line, now


def _sql_constant(value: enum.Enum | int) -> ColumnElement[Any]:
    """A constant written into the SQL, not bound: SQLite takes positional parameters, so
    every occurrence of a bound value is processed again at each execution (the count
    below repeats its states and ranks in every line's and counter's subquery: 27 of its
    49 parameters for one line and one counter). Only fixed enum values and small
    integers come here, never what a caller sends."""
    text = str(value.value) if isinstance(value, enum.Enum) else str(int(value))
    if isinstance(value, enum.Enum):
        assert text.isidentifier(), text  # a plain word: nothing to quote or escape
        return literal_column(f"'{text}'")
    return literal_column(text)


@cache
def _ahead_statement(
    priority_first: bool, group: int, lines: int, counters: int, *, counters_now: bool = False
) -> Select[Any]:
    """Waiting tickets of the counters' lines before one of ``group`` (``fixed_rank``, as
    SQL: the same groups, then the slot for bookings, then queue_key and id); with
    ``counters_now``, then each counter's ``CounterNow`` (four columns a counter: one
    statement fewer for the estimate than reading them apart)."""
    booked_due = (Ticket.source == _sql_constant(TicketSource.BOOKING)) & (
        Ticket.booked_for <= bindparam("now", type_=Ticket.booked_for.type)
    )
    cases: list[tuple[ColumnElement[bool], Any]] = [
        (Ticket.target_counter_id.is_not(None), _sql_constant(0)),
        (booked_due, _sql_constant(1)),
    ]
    if priority_first:
        cases.append((Ticket.priority != _sql_constant(Priority.NONE), _sql_constant(2)))
    rank = case(*cases, else_=_sql_constant(3))
    # Before in the order: a lower rank, or the same rank and then (for due bookings)
    # an earlier slot, an earlier queue_key, a lower id. One row-value comparison
    # (lexicographic, in SQLite and PostgreSQL alike), so the rank's CASE and each value
    # appear once per subquery, not twice.
    mine: list[ColumnElement[Any]] = [bindparam("group")]
    theirs: list[ColumnElement[Any] | QueryableAttribute[Any]] = [rank]
    if group == 1:  # a due booking: the slot first (a due booking's is never NULL)
        mine.append(bindparam("slot", type_=Ticket.booked_for.type))
        theirs.append(Ticket.booked_for)
    mine += [bindparam("queue_key"), bindparam("ticket_id")]
    theirs += [Ticket.queue_key, Ticket.id]
    before = tuple_(*theirs) < tuple_(*mine)
    waiting_before = select(func.count()).where(
        Ticket.state == _sql_constant(TicketState.WAITING),
        Ticket.service_date == bindparam("today"),
        before,
    )
    # Apart, as the reads above: each part uses its own index.
    counts = [waiting_before.where(_in_line(i)).scalar_subquery() for i in range(lines)]
    counts += [waiting_before.where(_sent_to(i)).scalar_subquery() for i in range(counters)]
    # Each line's count apart (the estimate costs each line's visitors at their own
    # service's pace), lines first, then those sent to each counter.
    columns: list[ColumnElement[Any]] = [*counts] if counts else [literal(0)]
    columns.append(_OPEN_IN_LINE.scalar_subquery())
    if counters_now:
        for i in range(counters):
            columns += _counter_now(i)
    return select(*columns)


def _counter_now(i: int) -> list[ColumnElement[Any]]:
    """``CounterNow`` of the counter bound as ``counter_i``, as four scalar subqueries
    (each a primary-key look-up): its state while active and since when, and the service
    and start of the ticket it holds."""
    counter = Counter.id == bindparam(f"counter_{i}")
    held = select(Ticket.service_id, Ticket.started_at).join(
        Counter, Counter.current_ticket_id == Ticket.id
    )
    return [
        select(Counter.state).where(counter, Counter.active.is_(True)).scalar_subquery(),
        select(Counter.state_since).where(counter).scalar_subquery(),
        held.with_only_columns(Ticket.service_id).where(counter).scalar_subquery(),
        held.with_only_columns(Ticket.started_at).where(counter).scalar_subquery(),
    ]


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
            select(Ticket).options(*TICKET_FOR_PAYLOAD).where(Ticket.id.in_(ids))
        )
    }
    return [(tickets[placed.ticket.id], placed) for placed in order if placed.ticket.id in tickets]
