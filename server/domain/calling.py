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

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from server.models import Counter, Priority, Ticket, TicketSource, TicketState

from .context import Ctx
from .sql import skip_locked


def priority_turn(counter: Counter, every_n: int) -> bool:
    """Whether this call should go to a waiting priority ticket."""
    if every_n <= 0:
        return False
    return counter.calls_since_priority >= every_n - 1


def candidate_queries(
    ctx: Ctx, counter: Counter, service_ids: list[int]
) -> Iterator[Select[Ticket]]:
    waiting_today = select(Ticket).where(
        Ticket.state == TicketState.WAITING, Ticket.service_date == ctx.today
    )
    yield waiting_today.where(Ticket.target_counter_id == counter.id).order_by(
        Ticket.queue_key, Ticket.id
    )
    in_line = waiting_today.where(
        Ticket.service_id.in_(service_ids), Ticket.target_counter_id.is_(None)
    )
    yield in_line.where(
        Ticket.source == TicketSource.BOOKING, Ticket.booked_for <= ctx.now
    ).order_by(Ticket.booked_for, Ticket.queue_key, Ticket.id)
    if priority_turn(counter, ctx.settings.priority_every_n):
        yield in_line.where(Ticket.priority != Priority.NONE).order_by(Ticket.queue_key, Ticket.id)
    yield in_line.order_by(Ticket.queue_key, Ticket.id)


def claim_next(ctx: Ctx, counter: Counter, service_ids: list[int]) -> Ticket | None:
    """Lock and return the ticket this counter should call next, or None when nobody waits."""
    session: Session = ctx.session
    for query in candidate_queries(ctx, counter, service_ids):
        locked = query.limit(1).with_for_update(**skip_locked(session))
        ticket = session.scalars(locked.execution_options(populate_existing=True)).first()
        if ticket is not None:
            return ticket
    return None
