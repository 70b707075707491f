"""The hall's configuration as this process last read it, kept while it is unchanged.

Every ticket used to read the site settings, the holiday of the day and the zones of
its service from the database: statements on every request for facts that change a
few times a year. A ``Catalog`` keeps them per process, keyed by the database's
catalog version (``server.models.CatalogVersion``): a number that triggers raise in
the same transaction as any change of settings, holidays, agencies, series, services,
zones, counter_services or a counter's agency, zone, label or active flag, whoever
makes it (this process, another server process, the command line, an SQL console).
Each transaction reads that number first and uses what is kept only when it was read
at the same number, so a change is seen by the very next transaction of every
process: the cache never decides ``service_closed`` on old hours or holidays.

The recent average service time is different: it moves with every finished ticket,
and it only feeds an estimate. It is kept ``AVERAGE_SECONDS`` of the server clock; a
ticket finished in this process drops its service's figure at once, one finished in
another process shows in the estimates within that time.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from server.models import CatalogVersion, Counter, CounterService, Holiday, Zone

from .areas import WaitingArea, service_area
from .settings import SiteSettings, load_settings

AVERAGE_SECONDS = 5.0

# Read in every transaction: a Core select of the table, lighter than an ORM one.
_VERSION_ROW = CatalogVersion.__table__
_VERSION = select(_VERSION_ROW.c.version).where(_VERSION_ROW.c.id == 1)
_HOLIDAYS = select(Holiday.date)
_ZONES_OF_SERVICE = (
    select(Zone.code)
    .join(Counter, Counter.zone_id == Zone.id)
    .join(CounterService, CounterService.counter_id == Counter.id)
    .where(CounterService.service_id == bindparam("service_id"))
    .distinct()
)


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
    _zones: dict[int, tuple[str, ...]] = field(default_factory=dict, init=False)
    _areas: dict[int, WaitingArea | None] = field(default_factory=dict, init=False)
    _averages: dict[int, tuple[dt.datetime, float]] = field(default_factory=dict, init=False)

    def settings(self, session: Session) -> SiteSettings:
        settings = self._settings
        if settings is None:
            settings = load_settings(session)
            if self._may_keep(session):
                self._settings = settings
        return settings

    def is_holiday(self, session: Session, day: dt.date) -> bool:
        holidays = self._holidays
        if holidays is None:
            # The whole table: a few dozen days a year, and any day may be asked.
            holidays = frozenset(session.scalars(_HOLIDAYS))
            if self._may_keep(session):
                self._holidays = holidays
        return day in holidays

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
        if service_id in self._areas:
            return self._areas[service_id]
        area = service_area(session, service_id)
        if self._may_keep(session):
            self._areas[service_id] = area
        return area

    def _may_keep(self, session: Session) -> bool:
        """Whether what ``session`` just read belongs to this version. Not when the
        transaction changed the configuration itself (it sees its own change, which may
        yet roll back) or a change committed since it read the version: what it read is
        then returned to it, not kept for others."""
        if self.version is None:
            return True  # this transaction's own snapshot
        return session.execute(_VERSION).scalar() == self.version

    def average_minutes(
        self, service_id: int, now: dt.datetime, compute: Callable[[], float]
    ) -> float:
        """The service's recent average service time, as computed within the last
        ``AVERAGE_SECONDS`` of the server clock, or ``compute()`` now."""
        kept = self._averages.get(service_id)
        if kept is not None and kept[0] <= now < kept[0] + dt.timedelta(seconds=AVERAGE_SECONDS):
            return kept[1]
        minutes = compute()
        self._averages[service_id] = (now, minutes)
        return minutes

    def forget_average(self, service_id: int) -> None:
        """A ticket of the service was finished: its average has moved."""
        self._averages.pop(service_id, None)


class Catalog:
    """One per application (process): the snapshot of the newest catalog version seen."""

    def __init__(self) -> None:
        self._current = CatalogSnapshot()
        self._lock = threading.Lock()

    def snapshot(self, session: Session) -> CatalogSnapshot:
        """The snapshot for the transaction ``session`` runs: call it before anything else
        is read in that transaction, so nothing it reads is older than the version."""
        version = session.execute(_VERSION).scalar()
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
