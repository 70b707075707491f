"""The hall as the counter client knows it from ``GET /config``, and the server's clock.

Waiting and service times tick on the officer's screen from server timestamps; the PC's
own clock may be minutes off, so times are measured against the server's clock as
estimated when the configuration was loaded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from shared import wire
from shared.timestamps import parse_time


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class ServerClock:
    """The server's time, as the PC's clock plus the offset seen at the last config load."""

    def __init__(self, local_now: Callable[[], dt.datetime] = utc_now) -> None:
        self._local_now = local_now
        self._offset = dt.timedelta(0)

    def sync(self, server_time: dt.datetime | None) -> None:
        if server_time is not None:
            self._offset = server_time - self._local_now()

    def now(self) -> dt.datetime:
        return self._local_now() + self._offset


@dataclass(frozen=True)
class Hall:
    """Agencies, services and counters by id, plus the site settings the client uses."""

    agencies: Mapping[int, wire.Agency] = field(default_factory=dict)
    services: Mapping[int, wire.Service] = field(default_factory=dict)
    counters: Mapping[int, wire.Counter] = field(default_factory=dict)
    calls_before_no_show: int = 3
    priority_every_n: int = 1  # the calling order's priority turn (site setting)
    timezone: str = "Asia/Jakarta"
    today: str = ""
    server_time: dt.datetime | None = None

    @classmethod
    def from_config(cls, config: wire.Config) -> Hall:
        settings = config.get("settings") or {}
        site = config.get("site") or {}
        return cls(
            agencies={int(a["id"]): a for a in config.get("agencies", [])},
            services={int(s["id"]): s for s in config.get("services", [])},
            counters={int(c["id"]): c for c in config.get("counters", [])},
            calls_before_no_show=int(settings.get("no_show_after_calls", 3)),
            priority_every_n=int(settings.get("priority_every_n", 1)),
            timezone=str(site.get("timezone") or "Asia/Jakarta"),
            today=str(site.get("today", "")),
            server_time=parse_time(site.get("server_time")),
        )

    def agency_name(self, agency_id: int | None) -> str:
        agency = self.agencies.get(agency_id or 0)
        return str(agency.get("short_name") or agency.get("name")) if agency else ""

    def service_name(self, service_id: int) -> str:
        """The service's name ("" for one the configuration does not list)."""
        service = self.services.get(service_id)
        return str(service.get("name", "")) if service else ""

    def counters_of(self, agency_id: int | None) -> list[wire.Counter]:
        """An agency's counters in the hall's order (all of them for an agency of None)."""
        return [c for c in self.counters.values() if agency_id in (None, c.get("agency_id"))]

    def agency_position(self, agency_id: int) -> int:
        """Where the agency stands in the hall's order (an unknown one first)."""
        agency = self.agencies.get(agency_id)
        return agency.get("position", 0) if agency else 0

    def agency_active(self, agency_id: int) -> bool:
        """Whether the agency takes visitors (an unknown one is taken at its word)."""
        agency = self.agencies.get(agency_id)
        return agency.get("active", True) if agency else True

    def transfer_services(self) -> list[wire.Service]:
        """Every active service of an active agency, grouped by agency in the hall's order."""
        services = [
            s
            for s in self.services.values()
            if s.get("active", True) and self.agency_active(s["agency_id"])
        ]
        return sorted(
            services,
            key=lambda s: (self.agency_position(s["agency_id"]), s.get("position", 0), s["id"]),
        )
