"""The calling order at a counter (DESIGN.md), as a list of candidate queries.

1. tickets transferred to this very counter, oldest first;
2. booked visitors whose slot has come;
3. priority tickets (always first, or every Nth call: ``priority_every_n``);
4. everything else, first come first served across the counter's services.

Each query locks the row it returns (``FOR UPDATE SKIP LOCKED`` on PostgreSQL), so two
counters pressing "next" at the same moment take two different tickets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from server.models import Counter, Priority, Ticket, TicketSource, TicketState

from .context import Ctx
from .views import TICKET_FOR_VIEW


def priority_turn(counter: Counter, every_n: int) -> bool:
    """Whether this call should go to a waiting priority ticket."""
    if every_n <= 0:
        return False
    return counter.calls_since_priority >= every_n - 1


def _first_locked(query: Select[Ticket]) -> Select[Ticket]:
    # SKIP LOCKED: a ticket another counter is claiming is passed over (PostgreSQL; SQLite
    # has no row locks and renders none of this: its writers take turns).
    return (
        query.limit(1)
        .with_for_update(of=Ticket, skip_locked=True)
        .execution_options(populate_existing=True)
    )


# Built once (a statement built per call costs more than SQLite takes to run it); each
# brings the ticket's service, agency and series along, which the call-out needs.
_WAITING_TODAY = (
    select(Ticket)
    .options(*TICKET_FOR_VIEW)
    .where(Ticket.state == TicketState.WAITING, Ticket.service_date == bindparam("today"))
)
_TRANSFERRED_HERE = _first_locked(
    _WAITING_TODAY.where(Ticket.target_counter_id == bindparam("counter_id")).order_by(
        Ticket.queue_key, Ticket.id
    )
)
_IN_LINE = _WAITING_TODAY.where(
    Ticket.service_id.in_(bindparam("service_ids", expanding=True)),
    Ticket.target_counter_id.is_(None),
)
_BOOKED_AND_DUE = _first_locked(
    _IN_LINE.where(
        Ticket.source == TicketSource.BOOKING, Ticket.booked_for <= bindparam("now")
    ).order_by(Ticket.booked_for, Ticket.queue_key, Ticket.id)
)
_PRIORITY = _first_locked(
    _IN_LINE.where(Ticket.priority != Priority.NONE).order_by(Ticket.queue_key, Ticket.id)
)
_FIRST_COME = _first_locked(_IN_LINE.order_by(Ticket.queue_key, Ticket.id))


def candidate_queries(ctx: Ctx, counter: Counter) -> Iterator[Select[Ticket]]:
    """The queries of the calling order, first to last (each takes the parameters of
    ``claim_next``)."""
    yield _TRANSFERRED_HERE
    yield _BOOKED_AND_DUE
    if priority_turn(counter, ctx.settings.priority_every_n):
        yield _PRIORITY
    yield _FIRST_COME


def claim_next(ctx: Ctx, counter: Counter, service_ids: list[int]) -> Ticket | None:
    """Lock and return the ticket this counter should call next, or None when nobody waits."""
    session: Session = ctx.session
    params: dict[str, Any] = {
        "today": ctx.today,
        "now": ctx.now,
        "counter_id": counter.id,
        "service_ids": service_ids,
    }
    for query in candidate_queries(ctx, counter):
        ticket = session.scalars(query, params).first()
        if ticket is not None:
            return ticket
    return None
