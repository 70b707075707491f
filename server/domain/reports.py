"""Report figures computed from the ticket event log (docs/design.md#report-figures),
for a period of service dates and one grouping.

The log is read once, ordered by ticket, and each ticket is replayed as a list of
*waiting periods*: one starts when the ticket is issued, put back in line after a
no-show, or transferred; it ends with the call (the last one, after recalls) and then an
outcome (served, no-show, transferred, cancelled, expired). Every figure is a count or a
time over those periods, attributed to the service the visitor waited in and to the
counter and officer that called them. Only one ticket's events are held at a time, so a
busy month costs time in proportion to its events and memory in proportion to its calls
(one number per call, for the percentiles).

Definitions the page states, so that a hand count can reproduce every number:
- waiting time = last call − entry into the line; the entry is the issue, the
  transfer, or the return after a no-show; a booked visitor waits from the booked time
  (from arrival when they came after it: lateness is not the hall's waiting);
- service time = finish − start (− the last call when "start" was not pressed);
- 90th percentile by the nearest rank: the smallest wait such that at least 90 % of
  the calls waited no longer (sorted waits, the ⌈0.9·n⌉-th);
- service level = calls whose wait ≤ the service's target ÷ calls;
- utilisation = service time of the tickets a counter finished ÷ the time it was open;
- online share = tickets from a booking (checked in) ÷ tickets issued; the booked
  visitors' wait (from the slot's start, or from arrival when later, to the call) is
  shown beside the walk-ins' (every other ticket);
- bookings of a day (``booking_rows``) are counted by their state now: made (all of
  them, cancelled ones too), checked in, no-show, cancelled; punctuality is the check-in
  time against the slot's start (``booking_events``' ``minutes_before_slot``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.models import (
    Agency,
    Booking,
    BookingEvent,
    BookingState,
    Counter,
    CounterEvent,
    Service,
    Ticket,
    TicketEvent,
    User,
)
from shared.errors import ErrorCode
from shared.states import TicketSource

from .context import Ctx
from .errors import DomainError

MAX_DAYS = 366
STREAM_BATCH = 2000
P90 = 0.9


class Grouping(enum.StrEnum):
    """What a report's rows are: the hall's agencies, the services, the counters or the
    officers."""

    AGENCY = "agency"
    SERVICE = "service"
    COUNTER = "counter"
    OFFICER = "officer"


class PeriodKind(enum.StrEnum):
    """How the report's period was chosen on the form (one day, a range of days or a
    month)."""

    DAY = "day"
    RANGE = "range"
    MONTH = "month"


@dataclass(frozen=True)
class Period:
    """Service dates ``first`` to ``last`` inclusive, in the hall's time zone."""

    kind: PeriodKind
    first: dt.date
    last: dt.date

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def bounds(self, tz: ZoneInfo) -> tuple[dt.datetime, dt.datetime]:
        """The period as UTC instants: local midnight of the first day to the one after
        the last."""
        start = dt.datetime.combine(self.first, dt.time(), tz)
        end = dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time(), tz)
        return start.astimezone(dt.UTC), end.astimezone(dt.UTC)

    @property
    def key(self) -> str:
        """A short name for file names: 2026-11, 2026-11-30, 2026-11-01_2026-11-15."""
        if self.kind == PeriodKind.MONTH:
            return self.first.strftime("%Y-%m")
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()}_{self.last.isoformat()}"


def _invalid(message: str, field_name: str) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_ERROR, message, field=field_name)


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def _date(text: Any, field_name: str) -> dt.date:
    if not isinstance(text, str) or not _DATE.match(text):
        raise _invalid(f"{field_name} must be a date YYYY-MM-DD", field_name)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _invalid(f"{field_name} is not a real date", field_name) from None


def parse_period(
    kind: Any,
    *,
    date: Any = None,
    first: Any = None,
    last: Any = None,
    month: Any = None,
) -> Period:
    """The period a page or API call asked for, or ``validation_error`` naming the field."""
    if kind not in tuple(PeriodKind):
        raise _invalid("period must be day, range or month", "period")
    if kind == PeriodKind.DAY:
        day = _date(date, "date")
        return Period(PeriodKind.DAY, day, day)
    if kind == PeriodKind.MONTH:
        if not isinstance(month, str) or not _MONTH.match(month):
            raise _invalid("month must be YYYY-MM", "month")
        year, number = int(month[:4]), int(month[5:])
        if not (1 <= number <= 12 and year >= 1):
            raise _invalid("month is not a real month", "month")
        start = dt.date(year, number, 1)
        end = start.replace(day=calendar.monthrange(year, number)[1])
        return Period(PeriodKind.MONTH, start, end)
    start, end = _date(first, "from"), _date(last, "to")
    if end < start:
        raise _invalid("the end date is before the start date", "to")
    if (end - start).days + 1 > MAX_DAYS:
        raise _invalid(f"a report covers at most {MAX_DAYS} days", "to")
    return Period(PeriodKind.RANGE, start, end)


def parse_grouping(value: Any) -> Grouping:
    if value not in tuple(Grouping):
        raise _invalid("group must be agency, service, counter or officer", "group")
    return Grouping(value)


# --- what is counted -----------------------------------------------------------------


@dataclass
class Tally:
    """Running counts of one group (or the total) while the log streams past."""

    issued: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    transferred: int = 0
    expired: int = 0
    waits: list[float] = field(default_factory=list)
    within_target: int = 0
    service_seconds: float = 0.0
    services_timed: int = 0
    booked: int = 0  # tickets from a booking
    booked_wait_seconds: float = 0.0
    booked_calls: int = 0
    walk_in_wait_seconds: float = 0.0
    walk_in_calls: int = 0

    def figures(self, open_seconds: float | None = None) -> Figures:
        waits = sorted(self.waits)
        calls = len(waits)
        return Figures(
            issued=self.issued,
            served=self.served,
            no_show=self.no_show,
            cancelled=self.cancelled,
            transferred=self.transferred,
            expired=self.expired,
            calls=calls,
            within_target=self.within_target,
            avg_wait=sum(waits) / calls if calls else None,
            p90_wait=nearest_rank(waits, P90),
            max_wait=waits[-1] if calls else None,
            avg_service=(
                self.service_seconds / self.services_timed if self.services_timed else None
            ),
            service_level=self.within_target / calls if calls else None,
            open_seconds=open_seconds,
            utilisation=(
                self.service_seconds / open_seconds
                if open_seconds is not None and open_seconds > 0
                else None
            ),
            booked=self.booked,
            online_share=self.booked / self.issued if self.issued else None,
            avg_wait_booked=(
                self.booked_wait_seconds / self.booked_calls if self.booked_calls else None
            ),
            avg_wait_walk_in=(
                self.walk_in_wait_seconds / self.walk_in_calls if self.walk_in_calls else None
            ),
        )


def nearest_rank(sorted_values: list[float], share: float) -> float | None:
    """The nearest-rank percentile: the ⌈share·n⌉-th smallest value."""
    if not sorted_values:
        return None
    rank = max(1, math.ceil(share * len(sorted_values) - 1e-9))
    return sorted_values[rank - 1]


@dataclass(frozen=True)
class Figures:
    """The figures of one row. Times are seconds; None where nothing was measured."""

    issued: int
    served: int
    no_show: int
    cancelled: int
    transferred: int
    expired: int
    calls: int
    within_target: int
    avg_wait: float | None
    p90_wait: float | None
    max_wait: float | None
    avg_service: float | None
    service_level: float | None
    open_seconds: float | None = None
    utilisation: float | None = None
    booked: int = 0
    online_share: float | None = None
    avg_wait_booked: float | None = None
    avg_wait_walk_in: float | None = None


@dataclass(frozen=True)
class Row:
    """One line of the report table: the agency, service, counter or officer it counts,
    and its figures."""

    key: int | None
    label: str
    detail: str
    figures: Figures


@dataclass(frozen=True)
class Report:
    """A computed report as the page, the API and the CSV/XLSX files all show it: rows,
    total, and the hourly and daily curves for the charts."""

    period: Period
    grouping: Grouping
    agency_id: int | None
    agency_name: str | None
    timezone: str
    rows: list[Row]
    total: Figures
    arrivals_by_hour: list[int]
    served_by_hour: list[int]
    issued_by_day: list[tuple[dt.date, int]]
    served_by_day: list[tuple[dt.date, int]]
    # Issued and cancelled belong to a line, not to a counter or officer (nobody called them).
    shows_issued: bool
    # Bookings per service and day (service order, then day), and their total.
    bookings: list[BookingRow] = field(default_factory=list)
    bookings_total: BookingFigures | None = None


# --- replaying the log ---------------------------------------------------------------


@dataclass
class _Wait:
    """One waiting period of one ticket."""

    service_id: int
    entry: dt.datetime
    last_call: dt.datetime | None = None
    counter_id: int | None = None
    officer_id: int | None = None
    started: dt.datetime | None = None
    booked: bool = False  # the visitor came with a booking


@dataclass
class _Catalog:
    """The names and rules the figures need, read once."""

    service_agency: dict[int, int]
    target_seconds: dict[int, float]
    counter_agency: dict[int, int]


class _Accumulator:
    def __init__(self, grouping: Grouping, catalog: _Catalog, agency_id: int | None, tz: ZoneInfo):
        self.grouping = grouping
        self.catalog = catalog
        self.agency_id = agency_id
        self.tz = tz
        self.total = Tally()
        self.groups: dict[int | None, Tally] = {}
        self.arrivals = [0] * 24
        self.served_hours = [0] * 24
        self.issued_days: dict[dt.date, int] = {}
        self.served_days: dict[dt.date, int] = {}
        self.serving_by_counter: dict[int, float] = {}

    def _in_scope(self, service_id: int) -> bool:
        if self.agency_id is None:
            return True
        return self.catalog.service_agency.get(service_id) == self.agency_id

    def _group_key(self, wait: _Wait) -> int | None:
        if self.grouping == Grouping.SERVICE:
            return wait.service_id
        if self.grouping == Grouping.AGENCY:
            return self.catalog.service_agency.get(wait.service_id)
        if self.grouping == Grouping.COUNTER:
            return wait.counter_id
        return wait.officer_id

    def _tallies(self, wait: _Wait) -> Iterator[Tally]:
        yield self.total
        if self.grouping in (Grouping.COUNTER, Grouping.OFFICER) and wait.last_call is None:
            return  # nobody called them: no counter or officer to count it for
        key = self._group_key(wait)
        tally = self.groups.get(key)
        if tally is None:
            tally = self.groups[key] = Tally()
        yield tally

    def issued(self, wait: _Wait, at: dt.datetime, service_date: dt.date) -> None:
        if not self._in_scope(wait.service_id):
            return
        for tally in self._tallies(wait):
            tally.issued += 1
            tally.booked += wait.booked
        self.arrivals[at.astimezone(self.tz).hour] += 1
        self.issued_days[service_date] = self.issued_days.get(service_date, 0) + 1

    def close(
        self, wait: _Wait, outcome: str | None, at: dt.datetime | None, service_date: dt.date
    ) -> None:
        """The end of a waiting period (``outcome`` None: still open at the report's time)."""
        if not self._in_scope(wait.service_id):
            return
        waited = None
        if wait.last_call is not None:
            waited = (wait.last_call - wait.entry).total_seconds()
        service_time = None
        if outcome == "served" and at is not None:
            began = wait.started or wait.last_call
            if began is not None:
                service_time = (at - began).total_seconds()
        for tally in self._tallies(wait):
            if waited is not None:
                tally.waits.append(waited)
                if waited <= self.catalog.target_seconds.get(wait.service_id, math.inf):
                    tally.within_target += 1
                if wait.booked:
                    tally.booked_wait_seconds += waited
                    tally.booked_calls += 1
                else:
                    tally.walk_in_wait_seconds += waited
                    tally.walk_in_calls += 1
            if outcome is not None:
                setattr(tally, outcome, getattr(tally, outcome) + 1)
            if service_time is not None:
                tally.service_seconds += service_time
                tally.services_timed += 1
        if outcome == "served" and at is not None:
            self.served_hours[at.astimezone(self.tz).hour] += 1
            self.served_days[service_date] = self.served_days.get(service_date, 0) + 1
            if service_time is not None and wait.counter_id is not None:
                self.serving_by_counter[wait.counter_id] = (
                    self.serving_by_counter.get(wait.counter_id, 0.0) + service_time
                )


_OUTCOME = {
    "finished": "served",
    "no_show": "no_show",
    "cancelled": "cancelled",
    "expired": "expired",
    "transferred": "transferred",
}


def replay_ticket(
    events: Iterable[tuple[dt.datetime, str, int, int | None, int | None, dict[str, Any] | None]],
    booked_for: dt.datetime | None,
    service_date: dt.date,
    into: _Accumulator,
    *,
    from_booking: bool = False,
) -> None:
    """Feed one ticket's events (in log order) to the accumulator as waiting periods.
    ``booked_for``: the booked time a booked visitor waits from (the ticket's own, or its
    booking's slot start); ``from_booking``: the ticket came from a booking's check-in."""
    wait: _Wait | None = None
    for at, kind, service_id, counter_id, user_id, data in events:
        if kind == "issued":
            entry = max(at, booked_for) if booked_for is not None else at
            wait = _Wait(service_id, entry, booked=from_booking)
            into.issued(wait, at, service_date)
        elif kind == "requeued":  # back after a no-show: a new wait in the same line
            wait = _Wait(service_id, at, booked=from_booking)
        elif wait is None:
            continue  # a log that starts mid-life (cannot happen; never guess)
        elif kind in ("called", "recalled"):
            wait.last_call = at
            if kind == "called" or wait.counter_id is None:
                wait.counter_id, wait.officer_id = counter_id, user_id
        elif kind == "started":
            wait.started = at
        elif kind in _OUTCOME:
            into.close(wait, _OUTCOME[kind], at, service_date)
            if kind == "transferred":
                target = (data or {}).get("to_service_id")
                wait = _Wait(
                    target if isinstance(target, int) else service_id, at, booked=from_booking
                )
            else:
                wait = None
    if wait is not None:
        into.close(wait, None, None, service_date)


# Built once. Ordered by ticket then log order: each ticket's events arrive together.
_LOG = (
    select(
        TicketEvent.ticket_id,
        TicketEvent.at,
        TicketEvent.kind,
        TicketEvent.service_id,
        TicketEvent.counter_id,
        TicketEvent.user_id,
        TicketEvent.data,
        Ticket.booked_for,
        Ticket.service_date,
        Ticket.source,
        Booking.slot_start,
    )
    .join(Ticket, Ticket.id == TicketEvent.ticket_id)
    # A checked-in booking's ticket: its visitor waits from the slot's start.
    .outerjoin(Booking, Booking.ticket_id == Ticket.id)
    .order_by(TicketEvent.ticket_id, TicketEvent.id)
)


def _stream(session: Session, period: Period, agency_id: int | None) -> Iterator[Any]:
    query = _LOG.where(Ticket.service_date.between(period.first, period.last))
    if agency_id is not None:
        # Tickets that waited in one of the agency's lines at some point (transfers
        # cross agencies); the periods in other agencies' lines are dropped later.
        agency_services = select(Service.id).where(Service.agency_id == agency_id)
        touched = select(TicketEvent.ticket_id).where(TicketEvent.service_id.in_(agency_services))
        query = query.where(Ticket.id.in_(touched))
    result = session.execute(query.execution_options(yield_per=STREAM_BATCH))
    yield from result


def _replay_all(session: Session, period: Period, into: _Accumulator) -> None:
    current: int | None = None
    events: list[Any] = []
    booked: dt.datetime | None = None
    from_booking = False
    day = period.first
    for row in _stream(session, period, into.agency_id):
        if row.ticket_id != current:
            if events:
                replay_ticket(events, booked, day, into, from_booking=from_booking)
            current, events, day = row.ticket_id, [], row.service_date
            from_booking = row.source == TicketSource.BOOKING
            booked = row.booked_for or (row.slot_start if from_booking else None)
        events.append((row.at, row.kind, row.service_id, row.counter_id, row.user_id, row.data))
    if events:
        replay_ticket(events, booked, day, into, from_booking=from_booking)


# --- counters' open time ---------------------------------------------------------------


def counter_open_seconds(
    session: Session, start: dt.datetime, end: dt.datetime, now: dt.datetime
) -> dict[int, float]:
    """Seconds each counter was open (not paused, not closed) within [start, end)."""
    end = min(end, now)
    if end <= start:
        return {}
    # A takeover leaves the counter open (under its new holder).
    opened_state = {
        "opened": True,
        "resumed": True,
        "taken_over": True,
        "paused": False,
        "closed": False,
    }
    state: dict[int, dt.datetime | None] = {}
    # The state each counter was in when the period began: its last event before it.
    last_before = (
        select(func.max(CounterEvent.id))
        .where(CounterEvent.at < start, CounterEvent.kind.in_(tuple(opened_state)))
        .group_by(CounterEvent.counter_id)
    )
    before = session.execute(
        select(CounterEvent.counter_id, CounterEvent.kind).where(CounterEvent.id.in_(last_before))
    )
    for counter_id, kind in before:
        state[counter_id] = start if opened_state[kind] else None
    seconds: dict[int, float] = {}
    during = session.execute(
        select(CounterEvent.counter_id, CounterEvent.kind, CounterEvent.at)
        .where(CounterEvent.at >= start, CounterEvent.at < end)
        .order_by(CounterEvent.at, CounterEvent.id)
    )
    for counter_id, kind, at in during:
        if kind not in opened_state:
            continue
        since = state.get(counter_id)
        if since is not None:
            seconds[counter_id] = seconds.get(counter_id, 0.0) + (at - since).total_seconds()
        state[counter_id] = at if opened_state[kind] else None
    for counter_id, since in state.items():
        if since is not None:
            seconds[counter_id] = seconds.get(counter_id, 0.0) + (end - since).total_seconds()
    return seconds


# --- the report ------------------------------------------------------------------------


def compute_report(
    ctx: Ctx, period: Period, grouping: Grouping, agency_id: int | None = None
) -> Report:
    """The figures of ``period`` by ``grouping``, for the whole hall or one agency."""
    session = ctx.session
    tz = ctx.tz
    services = list(session.scalars(select(Service).order_by(Service.agency_id, Service.position)))
    counters = list(session.scalars(select(Counter).order_by(Counter.position, Counter.id)))
    catalog = _Catalog(
        service_agency={s.id: s.agency_id for s in services},
        target_seconds={s.id: s.target_wait_minutes * 60.0 for s in services},
        counter_agency={c.id: c.agency_id for c in counters},
    )
    into = _Accumulator(grouping, catalog, agency_id, tz)
    _replay_all(session, period, into)
    open_seconds: dict[int, float] = {}
    if grouping == Grouping.COUNTER:
        start, end = period.bounds(tz)
        open_seconds = counter_open_seconds(session, start, end, ctx.now)
    rows = _rows(session, grouping, into, services, counters, open_seconds, agency_id)
    booking_rows, booking_total = bookings_by_service_day(session, period, services, agency_id)
    agency_name = None
    if agency_id is not None:
        agency = session.get(Agency, agency_id)
        agency_name = agency.short_name if agency else None
    return Report(
        period=period,
        grouping=grouping,
        agency_id=agency_id,
        agency_name=agency_name,
        timezone=ctx.settings.timezone,
        rows=rows,
        total=into.total.figures(),
        arrivals_by_hour=into.arrivals,
        served_by_hour=into.served_hours,
        issued_by_day=[(d, into.issued_days.get(d, 0)) for d in period.days],
        served_by_day=[(d, into.served_days.get(d, 0)) for d in period.days],
        shows_issued=grouping in (Grouping.AGENCY, Grouping.SERVICE),
        bookings=booking_rows,
        bookings_total=booking_total,
    )


@dataclass(frozen=True)
class _RowScope:
    """What every grouping's rows are made from: the tallies, the hall's catalogue in its
    order, and the agency the report is limited to (None: the whole hall)."""

    session: Session
    into: _Accumulator
    agencies: dict[int, Agency]
    services: list[Service]
    counters: list[Counter]
    open_seconds: dict[int, float]
    agency_id: int | None

    def in_scope(self, agency_id: int) -> bool:
        return self.agency_id is None or agency_id == self.agency_id

    def tally(self, key: int) -> Tally:
        return self.into.groups.get(key, Tally())

    def shown(self, key: int, active: bool) -> bool:
        """Whatever had activity, and every active one also when empty (a month with no
        visitors is a figure too)."""
        return key in self.into.groups or active

    def agency_name(self, agency_id: int) -> str:
        owner = self.agencies.get(agency_id)
        return owner.short_name if owner else ""


def _agency_rows(scope: _RowScope) -> list[Row]:
    return [
        Row(a.id, a.short_name, a.code, scope.tally(a.id).figures())
        for a in scope.agencies.values()
        if scope.in_scope(a.id) and scope.shown(a.id, a.active)
    ]


def _service_rows(scope: _RowScope) -> list[Row]:
    order = {a: i for i, a in enumerate(scope.agencies)}
    in_order = sorted(scope.services, key=lambda s: (order.get(s.agency_id, 0), s.position))
    return [
        Row(
            s.id,
            s.name,
            f"{s.code} · {scope.agency_name(s.agency_id)}",
            scope.tally(s.id).figures(),
        )
        for s in in_order
        if scope.in_scope(s.agency_id) and scope.shown(s.id, s.active)
    ]


def _counter_rows(scope: _RowScope) -> list[Row]:
    return [
        Row(
            c.id,
            c.label,
            scope.agency_name(c.agency_id),
            scope.tally(c.id).figures(scope.open_seconds.get(c.id, 0.0)),
        )
        for c in scope.counters
        if scope.in_scope(c.agency_id) and scope.shown(c.id, c.active)
    ]


def _officer_rows(scope: _RowScope) -> list[Row]:
    """One row per officer who did anything (and one for work of no officer: "—")."""
    groups = scope.into.groups
    wanted = [k for k in groups if k is not None]
    users = {u.id: u for u in scope.session.scalars(select(User).where(User.id.in_(wanted)))}
    rows: list[Row] = []
    for key in sorted(groups, key=lambda k: (k is None, _user_sort(users, k))):
        user = users.get(key) if key is not None else None
        label = user.display_name if user else "—"
        detail = user.username if user else ""
        rows.append(Row(key, label, detail, groups[key].figures()))
    return rows


_ROWS_BY_GROUPING: dict[Grouping, Callable[[_RowScope], list[Row]]] = {
    Grouping.AGENCY: _agency_rows,
    Grouping.SERVICE: _service_rows,
    Grouping.COUNTER: _counter_rows,
    Grouping.OFFICER: _officer_rows,
}


def _rows(
    session: Session,
    grouping: Grouping,
    into: _Accumulator,
    services: list[Service],
    counters: list[Counter],
    open_seconds: dict[int, float],
    agency_id: int | None,
) -> list[Row]:
    """One row per group that had anything, in the hall's order; every agency, service
    and counter of the scope also when empty."""
    agencies = {a.id: a for a in session.scalars(select(Agency).order_by(Agency.position))}
    scope = _RowScope(session, into, agencies, services, counters, open_seconds, agency_id)
    return _ROWS_BY_GROUPING[grouping](scope)


def _user_sort(users: dict[int, User], key: int | None) -> str:
    user = users.get(key) if key is not None else None
    return user.display_name.casefold() if user else ""


# --- bookings ------------------------------------------------------------------------------


@dataclass
class BookingFigures:
    """What became of the bookings of one service on one day (or of the total)."""

    made: int = 0  # every booking of the day, whatever became of it
    checked_in: int = 0
    no_show: int = 0
    cancelled: int = 0
    late: int = 0  # checked in after the window (a walk-in ticket)
    check_ins_timed: int = 0
    minutes_before_slot: float = 0.0  # summed; the average is below
    before_slot: int = 0  # checked in at or before the slot's start

    @property
    def avg_minutes_before_slot(self) -> float | None:
        """Positive: arrived that many minutes before the slot on average; negative: after."""
        if not self.check_ins_timed:
            return None
        return self.minutes_before_slot / self.check_ins_timed

    @property
    def on_time_share(self) -> float | None:
        """Check-ins at or before the slot's start ÷ check-ins."""
        return self.before_slot / self.check_ins_timed if self.check_ins_timed else None

    @property
    def no_show_share(self) -> float | None:
        """No-shows ÷ bookings that came to their day's end (checked in or no-show)."""
        ended = self.checked_in + self.no_show
        return self.no_show / ended if ended else None

    def add(self, other: BookingFigures) -> None:
        for name in (
            "made",
            "checked_in",
            "no_show",
            "cancelled",
            "late",
            "check_ins_timed",
            "minutes_before_slot",
            "before_slot",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class BookingRow:
    """One service's bookings on one day."""

    service_id: int
    code: str
    name: str
    day: dt.date
    figures: BookingFigures


def bookings_by_service_day(
    session: Session, period: Period, services: list[Service], agency_id: int | None
) -> tuple[list[BookingRow], BookingFigures]:
    """Bookings of the period's days per service and day, from the bookings (kept, without
    their personal data, by prune) and their check-in events."""
    in_scope = {s.id: s for s in services if agency_id is None or s.agency_id == agency_id}
    found: dict[tuple[int, dt.date], BookingFigures] = {}

    def of(service_id: int, day: dt.date) -> BookingFigures:
        return found.setdefault((service_id, day), BookingFigures())

    counted = session.execute(
        select(Booking.service_id, Booking.service_date, Booking.state, Booking.late, func.count())
        .where(Booking.service_date.between(period.first, period.last))
        .group_by(Booking.service_id, Booking.service_date, Booking.state, Booking.late)
    )
    for service_id, day, state, late, number in counted:
        if service_id not in in_scope:
            continue
        figures = of(service_id, day)
        figures.made += number
        if state == BookingState.CHECKED_IN:
            figures.checked_in += number
            figures.late += number if late else 0
        elif state == BookingState.NO_SHOW:
            figures.no_show += number
        elif state == BookingState.CANCELLED:
            figures.cancelled += number
    check_ins = session.execute(
        select(Booking.service_id, Booking.service_date, BookingEvent.data)
        .join(Booking, Booking.id == BookingEvent.booking_id)
        .where(
            BookingEvent.kind == "checked_in",
            Booking.service_date.between(period.first, period.last),
        )
    )
    for service_id, day, data in check_ins:
        minutes = (data or {}).get("minutes_before_slot")
        if service_id not in in_scope or not isinstance(minutes, int | float):
            continue
        figures = of(service_id, day)
        figures.check_ins_timed += 1
        figures.minutes_before_slot += float(minutes)
        figures.before_slot += minutes >= 0
    order = {s.id: i for i, s in enumerate(services)}
    rows = [
        BookingRow(service_id, in_scope[service_id].code, in_scope[service_id].name, day, fig)
        for (service_id, day), fig in sorted(found.items(), key=lambda k: (order[k[0][0]], k[0][1]))
    ]
    total = BookingFigures()
    for row in rows:
        total.add(row.figures)
    return rows, total
