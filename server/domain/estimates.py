"""People ahead and estimated wait, from recent real service times and the counters as
they are now (docs/estimate.md, docs/design.md#people-ahead-and-estimated-wait).

A visitor's wait is played out on the counters that will call them: each open counter is
free when what it serves now is done (its service's recent average less the time it has
served, or now when it holds nobody), and the people ahead, each at their own service's
recent average, go in the calling order to whichever counter is free first; the visitor
is called when the next counter is free after them. A line's figures for boards keep the
plain formula: people waiting / open counters x the line's recent average service time.
An average is the mean of the last N finished services, those of earlier days brought to
the pace the hall keeps today, or the service's typical minutes (at today's pace) while
there are fewer than the minimum samples.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from server.models import Counter, CounterState, Service, Ticket, TicketState
from shared import wire
from shared.waits import wait_kind

from .calling import CounterNow, Forecast, line_forecast, open_counters_of_line
from .settings import SiteSettings
from .sql import run

if TYPE_CHECKING:
    from .context import Ctx

HISTORY_DAYS = 30
# A counter serving longer than its service's average is still expected to take a while
# (service times have a long tail), not to be free this instant: what is left of an
# overrunning service is taken as this share of the average.
OVERRUN_SHARE = 0.25
# An average is never zero (officers clicking through would promise no wait at all), but
# its floor is a second, not half a minute: half a minute was a tenth of a short service
# at real speed and, on a simulated day at 60x, above every real average.
SHORTEST_AVERAGE_MINUTES = 1 / 60

# How much quicker or slower the hall serves today than on its earlier days
# (``pace_against_history``), by which a line's services of earlier days are brought to
# today's: today's last HALL_PACE_SAMPLES finished services of every line, each against
# its own service's mean over the last EARLIER_SAMPLES services of the days before (so
# a morning of quick lines is not taken for a quick hall), once HALL_PACE_MIN_SAMPLES
# of them have such a mean (fewer would move a month's averages on a handful of visits).
HALL_PACE_SAMPLES = 100
HALL_PACE_MIN_SAMPLES = 20
EARLIER_SAMPLES = 2000

# Built once: these run for every ticket issued and every call, and building a
# statement costs more than SQLite takes to run it.
_RECENT_SERVICE_TIMES = (
    select(Ticket.started_at, Ticket.finished_at, Ticket.service_date)
    .where(
        Ticket.service_id == bindparam("service_id"),
        Ticket.state == TicketState.DONE,
        Ticket.finished_at >= bindparam("since"),
        Ticket.started_at.is_not(None),
    )
    .order_by(Ticket.finished_at.desc())
    .limit(bindparam("samples"))
)
# Today's last finished services of the other lines, with their typical minutes: the
# pace a line without history of its own is assumed to keep (``_todays_pace``).
_TODAYS_SERVICE_TIMES = (
    select(Ticket.started_at, Ticket.finished_at, Service.typical_minutes)
    .join(Service, Service.id == Ticket.service_id)
    .where(
        Ticket.service_date == bindparam("today"),
        Ticket.state == TicketState.DONE,
        Ticket.service_id != bindparam("service_id"),
        Ticket.started_at.is_not(None),
    )
    .order_by(Ticket.finished_at.desc())
    .limit(bindparam("samples"))
)
# The hall's last finished services between two service dates: the service and its
# start and finish.
_HALL_SERVICE_TIMES = (
    select(Ticket.service_id, Ticket.started_at, Ticket.finished_at)
    .where(
        Ticket.service_date >= bindparam("first"),
        Ticket.service_date <= bindparam("last"),
        Ticket.state == TicketState.DONE,
        Ticket.started_at.is_not(None),
    )
    .order_by(Ticket.finished_at.desc())
    .limit(bindparam("samples"))
)
# The counters that will call a ticket, as they are now: open or not, and what they hold.
_COUNTERS_NOW = (
    select(Counter.state, Ticket.service_id, Ticket.started_at)
    .select_from(Counter)
    .outerjoin(Ticket, Ticket.id == Counter.current_ticket_id)
    .where(Counter.id.in_(bindparam("counter_ids", expanding=True)), Counter.active.is_(True))
)
_OPEN_COUNTERS = open_counters_of_line(func.count())
_OPEN = _OPEN_COUNTERS.scalar_subquery()
# A line's figures in one statement: waiting count, since when, counters open for it.
_LINE = select(func.count(), func.min(Ticket.queued_at), _OPEN).where(
    Ticket.service_id == bindparam("service_id"), Ticket.state == TicketState.WAITING
)


def average_service_minutes(
    session: Session,
    service: Service,
    settings: SiteSettings,
    now: dt.datetime,
    history_pace: Callable[[], float] | None = None,
) -> float:
    """Mean of the last N real service times, those of earlier days times
    ``history_pace()`` (default: ``pace_against_history`` read now); below the minimum of
    samples, the configured typical minutes at the pace the hall's other lines keep
    today."""
    rows = run(
        session,
        _RECENT_SERVICE_TIMES,
        {
            "service_id": service.id,
            "since": now - dt.timedelta(days=HISTORY_DAYS),
            "samples": settings.estimate_sample_size,
        },
    ).all()
    served = [(end - begin, day) for begin, end, day in rows if begin and end]
    if len(served) < settings.estimate_min_samples:
        return float(service.typical_minutes) * _todays_pace(session, service, settings, now)
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    scale = 1.0
    if any(day < today for _, day in served):
        scale = history_pace() if history_pace else pace_against_history(session, settings, now)
    seconds = sum(took.total_seconds() * (scale if day < today else 1.0) for took, day in served)
    return max(SHORTEST_AVERAGE_MINUTES, seconds / len(served) / 60)


def pace_against_history(session: Session, settings: SiteSettings, now: dt.datetime) -> float:
    """How much quicker (below 1) or slower the hall serves today than on its earlier
    days (``pace_ratio`` of today's services and the earlier days' means). A line's
    average is mostly its earlier days' services early in the day; an office quicker or
    slower today than its month (new officers, a slow network, a simulated day played
    faster than real time) is so on every line."""
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    return pace_ratio(todays_services(session, today), lambda: earlier_means(session, today))


def pace_ratio(
    today: Sequence[tuple[int, float]], earlier: Callable[[], Mapping[int, float]]
) -> float:
    """Today's service minutes ÷ what the same services took on average on the earlier
    days, over those of ``today`` ((service, minutes) pairs) whose service ``earlier()``
    has a mean for; 1 below ``HALL_PACE_MIN_SAMPLES`` of them (read only then)."""
    if len(today) < HALL_PACE_MIN_SAMPLES:
        return 1.0
    means = earlier()
    pairs = [(minutes, means[service]) for service, minutes in today if service in means]
    expected = sum(mean for _, mean in pairs)
    if len(pairs) < HALL_PACE_MIN_SAMPLES or expected <= 0:
        return 1.0
    return max(SHORTEST_AVERAGE_MINUTES, sum(minutes for minutes, _ in pairs)) / expected


def todays_services(session: Session, today: dt.date) -> tuple[tuple[int, float], ...]:
    """The hall's last finished services of ``today``: (service, minutes) pairs."""
    rows = run(
        session, _HALL_SERVICE_TIMES, {"first": today, "last": today, "samples": HALL_PACE_SAMPLES}
    )
    return tuple(
        (service, (end - begin).total_seconds() / 60)
        for service, begin, end in rows
        if begin and end
    )


def earlier_means(session: Session, today: dt.date) -> dict[int, float]:
    """Each service's mean minutes over the hall's last finished services before
    ``today`` (within ``HISTORY_DAYS``, as a line's own samples)."""
    rows = run(
        session,
        _HALL_SERVICE_TIMES,
        {
            "first": today - dt.timedelta(days=HISTORY_DAYS),
            "last": today - dt.timedelta(days=1),
            "samples": EARLIER_SAMPLES,
        },
    )
    totals: dict[int, list[float]] = {}
    for service, begin, end in rows:
        if begin and end:
            totals.setdefault(service, []).append((end - begin).total_seconds() / 60)
    return {service: sum(minutes) / len(minutes) for service, minutes in totals.items()}


def _todays_pace(
    session: Session, service: Service, settings: SiteSettings, now: dt.datetime
) -> float:
    """Real service time / typical minutes over today's last finished services of the
    other lines (1 below the minimum of samples): officers who are quicker or slower
    than the configured minutes are so for a new line too, and so is a simulated day
    played faster than real time."""
    today = now.astimezone(ZoneInfo(settings.timezone)).date()
    rows = run(
        session,
        _TODAYS_SERVICE_TIMES,
        {"today": today, "service_id": service.id, "samples": settings.estimate_sample_size},
    ).all()
    pairs = [
        ((end - begin).total_seconds() / 60, float(typical))
        for begin, end, typical in rows
        if begin and end
    ]
    typical_total = sum(typical for _, typical in pairs)
    if len(pairs) < settings.estimate_min_samples or typical_total <= 0:
        return 1.0
    return max(SHORTEST_AVERAGE_MINUTES, sum(real for real, _ in pairs)) / typical_total


def recent_average(ctx: Ctx, service: Service) -> float:
    """``average_service_minutes`` as the catalog keeps it (a few seconds old at most;
    afresh in a transaction that finished a ticket of the service)."""

    def compute() -> float:
        return average_service_minutes(
            ctx.session, service, ctx.settings, ctx.now, lambda: hall_pace_now(ctx)
        )

    if service.id in ctx.finished_services:
        return compute()
    return ctx.catalog.average_minutes(service.id, ctx.now, compute)


def recent_average_of(ctx: Ctx, service_id: int) -> float:
    """``recent_average`` by the service's id (loaded only when the figure is not kept)."""

    def compute() -> float:
        service = ctx.session.get(Service, service_id)
        assert service is not None  # a ticket or a counter refers to it
        return average_service_minutes(
            ctx.session, service, ctx.settings, ctx.now, lambda: hall_pace_now(ctx)
        )

    if service_id in ctx.finished_services:
        return compute()
    return ctx.catalog.average_minutes(service_id, ctx.now, compute)


def hall_pace_now(ctx: Ctx) -> float:
    """``pace_against_history`` as the catalog keeps its parts: today's services for
    ``AVERAGE_SECONDS``, the earlier days' means for the day."""
    today = ctx.now.astimezone(ctx.tz).date()
    services = ctx.catalog.todays_services(
        today, ctx.now, lambda: todays_services(ctx.session, today)
    )
    return pace_ratio(
        services,
        lambda: ctx.catalog.earlier_means(today, lambda: earlier_means(ctx.session, today)),
    )


def played_wait(free_in: Iterable[float], ahead: int, minutes_each: float) -> float:
    """Minutes until a counter calls the visitor: ``ahead`` people, ``minutes_each`` each,
    go one by one to whichever counter is free first (``free_in``: minutes until each
    counter that will call them is free; none: one counter, free now, as if one opens),
    and the visitor to the next one free after them."""
    free = sorted(free_in) or [0.0]
    for _ in range(ahead):
        heapq.heapreplace(free, free[0] + minutes_each)
    return free[0]


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
    waiting, oldest, counters = run(session, _LINE, {"service_id": service.id}).one()
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
    """People ahead by the calling order (``calling.line_forecast``), and the wait played
    out on the counters that will call them (``played_wait``), each visitor at their
    service's recent average (as the catalog keeps it)."""
    forecast = line_forecast(ctx, ticket)
    if ticket.state != TicketState.WAITING:
        return TicketEstimate(0, 0, forecast.open_counters)
    own = recent_average(ctx, ticket.service)
    free_in = _counters_free_in(ctx, forecast, ticket.service_id, own)
    each = _minutes_each(ctx, forecast, ticket.service_id, own)
    minutes = played_wait(free_in, forecast.ahead, each)
    seconds = round(minutes * 60)
    return TicketEstimate(forecast.ahead, math.ceil(seconds / 60), forecast.open_counters, seconds)


def _counters_free_in(ctx: Ctx, forecast: Forecast, service_id: int, own: float) -> list[float]:
    """Minutes until each open counter of the forecast's can call again. A paused or
    closed counter calls nobody until its officer comes back, which nobody can say."""
    if not forecast.counter_ids:
        return []
    free_in = []
    rows: Iterable[CounterNow] = forecast.counters_now or [
        (state, serving, started)
        for state, serving, started in run(
            ctx.session, _COUNTERS_NOW, {"counter_ids": list(forecast.counter_ids)}
        )
    ]
    for state, serving, started in rows:
        if state != CounterState.OPEN:
            continue
        if serving is None:
            free_in.append(0.0)
            continue
        average = own if serving == service_id else recent_average_of(ctx, serving)
        if started is None:
            free_in.append(average)  # called: the visitor is on their way, or recalled
            continue
        served = (ctx.now - started).total_seconds() / 60
        free_in.append(max(average - served, OVERRUN_SHARE * average))
    return free_in


def _minutes_each(ctx: Ctx, forecast: Forecast, service_id: int, own: float) -> float:
    """The mean time the people ahead will take: each line's at its own average (those
    whose line the count does not tell, at the ticket's own)."""
    if forecast.ahead == 0:
        return own
    known = sum(forecast.ahead_by_service.values())
    total = (forecast.ahead - known) * own
    for line, count in forecast.ahead_by_service.items():
        total += count * (own if line == service_id else recent_average_of(ctx, line))
    return total / forecast.ahead
