"""People ahead and estimated wait, from recent real service times and the counters as
they are now (docs/estimate.md, docs/design.md#people-ahead-and-estimated-wait).

A visitor's wait is played out on the counters that will call them: each open counter is
free when what it serves now is done (its service's recent average less the time it has
served, or now when it holds nobody), a paused one after the rest of the hall's typical
pause of the day, and the people ahead, each at their own service's recent average, go
in the calling order to whichever counter is free first; the visitor is called when the
next counter is free after them. Where today's services tell how service times spread
and few are ahead, the visitor is told the median of many such playings, each service
drawn from that spread (``wait_spread``). A line's figures for boards keep the
plain formula: people waiting / open counters x the line's recent average service time.
An average is the mean of the last N finished services, those of earlier days brought to
the pace the hall keeps today, or the service's typical minutes (at today's pace) while
there are fewer than the minimum samples.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from server.models import Counter, CounterEvent, CounterState, Service, Ticket, TicketState
from shared import wire
from shared.waits import wait_kind

from .calling import CounterNow, Forecast, counters_of_line, line_forecast, open_counters_of_line
from .settings import SiteSettings
from .sql import run
from .wait_spread import MOST_AHEAD, CounterAhead, Spread, median_wait, spread_of

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
# The counters that will call a ticket, as they are now: open or not (since when), and
# what they hold.
_COUNTERS_NOW = (
    select(Counter.state, Counter.state_since, Ticket.service_id, Ticket.started_at)
    .select_from(Counter)
    .outerjoin(Ticket, Ticket.id == Counter.current_ticket_id)
    .where(Counter.id.in_(bindparam("counter_ids", expanding=True)), Counter.active.is_(True))
)
# The hall's last pauses and resumes (newest first, by the primary key: no scan of the
# older days), from which today's finished pauses are read: at least MIN_PAUSES of them
# longer than SHORTEST_PAUSE_SECONDS (a pause key pressed twice is no break). A counter
# paused for more than PAUSE_GIVE_UP typical pauses (its officer went home, or into a
# meeting) is left out again, as it was before the pause was known.
PAUSE_EVENTS = 200
MIN_PAUSES = 3
SHORTEST_PAUSE_SECONDS = 5.0
PAUSE_GIVE_UP = 3.0
_PAUSE_EVENTS = (
    select(CounterEvent.counter_id, CounterEvent.kind, CounterEvent.at)
    .where(CounterEvent.kind.in_(("paused", "resumed")))
    .order_by(CounterEvent.id.desc())
    .limit(PAUSE_EVENTS)
)
_OPEN_COUNTERS = open_counters_of_line(func.count())
_OPEN = _OPEN_COUNTERS.scalar_subquery()
# The line's counters on a break: paused since the hall's day began (one left paused on
# an earlier day is closed, to visitors and staff alike).
_PAUSED_TODAY = (
    counters_of_line(CounterState.PAUSED, func.count())
    .where(Counter.state_since >= bindparam("day_start", type_=Counter.state_since.type))
    .scalar_subquery()
)
# A line's figures in one statement: waiting count, since when, counters open for it,
# counters of it on a break.
_LINE = select(func.count(), func.min(Ticket.queued_at), _OPEN, _PAUSED_TODAY).where(
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
        # The catalog's copy: no statement once read in this version, and one that a
        # transaction without an ORM session can use (server/driver_session.py).
        service = ctx.catalog.service(ctx.session, service_id, _service_by_id)
        return average_service_minutes(
            ctx.session, service, ctx.settings, ctx.now, lambda: hall_pace_now(ctx)
        )

    if service_id in ctx.finished_services:
        return compute()
    return ctx.catalog.average_minutes(service_id, ctx.now, compute)


def _service_by_id(session: Session, service_id: int) -> Service:
    service = session.get(Service, service_id)
    assert service is not None  # a ticket or a counter refers to it
    return service


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
    tz = ZoneInfo(settings.timezone)
    day_start = dt.datetime.combine(now.astimezone(tz).date(), dt.time(), tzinfo=tz)
    waiting, oldest, counters, paused = run(
        session, _LINE, {"service_id": service.id, "day_start": day_start}
    ).one()
    if average is None:
        average = average_service_minutes(session, service, settings, now)
    if oldest is not None and oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=dt.UTC)  # an aggregate skips the column type
    longest = int((now - oldest).total_seconds()) if oldest else 0
    return {
        "service_id": service.id,
        "waiting": int(waiting),
        "open_counters": int(counters),
        # With none open: on a break, not closed (what staff screens say at lunch).
        "paused_counters": int(paused),
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
    """What a visitor is told: people ahead, the wait, and whether a counter is open.

    With none open, whether the line's counters are on a break rather than closed, and
    whether the wait counts on their return (the hall has a typical pause today): a
    visitor who comes at lunch is told the counters are on a break, and, where the day
    tells it, when they are likely back (``shared.waits``)."""

    people_ahead: int
    estimated_wait_minutes: int
    open_counters: int
    estimated_wait_seconds: int = 0
    paused_counters: int = 0
    break_known: bool = False

    def to_dict(self) -> wire.WaitEstimate:
        return {
            "people_ahead": self.people_ahead,
            "estimated_wait_minutes": self.estimated_wait_minutes,
            "estimated_wait_seconds": self.estimated_wait_seconds,
            "open_counters": self.open_counters,
            # How to word it (shared.waits), so the phone says what the paper says.
            "wait": wait_kind(
                self.people_ahead,
                self.estimated_wait_minutes,
                self.open_counters,
                paused_counters=self.paused_counters,
                break_known=self.break_known,
            ),
        }


def estimate_now(ctx: Ctx, ticket: Ticket) -> TicketEstimate:
    """People ahead by the calling order (``calling.line_forecast``), and the wait played
    out on the counters that will call them, each visitor at their service's recent
    average (as the catalog keeps it): the median of many playings with today's spread of
    service times (``wait_spread``) where there is one and few are ahead, else the one
    playing at the averages (``played_wait``)."""
    forecast = line_forecast(ctx, ticket)
    if ticket.state != TicketState.WAITING:
        return TicketEstimate(0, 0, forecast.open_counters)
    own = recent_average(ctx, ticket.service)
    counters, paused = _counters_ahead(ctx, forecast, ticket.service_id, own)
    each = _minutes_each(ctx, forecast, ticket.service_id, own)
    spread = None
    busy = any(counter.fixed is None for counter in counters)
    if busy and forecast.ahead <= MOST_AHEAD:
        spread = spread_now(ctx)
    if spread is not None:
        minutes = median_wait(counters, forecast.ahead, each, spread, OVERRUN_SHARE)
    else:
        minutes = played_wait(map(_expected_free_in, counters), forecast.ahead, each)
    seconds = round(minutes * 60)
    return TicketEstimate(
        forecast.ahead,
        math.ceil(seconds / 60),
        forecast.open_counters,
        seconds,
        paused_counters=paused,
        # With none open, every counter played is one back from its break.
        break_known=forecast.open_counters == 0 and bool(counters),
    )


def spread_now(ctx: Ctx) -> Spread | None:
    """``wait_spread.spread_of`` today's services, as the catalog keeps them."""
    today = ctx.now.astimezone(ctx.tz).date()
    services = ctx.catalog.todays_services(
        today, ctx.now, lambda: todays_services(ctx.session, today)
    )
    return spread_of(services)


def _expected_free_in(counter: CounterAhead) -> float:
    """Minutes until the counter is free if its service takes its average."""
    if counter.fixed is not None:
        return counter.fixed
    if counter.served is None:
        return counter.average
    return max(counter.average - counter.served, OVERRUN_SHARE * counter.average)


def _counters_ahead(
    ctx: Ctx, forecast: Forecast, service_id: int, own: float
) -> tuple[list[CounterAhead], int]:
    """Each counter of the forecast's that will call again, as it is now: idle, busy with
    a service (its average, how long it has run), or paused, back after the rest of a
    typical pause of today's (a paused counter is left out while the hall has not
    finished enough pauses today to tell one, and once it has been away for
    ``PAUSE_GIVE_UP`` of them); closed counters call nobody. Also how many of them went
    on a break today, played or not (what the visitor is told with no counter open)."""
    if not forecast.counter_ids:
        return [], 0
    rows: Iterable[CounterNow] = forecast.counters_now or [
        (state, since, serving, started)
        for state, since, serving, started in run(
            ctx.session, _COUNTERS_NOW, {"counter_ids": list(forecast.counter_ids)}
        )
    ]
    counters = []
    pause: float | None = None
    paused_now = 0
    for state, since, serving, started in rows:
        if state == CounterState.PAUSED:
            if since is not None and since.astimezone(ctx.tz).date() == ctx.today:
                # One paused on an earlier day was left so (a PC switched off at a
                # break): to the visitor it is closed, not on a break.
                paused_now += 1
            pause = pause if pause is not None else typical_pause_now(ctx)
            if pause is not None and since is not None:
                paused = (ctx.now - since).total_seconds() / 60
                if paused <= PAUSE_GIVE_UP * pause:
                    counters.append(CounterAhead(max(pause - paused, OVERRUN_SHARE * pause)))
            continue
        if state != CounterState.OPEN:
            continue
        if serving is None:
            counters.append(CounterAhead(0.0))
            continue
        average = own if serving == service_id else recent_average_of(ctx, serving)
        if started is None:  # called: the visitor is on their way, or recalled
            counters.append(CounterAhead(average=average))
            continue
        served = (ctx.now - started).total_seconds() / 60
        counters.append(CounterAhead(average=average, served=served))
    return counters, paused_now


def typical_pause_now(ctx: Ctx) -> float | None:
    """``typical_pause`` as the catalog keeps it."""
    today = ctx.now.astimezone(ctx.tz).date()
    return ctx.catalog.typical_pause(
        today, ctx.now, lambda: typical_pause(ctx.session, ctx.now, ctx.tz)
    )


def typical_pause(session: Session, now: dt.datetime, tz: dt.tzinfo) -> float | None:
    """Median minutes of the hall's pauses finished today (of its last ``PAUSE_EVENTS``
    pauses and resumes; those under ``SHORTEST_PAUSE_SECONDS`` left out), or None below
    ``MIN_PAUSES``: how long a paused counter is likely to stay away, read from the
    hall's own day (a break's length is the office's habit, and a simulated day's are as
    much shorter as its services). The median: one long lunch does not make every
    break long."""
    today = now.astimezone(tz).date()
    pauses: list[float] = []
    resumed: dict[int, dt.datetime] = {}
    for counter_id, kind, at in run(session, _PAUSE_EVENTS, {}):
        if at.astimezone(tz).date() != today:
            break  # newest first: the rest are of the days before
        if kind == "resumed":
            resumed[counter_id] = at
        elif counter_id in resumed:
            seconds = (resumed.pop(counter_id) - at).total_seconds()
            if seconds >= SHORTEST_PAUSE_SECONDS:
                pauses.append(seconds / 60)
    if len(pauses) < MIN_PAUSES:
        return None
    return statistics.median(pauses)


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
