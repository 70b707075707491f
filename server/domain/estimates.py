"""People ahead and estimated wait, from recent real service times and open counters.

Estimated wait = people ahead / counters open for the line x recent average service
time (the last N finished services), falling back to the service's typical minutes
while there are fewer than the minimum samples.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from server.models import Counter, CounterService, CounterState, Service, Ticket, TicketState

from .settings import SiteSettings

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
_WAITING = select(func.count(), func.min(Ticket.queued_at)).where(
    Ticket.service_id == bindparam("service_id"), Ticket.state == TicketState.WAITING
)
# "Ahead" in the order the counters call: line position, then ticket id on a tie.
_AHEAD = (
    select(func.count())
    .select_from(Ticket)
    .where(
        Ticket.service_id == bindparam("service_id"),
        Ticket.state == TicketState.WAITING,
        Ticket.service_date == bindparam("service_date"),
        Ticket.target_counter_id.is_(None),
        (Ticket.queue_key < bindparam("queue_key"))
        | ((Ticket.queue_key == bindparam("queue_key")) & (Ticket.id < bindparam("ticket_id"))),
    )
)


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


def open_counters(session: Session, service_id: int) -> int:
    return session.execute(_OPEN_COUNTERS, {"service_id": service_id}).scalar_one()


def estimate_minutes(people_ahead: int, counters: int, average_minutes: float) -> int:
    """Whole minutes; with no counter open the line is estimated as if one opens."""
    return math.ceil(people_ahead / max(1, counters) * average_minutes)


def waiting_in_line(session: Session, service_id: int) -> tuple[int, dt.datetime | None]:
    """How many wait in the line, and since when the longest-waiting one is in it."""
    count, oldest = session.execute(_WAITING, {"service_id": service_id}).one()
    return int(count), oldest


def people_ahead(session: Session, ticket: Ticket) -> int:
    """Waiting tickets of the same line that are before this one."""
    if ticket.state != TicketState.WAITING:
        return 0
    params = {
        "service_id": ticket.service_id,
        "ticket_id": ticket.id,
        "queue_key": ticket.queue_key,
        "service_date": ticket.service_date,
    }
    return session.execute(_AHEAD, params).scalar_one()


def line_stats(
    session: Session, service: Service, settings: SiteSettings, now: dt.datetime
) -> LineStats:
    waiting, oldest = waiting_in_line(session, service.id)
    counters = open_counters(session, service.id)
    average = average_service_minutes(session, service, settings, now)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)  # an aggregate skips the column type
    longest = int((now - oldest).total_seconds()) if oldest else 0
    return LineStats(
        service_id=service.id,
        waiting=waiting,
        open_counters=counters,
        average_service_minutes=average,
        estimated_wait_minutes=estimate_minutes(waiting, counters, average),
        longest_wait_seconds=max(0, longest),
    )


def ticket_estimate(
    session: Session, ticket: Ticket, settings: SiteSettings, now: dt.datetime
) -> tuple[int, int]:
    """(people ahead, estimated wait in minutes) for one waiting ticket."""
    ahead = people_ahead(session, ticket)
    counters = open_counters(session, ticket.service_id)
    average = average_service_minutes(session, ticket.service, settings, now)
    return ahead, estimate_minutes(ahead, counters, average)
