"""The hall's configuration as this process last read it, kept while it is unchanged.

Every ticket used to read the site settings, the holiday of the day and the zones of
its service from the database: statements on every request for facts that change a
few times a year. A ``Catalog`` keeps them per process (and the special openings, and
each service's opening spans of the day worked out from them),
keyed by the database's catalog version (``server.models.CatalogVersion``): a number
that triggers raise in the same transaction as any change of settings, holidays,
special openings, agencies, series, services, zones, counter_services, the notices'
edited texts or a counter's agency, zone, label or active flag, whoever makes it (this
process, another server process, the command line, an SQL console).
Each transaction reads that number first and uses what is kept only when it was read
at the same number, so a change is seen by the very next transaction of every
process: the cache never decides ``service_closed`` on old hours or holidays.

The recent average service time is different: it moves with every finished ticket,
and it only feeds an estimate. It is kept ``AVERAGE_SECONDS`` of the server clock; a
ticket finished in this process drops its service's figure at once, one finished in
another process shows in the estimates within that time. So are the hall's last
services of today; its services' means on the days before today are kept for the day.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import AbstractContextManager
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from server.models import (
    Agency,
    CatalogVersion,
    Counter,
    CounterService,
    Holiday,
    Series,
    Service,
    SpecialOpening,
    Zone,
)
from shared.opening_hours import Hours, Span, SpecialDay, parse_clock, spans_on

from .areas import WaitingArea, counter_area, service_area, serving_counters
from .notices.texts import NoticeTexts, stored_texts
from .settings import SiteSettings, load_settings
from .sql import run

AVERAGE_SECONDS = 5.0
_Row = TypeVar("_Row", Service, Agency, Series)
_T = TypeVar("_T")

# Read in every transaction: a Core select of the table, lighter than an ORM one.
_VERSION_ROW = CatalogVersion.__table__
_VERSION = select(_VERSION_ROW.c.version).where(_VERSION_ROW.c.id == 1)
_SERVICE_ROWS = inspect(Service)
_HOLIDAYS = select(Holiday.date)
_SPECIAL_DAYS = select(
    SpecialOpening.date, SpecialOpening.opens, SpecialOpening.closes, SpecialOpening.agency_id
)
_ZONES_OF_SERVICE = (
    select(Zone.code)
    .join(Counter, Counter.zone_id == Zone.id)
    .join(CounterService, CounterService.counter_id == Counter.id)
    .where(CounterService.service_id == bindparam("service_id"))
    .distinct()
)


@dataclass
class _KeptToday(Generic[_T]):
    """A figure of one service date, kept ``AVERAGE_SECONDS`` of the server clock like
    an average (read afresh on another date, or with the clock turned back)."""

    _kept: tuple[dt.date, dt.datetime, _T] | None = None

    def get(self, today: dt.date, now: dt.datetime, compute: Callable[[], _T]) -> _T:
        kept = self._kept
        if kept is not None and kept[0] == today and _recent(kept[1], now):
            return kept[2]
        value = compute()
        self._kept = (today, now, value)
        return value


@dataclass
class CatalogSnapshot:
    """The configuration at one catalog version, read lazily, piece by piece, through the
    session of whichever transaction first needs a piece.

    A snapshot made on its own (``CatalogSnapshot()``, what a bare ``Ctx`` gets) is kept
    by nobody else: it reads each piece once for the one transaction that holds it.
    """

    version: int | None = None
    _settings: SiteSettings | None = field(default=None, init=False)
    _holidays: frozenset[dt.date] | None = field(default=None, init=False)
    _special_days: tuple[SpecialDay, ...] | None = field(default=None, init=False)
    _zones: dict[int, tuple[str, ...]] = field(default_factory=dict, init=False)
    _areas: dict[tuple[str, int], WaitingArea | None] = field(default_factory=dict, init=False)
    _serving: dict[int, tuple[tuple[int, frozenset[int]], ...]] = field(
        default_factory=dict, init=False
    )
    _averages: dict[int, tuple[dt.datetime, float]] = field(default_factory=dict, init=False)
    # The hall's last services today (kept like an average) and its services' means on
    # the days before (kept for the day: those days are over), by service date.
    _todays_services: _KeptToday[tuple[tuple[int, float], ...]] = field(
        default_factory=_KeptToday, init=False
    )
    _earlier_means: tuple[dt.date, Mapping[int, float]] | None = field(default=None, init=False)
    # How long the hall's pauses typically took today (kept like an average).
    _typical_pause: _KeptToday[float | None] = field(default_factory=_KeptToday, init=False)
    _services: dict[int, Service] = field(default_factory=dict, init=False)
    # Whether ``_services`` holds every service of this version (``keep_every_service``).
    _every_service_kept: bool = field(default=False, init=False)
    _open_spans: dict[int, _DaySpans] = field(default_factory=dict, init=False)
    _notice_texts: NoticeTexts | None = field(default=None, init=False)

    def service(
        self, session: Session, service_id: int, load: Callable[[Session, int], Service]
    ) -> Service:
        """The service with its agency and series, as ``load`` reads them, in ``session``.

        Read once per version; later transactions get a copy merged into their session
        without a statement (``merge(load=False)``), which costs a fifth of the joined
        select. The kept copy is detached and never changed: a transaction that changes
        a service loads its own (and moves the version). A service the session holds
        already is returned as it is: merging the kept copy over it would undo the
        transaction's own change of it."""
        kept = self._services.get(service_id)
        if kept is not None:
            key = _SERVICE_ROWS.identity_key_from_primary_key((service_id,))
            held = session.identity_map.get(key)
            return held if held is not None else session.merge(kept, load=False)
        service = load(session, service_id)
        if self._may_keep(session):
            self._services[service_id] = _detached_copy(service)
        return service

    def keep_every_service(
        self,
        reader: Callable[[], AbstractContextManager[Session]],
        load_all: Callable[[Session], Iterable[Service]],
    ) -> None:
        """Keep a copy of every service (with its agency and series, as ``load_all``
        reads them in one statement) unless they are kept already: read in a session of
        its own from ``reader``, and kept only when that session reads this very version.

        For a transaction that cannot load entities itself (``server.driver_session``):
        with every copy kept beforehand, the first issue of each service after a start or
        a change of the catalog needs no ORM session either. Copies already kept stay."""
        if self._every_service_kept or self.version is None:
            return  # a snapshot without a version is its transaction's own: nothing kept
        with reader() as session:
            services = list(load_all(session))
            if not self._may_keep(session):
                return  # read at another version: whoever reads this one keeps it
            for service in services:
                self._services.setdefault(service.id, _detached_copy(service))
        self._every_service_kept = True

    def settings(self, session: Session) -> SiteSettings:
        settings = self._settings
        if settings is None:
            settings = load_settings(session)
            if self._may_keep(session):
                self._settings = settings
        return settings

    def notice_texts(self, session: Session) -> NoticeTexts:
        """The notices' words as the console edited them (read only when a notice is
        queued, then kept: a call costs no statement for them)."""
        texts = self._notice_texts
        if texts is None:
            texts = stored_texts(session)
            if self._may_keep(session):
                self._notice_texts = texts
        return texts

    def holidays(self, session: Session) -> frozenset[dt.date]:
        holidays = self._holidays
        if holidays is None:
            # The whole table: a few dozen days a year, and any day may be asked.
            holidays = frozenset(session.scalars(_HOLIDAYS))
            if self._may_keep(session):
                self._holidays = holidays
        return holidays

    def is_holiday(self, session: Session, day: dt.date) -> bool:
        return day in self.holidays(session)

    def special_days(self, session: Session) -> tuple[SpecialDay, ...]:
        """Every special opening (*buka khusus*): a handful a year, like the holidays."""
        days = self._special_days
        if days is None:
            days = tuple(
                SpecialDay(day, parse_clock(opens), parse_clock(closes), agency_id)
                for day, opens, closes, agency_id in session.execute(_SPECIAL_DAYS)
            )
            if self._may_keep(session):
                self._special_days = days
        return days

    def open_spans(self, session: Session, service: Service, day: dt.date) -> tuple[Span, ...]:
        """``shared.opening_hours.spans_on`` for ``service`` on ``day``: when it takes
        tickets that day by its hours, the holidays and the special openings.

        Worked out once a day per service and version, not on every issue (two times of
        day parsed, the special openings scanned). The hours it was worked out from are
        kept with it and compared with ``service.hours`` (a dictionary comparison, no
        parsing), so a service whose hours a transaction changed in its own session
        never gets the spans of the hours it had before."""
        hours, agency_id = service.hours, service.agency_id
        kept = self._open_spans.get(service.id)
        if kept is not None and kept.day == day and kept.matches(hours, agency_id):
            return kept.spans
        holidays, special = self.holidays(session), self.special_days(session)
        spans = tuple(spans_on(hours, holidays, special, day, agency_id))
        if self._may_keep(session):
            self._open_spans[service.id] = _DaySpans(day, deepcopy(hours), agency_id, spans)
        return spans

    def zones_of_service(self, session: Session, service_id: int) -> tuple[str, ...]:
        """The codes of the zones whose boards show a counter serving the service, sorted."""
        zones = self._zones.get(service_id)
        if zones is None:
            found = session.scalars(_ZONES_OF_SERVICE, {"service_id": service_id}).all()
            zones = tuple(sorted(found))
            if self._may_keep(session):
                self._zones[service_id] = zones
        return zones

    def area_of_service(self, session: Session, service_id: int) -> WaitingArea | None:
        """Where the service's visitors wait (``areas.service_area``)."""
        return self._area(session, ("service", service_id), service_area)

    def area_of_counter(self, session: Session, counter_id: int) -> WaitingArea | None:
        """The zone and label of one counter (``areas.counter_area``)."""
        return self._area(session, ("counter", counter_id), counter_area)

    def _area(
        self,
        session: Session,
        key: tuple[str, int],
        read: Callable[[Session, int], WaitingArea | None],
    ) -> WaitingArea | None:
        if key in self._areas:
            return self._areas[key]
        area = read(session, key[1])
        if self._may_keep(session):
            self._areas[key] = area
        return area

    def serving_counters(
        self, session: Session, service_id: int
    ) -> tuple[tuple[int, frozenset[int]], ...]:
        """``areas.serving_counters``: who may call the service's visitors."""
        kept = self._serving.get(service_id)
        if kept is None:
            kept = serving_counters(session, service_id)
            if self._may_keep(session):
                self._serving[service_id] = kept
        return kept

    def _may_keep(self, session: Session) -> bool:
        """Whether what ``session`` just read belongs to this version. Not when the
        transaction changed the configuration itself (it sees its own change, which may
        yet roll back) or a change committed since it read the version: what it read is
        then returned to it, not kept for others."""
        if self.version is None:
            return True  # this transaction's own snapshot
        return run(session, _VERSION).scalar() == self.version

    def average_minutes(
        self, service_id: int, now: dt.datetime, compute: Callable[[], float]
    ) -> float:
        """The service's recent average service time, as computed within the last
        ``AVERAGE_SECONDS`` of the server clock, or ``compute()`` now."""
        kept = self._averages.get(service_id)
        if kept is not None and _recent(kept[0], now):
            return kept[1]
        minutes = compute()
        self._averages[service_id] = (now, minutes)
        return minutes

    def forget_average(self, service_id: int) -> None:
        """A ticket of the service was finished: its average has moved."""
        self._averages.pop(service_id, None)

    def todays_services(
        self,
        today: dt.date,
        now: dt.datetime,
        compute: Callable[[], tuple[tuple[int, float], ...]],
    ) -> tuple[tuple[int, float], ...]:
        """The hall's last finished services of ``today`` as read within the last
        ``AVERAGE_SECONDS``, or ``compute()`` now (one more barely moves its pace)."""
        return self._todays_services.get(today, now, compute)

    def typical_pause(
        self, today: dt.date, now: dt.datetime, compute: Callable[[], float | None]
    ) -> float | None:
        """The typical minutes of the hall's finished pauses of ``today``
        (``estimates.typical_pause``), as read within the last ``AVERAGE_SECONDS``, or
        ``compute()`` now."""
        return self._typical_pause.get(today, now, compute)

    def earlier_means(
        self, today: dt.date, compute: Callable[[], Mapping[int, float]]
    ) -> Mapping[int, float]:
        """Each service's mean minutes on the days before ``today``, read once for the
        day (real service times only: no configuration of this version goes into it)."""
        kept = self._earlier_means
        if kept is not None and kept[0] == today:
            return kept[1]
        means = compute()
        self._earlier_means = (today, means)
        return means


def _recent(computed_at: dt.datetime, now: dt.datetime) -> bool:
    """Whether a figure computed at ``computed_at`` may still be given at ``now`` (a clock
    turned back computes afresh)."""
    return computed_at <= now < computed_at + dt.timedelta(seconds=AVERAGE_SECONDS)


@dataclass(frozen=True)
class _DaySpans:
    """One service's spans on one day, with what they were worked out from."""

    day: dt.date
    hours: Hours | None
    agency_id: int | None
    spans: tuple[Span, ...]

    def matches(self, hours: Hours | None, agency_id: int | None) -> bool:
        return self.agency_id == agency_id and self.hours == hours


def _detached_copy(service: Service) -> Service:
    """A clean, detached copy of ``service`` and its agency and series, for merging."""

    def copy(obj: _Row) -> _Row:
        columns = {a.key: deepcopy(getattr(obj, a.key)) for a in inspect(type(obj)).column_attrs}
        made = type(obj)(**columns)
        make_transient_to_detached(made)
        return made

    made = copy(service)
    # Set after the copies are detached: a relationship set on a transient object would
    # count as a change to flush.
    set_committed_value(made, "agency", copy(service.agency))
    set_committed_value(made, "series", copy(service.series))
    return made


class Catalog:
    """One per application (process): the snapshot of the newest catalog version seen."""

    def __init__(self) -> None:
        self._current = CatalogSnapshot()
        self._lock = threading.Lock()

    def start_over(self) -> None:
        """Drop everything kept: a command changed a kept copy it was handed
        (``server.driver_session``), so none of it can be trusted."""
        with self._lock:
            self._current = CatalogSnapshot()

    def snapshot(self, session: Session) -> CatalogSnapshot:
        """The snapshot for the transaction ``session`` runs: call it before anything else
        is read in that transaction, so nothing it reads is older than the version."""
        version = run(session, _VERSION).scalar()
        current = self._current
        if version is None:
            return CatalogSnapshot()  # no version row (a hand-made database): no caching
        if current.version == version:
            return current
        with self._lock:
            if self._current.version is None or self._current.version < version:
                self._current = CatalogSnapshot(version)
                return self._current
        # An older version than the newest seen (a transaction's snapshot began before
        # a change committed): its own snapshot, not kept.
        return self._current if self._current.version == version else CatalogSnapshot(version)
