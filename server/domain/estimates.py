"""People ahead and estimated wait, from recent real service times and open counters.

Estimated wait = people ahead / counters open for the line x recent average service
time (the last N finished services), falling back to the service's typical minutes
while there are fewer than the minimum samples.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from server.models import Counter, CounterService, CounterState, Service, Ticket, TicketState

from .settings import SiteSettings

if TYPE_CHECKING:
    from .context import Ctx

HISTORY_DAYS = 30

# Built once: these run for every ticket issued and every call, and building a
# statement costs more than SQLite takes to run it.
_RECENT_SERVICE_TIMES = (
    select(Ticket.started_at, Ticket.finished_at)
    .where(
        Ticket.service_id == bindparam("service_id"),
        Ticket.state == TicketState.DONE,
        Ticket.finished_at >= bindparam("since"),
        Ticket.started_at.is_not(None),
    )
    .order_by(Ticket.finished_at.desc())
    .limit(bindparam("samples"))
)
_OPEN_COUNTERS = (
    select(func.count())
    .select_from(Counter)
    .join(CounterService, CounterService.counter_id == Counter.id)
    .where(
        CounterService.service_id == bindparam("service_id"),
        Counter.state == CounterState.OPEN,
        Counter.active.is_(True),
    )
)
_OPEN = _OPEN_COUNTERS.scalar_subquery()
# A line's figures in one statement: waiting count, since when, counters open for it.
_LINE = select(func.count(), func.min(Ticket.queued_at), _OPEN).where(
    Ticket.service_id == bindparam("service_id"), Ticket.state == TicketState.WAITING
)
# "Ahead" in the order the counters call: line position, then ticket id on a tie.
_AHEAD_CONDITION = (
    (Ticket.service_id == bindparam("service_id"))
    & (Ticket.state == TicketState.WAITING)
    & (Ticket.service_date == bindparam("service_date"))
    & Ticket.target_counter_id.is_(None)
    & (
        (Ticket.queue_key < bindparam("queue_key"))
        | ((Ticket.queue_key == bindparam("queue_key")) & (Ticket.id < bindparam("ticket_id")))
    )
)
_AHEAD = select(func.count()).select_from(Ticket).where(_AHEAD_CONDITION)
_AHEAD_AND_OPEN = select(func.count(), _OPEN).select_from(Ticket).where(_AHEAD_CONDITION)


@dataclass(frozen=True)
class LineStats:
    service_id: int
    waiting: int
    open_counters: int
    average_service_minutes: float
    estimated_wait_minutes: int
    longest_wait_seconds: int

    def to_dict(self) -> dict[str, int | float]:
        return {
            "service_id": self.service_id,
            "waiting": self.waiting,
            "open_counters": self.open_counters,
            "average_service_minutes": round(self.average_service_minutes, 1),
            "estimated_wait_minutes": self.estimated_wait_minutes,
            "longest_wait_seconds": self.longest_wait_seconds,
        }


def average_service_minutes(
    session: Session, service: Service, settings: SiteSettings, now: dt.datetime
) -> float:
    """Mean of the last N real service times, or the configured typical minutes."""
    rows = session.execute(
        _RECENT_SERVICE_TIMES,
        {
            "service_id": service.id,
            "since": now - dt.timedelta(days=HISTORY_DAYS),
            "samples": settings.estimate_sample_size,
        },
    ).all()
    seconds = [(end - begin).total_seconds() for begin, end in rows if begin and end]
    if len(seconds) < settings.estimate_min_samples:
        return float(service.typical_minutes)
    return max(0.5, sum(seconds) / len(seconds) / 60)


def recent_average(ctx: Ctx, service: Service) -> float:
    """``average_service_minutes`` as the catalog keeps it (a few seconds old at most;
    afresh in a transaction that finished a ticket of the service)."""

    def compute() -> float:
        return average_service_minutes(ctx.session, service, ctx.settings, ctx.now)

    if service.id in ctx.finished_services:
        return compute()
    return ctx.catalog.average_minutes(service.id, ctx.now, compute)


def estimate_minutes(people_ahead: int, counters: int, average_minutes: float) -> int:
    """Whole minutes; with no counter open the line is estimated as if one opens."""
    return math.ceil(people_ahead / max(1, counters) * average_minutes)


def _ahead_params(ticket: Ticket) -> dict[str, object]:
    return {
        "service_id": ticket.service_id,
        "ticket_id": ticket.id,
        "queue_key": ticket.queue_key,
        "service_date": ticket.service_date,
    }


def people_ahead(session: Session, ticket: Ticket) -> int:
    """Waiting tickets of the same line that are before this one."""
    if ticket.state != TicketState.WAITING:
        return 0
    return session.execute(_AHEAD, _ahead_params(ticket)).scalar_one()


def line_stats(
    session: Session,
    service: Service,
    settings: SiteSettings,
    now: dt.datetime,
    *,
    average: float | None = None,
) -> LineStats:
    """The line's figures; ``average`` (minutes) when the caller has it already."""
    waiting, oldest, counters = session.execute(_LINE, {"service_id": service.id}).one()
    if average is None:
        average = average_service_minutes(session, service, settings, now)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)  # an aggregate skips the column type
    longest = int((now - oldest).total_seconds()) if oldest else 0
    return LineStats(
        service_id=service.id,
        waiting=int(waiting),
        open_counters=int(counters),
        average_service_minutes=average,
        estimated_wait_minutes=estimate_minutes(int(waiting), int(counters), average),
        longest_wait_seconds=max(0, longest),
    )


def line_stats_now(ctx: Ctx, service: Service) -> LineStats:
    """``line_stats`` with the average service time the catalog keeps."""
    return line_stats(
        ctx.session, service, ctx.settings, ctx.now, average=recent_average(ctx, service)
    )


def ticket_estimate(
    session: Session,
    ticket: Ticket,
    settings: SiteSettings,
    now: dt.datetime,
    *,
    average: Callable[[], float] | None = None,
) -> tuple[int, int]:
    """(people ahead, estimated wait in minutes) for one waiting ticket; ``average`` gives
    the line's average service time when it is needed (nobody ahead: no wait)."""
    if ticket.state != TicketState.WAITING:
        ahead, counters = 0, 0
    else:
        ahead, counters = session.execute(_AHEAD_AND_OPEN, _ahead_params(ticket)).one()
    if ahead == 0:
        return 0, 0
    if average is None:
        minutes = average_service_minutes(session, ticket.service, settings, now)
    else:
        minutes = average()
    return int(ahead), estimate_minutes(int(ahead), int(counters), minutes)


def estimate_now(ctx: Ctx, ticket: Ticket) -> tuple[int, int]:
    """``ticket_estimate`` with the average service time the catalog keeps."""
    return ticket_estimate(
        ctx.session,
        ticket,
        ctx.settings,
        ctx.now,
        average=lambda: recent_average(ctx, ticket.service),
    )
