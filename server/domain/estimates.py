"""People ahead and estimated wait, from recent real service times and open counters
(docs/design.md#people-ahead-and-estimated-wait).

Estimated wait = people ahead / counters open for the line x recent average service
time (the last N finished services), falling back to the service's typical minutes
while there are fewer than the minimum samples.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from server.models import Service, Ticket, TicketState
from shared import wire
from shared.waits import wait_kind

from .calling import line_forecast, open_counters_of_line
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
_OPEN_COUNTERS = open_counters_of_line(func.count())
_OPEN = _OPEN_COUNTERS.scalar_subquery()
# A line's figures in one statement: waiting count, since when, counters open for it.
_LINE = select(func.count(), func.min(Ticket.queued_at), _OPEN).where(
    Ticket.service_id == bindparam("service_id"), Ticket.state == TicketState.WAITING
)


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


def line_stats(
    session: Session,
    service: Service,
    settings: SiteSettings,
    now: dt.datetime,
    *,
    average: float | None = None,
) -> wire.LineStats:
    """The line's figures as boards, counters and the console show them (the payload
    itself: how many wait, how many counters serve it, and the estimated wait);
    ``average`` (minutes) when the caller has it already."""
    waiting, oldest, counters = session.execute(_LINE, {"service_id": service.id}).one()
    if average is None:
        average = average_service_minutes(session, service, settings, now)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)  # an aggregate skips the column type
    longest = int((now - oldest).total_seconds()) if oldest else 0
    return {
        "service_id": service.id,
        "waiting": int(waiting),
        "open_counters": int(counters),
        # Shown to a tenth of a minute; the estimate below uses the unrounded average.
        "average_service_minutes": round(average, 1),
        "estimated_wait_minutes": estimate_minutes(int(waiting), int(counters), average),
        "longest_wait_seconds": max(0, longest),
    }


def line_stats_now(ctx: Ctx, service: Service) -> wire.LineStats:
    """``line_stats`` with the average service time the catalog keeps."""
    return line_stats(
        ctx.session, service, ctx.settings, ctx.now, average=recent_average(ctx, service)
    )


@dataclass(frozen=True)
class TicketEstimate:
    """What a visitor is told: people ahead, the wait, and whether a counter is open."""

    people_ahead: int
    estimated_wait_minutes: int
    open_counters: int
    estimated_wait_seconds: int = 0

    def to_dict(self) -> wire.WaitEstimate:
        return {
            "people_ahead": self.people_ahead,
            "estimated_wait_minutes": self.estimated_wait_minutes,
            "estimated_wait_seconds": self.estimated_wait_seconds,
            "open_counters": self.open_counters,
            # How to word it (shared.waits), so the phone says what the paper says.
            "wait": wait_kind(self.people_ahead, self.estimated_wait_minutes, self.open_counters),
        }


def estimate_now(ctx: Ctx, ticket: Ticket) -> TicketEstimate:
    """People ahead by the calling order (``calling.line_forecast``) x the line's recent
    average service time (as the catalog keeps it) / its open counters."""
    ahead, opened = line_forecast(ctx, ticket)
    if ahead == 0:
        return TicketEstimate(0, 0, opened)
    minutes = recent_average(ctx, ticket.service)
    seconds = round(ahead / max(1, opened) * minutes * 60)
    return TicketEstimate(ahead, estimate_minutes(ahead, opened, minutes), opened, seconds)
