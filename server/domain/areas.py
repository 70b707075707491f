"""Where a visitor waits: the zone (floor) and the counters that will call their ticket.

Said in one place so that the kiosk's screen, the printed ticket and the phone's page
all tell the same thing ("Lantai 1 — Zona A (Loket 1–3)"), and follow a transfer: a
waiting ticket waits where its line's counters are, a ticket sent to one counter where
that counter is, a called one goes to its counter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from sqlalchemy import Executable, bindparam, select
from sqlalchemy.orm import Session

from server.models import Counter, CounterService, Ticket, Zone
from shared import wire
from shared.errors import ErrorCode

from .errors import DomainError

if TYPE_CHECKING:
    from .context import Ctx

# What "a counter serves the service" means, everywhere (the refusal, the area, the
# console's warning): a link to a counter that is active.
SERVED_SERVICE_IDS = (
    select(CounterService.service_id)
    .join(Counter, Counter.id == CounterService.counter_id)
    .where(Counter.active.is_(True))
)
_SERVICE_COUNTERS = (
    select(Zone.code, Zone.name, Counter.label)
    .join(Counter, Counter.zone_id == Zone.id)
    .join(CounterService, CounterService.counter_id == Counter.id)
    .where(CounterService.service_id == bindparam("service_id"), Counter.active.is_(True))
    .order_by(Counter.position, Counter.id)
)
_SERVING_COUNTERS = (
    select(Counter.id, CounterService.service_id)
    .join(CounterService, CounterService.counter_id == Counter.id)
    .where(
        Counter.active.is_(True),
        Counter.id.in_(
            select(CounterService.counter_id).where(
                CounterService.service_id == bindparam("service_id")
            )
        ),
    )
)
_ONE_COUNTER = (
    select(Zone.code, Zone.name, Counter.label)
    .join(Counter, Counter.zone_id == Zone.id)
    .where(Counter.id == bindparam("counter_id"))
)
_NUMBERED = re.compile(r"^(.*?)(\d+)$")


@dataclass(frozen=True)
class ZoneCounters:
    """One zone of a waiting area with the labels of the counters there that may call the
    ticket."""

    code: str
    name: str
    counters: tuple[str, ...]


@dataclass(frozen=True)
class WaitingArea:
    """Where a visitor waits, zone by zone; the kiosk's screen, the printed ticket and
    the phone's page show its ``text``."""

    zones: tuple[ZoneCounters, ...]

    # Worked out once: an area is kept with the catalog and told on every ticket issued.
    @cached_property
    def text(self) -> str:
        return "; ".join(f"{z.name} ({counter_range(z.counters)})" for z in self.zones)

    def to_dict(self) -> wire.WaitingArea:
        return {
            "text": self.text,
            "zones": [
                {"code": z.code, "name": z.name, "counters": list(z.counters)} for z in self.zones
            ],
        }


def counter_range(labels: tuple[str, ...]) -> str:
    """ "Loket 1–3" for Loket 1, 2, 3; "Loket 1, 4" otherwise; labels as they are when
    they do not share a word and end in numbers."""
    parts = [_NUMBERED.match(label) for label in labels]
    stems = {m.group(1) for m in parts if m is not None}
    if len(labels) < 2 or len(stems) != 1 or any(m is None for m in parts):
        return ", ".join(labels)
    stem = stems.pop()
    numbers = [int(m.group(2)) for m in parts if m is not None]
    if sorted(numbers) == list(range(min(numbers), max(numbers) + 1)):
        return f"{stem}{min(numbers)}–{max(numbers)}"
    return stem + ", ".join(str(n) for n in numbers)


def _area(rows: list[tuple[str, str, str]]) -> WaitingArea | None:
    zones: dict[str, ZoneCounters] = {}
    for code, name, label in rows:
        found = zones.get(code)
        labels = (*found.counters, label) if found is not None else (label,)
        zones[code] = ZoneCounters(code, name, labels)
    return WaitingArea(tuple(zones.values())) if zones else None


def _read(session: Session, query: Executable, params: dict[str, int]) -> WaitingArea | None:
    return _area([(row[0], row[1], row[2]) for row in session.execute(query, params)])


def service_area(session: Session, service_id: int) -> WaitingArea | None:
    """The zones and counters of the service's line (None: no counter serves it)."""
    return _read(session, _SERVICE_COUNTERS, {"service_id": service_id})


def counter_area(session: Session, counter_id: int) -> WaitingArea | None:
    return _read(session, _ONE_COUNTER, {"counter_id": counter_id})


def area_now(ctx: Ctx, ticket: Ticket) -> WaitingArea | None:
    """Where this ticket's visitor should be now: at the counter that called it or that it
    was sent to, else where its line's counters are (as the catalog keeps them)."""
    counter_id = ticket.counter_id or ticket.target_counter_id
    if counter_id is not None:
        return ctx.catalog.area_of_counter(ctx.session, counter_id)
    return ctx.catalog.area_of_service(ctx.session, ticket.service_id)


def serving_counters(session: Session, service_id: int) -> tuple[tuple[int, frozenset[int]], ...]:
    """The active counters that serve the service, each with every service it serves
    (who may call its visitors, and what else they call)."""
    served: dict[int, set[int]] = {}
    for counter_id, other in session.execute(_SERVING_COUNTERS, {"service_id": service_id}):
        served.setdefault(counter_id, set()).add(other)
    return tuple((cid, frozenset(ids)) for cid, ids in sorted(served.items()))


def ensure_staffed(ctx: Ctx, service_id: int) -> None:
    """Raise ``service_unstaffed`` when no counter serves the service: nobody could ever
    call its ticket (a counter that is closed now may open; none at all will not)."""
    if ctx.catalog.area_of_service(ctx.session, service_id) is None:
        raise DomainError(
            ErrorCode.SERVICE_UNSTAFFED, "no counter serves this service: nobody could call it"
        )
