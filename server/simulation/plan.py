"""The day's plan: who comes when, for what, and how each visit goes. Deterministic and
free of Flask, Qt and the network, so the same seed always gives the same day and the
planner is tested without a server.

Times in the plan are *simulated* seconds from midnight of the simulated day; the runner
(``server.simulation.runner``) plays them at ``--speed``. Volumes follow the hall's own
sizing: an agency draws visitors in proportion to its counters (the demo data sizes each
agency's desk to its demand, ``server/demo/mpp_tangerang.toml``), and within the agency a
service in proportion to the counters serving it divided by its typical minutes (a
short service at the same desks is taken more often).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
from dataclasses import asdict, dataclass, field
from typing import Any

HOUR = 3600.0
MINUTE = 60.0

# Relative arrivals per hour of the day (local time). 08-11 holds 40 of the 100 of an
# 08.00-16.00 day: the morning peak every MPP sees (people come before work, and the
# desks of the central offices close at 15.00). Hours not listed get none.
HOURLY_CURVE: dict[int, float] = {
    7: 3.0,
    8: 13.0,
    9: 14.0,
    10: 13.0,
    11: 12.0,
    12: 10.0,
    13: 14.0,
    14: 13.0,
    15: 11.0,
    16: 2.0,
    17: 1.0,
}
PRIORITY_CATEGORIES = ("elderly", "disabled", "pregnant", "child")
# How spread a service's durations are around its typical minutes: a lognormal with this
# sigma keeps about 2 in 3 visits within 0.64x..1.57x of the median.
SERVICE_TIME_SIGMA = 0.45
SERVICE_TIME_CLIP = (0.2, 4.0)  # x the typical minutes: no instant and no endless visit
# Three calls, then the counter marks a no-show (the hall's rule, docs/counter.md).
CALLS_BEFORE_NO_SHOW = 3


@dataclass(frozen=True)
class ServiceShape:
    """One service as the planner needs it: what it is, how long it takes, how often it
    is asked for."""

    id: int
    code: str
    agency_code: str
    typical_minutes: float
    priority_offered: bool
    weight: float


@dataclass(frozen=True)
class CounterShape:
    """One counter the simulation staffs, and the services it calls for."""

    id: int
    label: str
    agency_code: str
    zone: str
    service_ids: tuple[int, ...]


@dataclass(frozen=True)
class HallShape:
    """The hall as the planner sees it (built from ``GET /config`` by ``hall.py``)."""

    services: tuple[ServiceShape, ...]
    counters: tuple[CounterShape, ...]

    def service(self, service_id: int) -> ServiceShape:
        for service in self.services:
            if service.id == service_id:
                return service
        raise KeyError(service_id)


@dataclass(frozen=True)
class PlanOptions:
    """What kind of day to plan. Shares are of all visitors."""

    visitors: int = 1500
    start: float = 8 * HOUR
    end: float = 16 * HOUR
    seed: int = 1
    priority_share: float = 0.08
    leave_share: float = 0.04
    no_show_share: float = 0.04
    transfer_share: float = 0.05
    recall_shares: tuple[float, float] = (0.10, 0.03)  # answer on the 2nd, on the 3rd call
    phones: int = 0


@dataclass(frozen=True)
class Visit:
    """One visitor's day. ``answers_on_call``: 1 at the first call, 2 or 3 after recalls,
    None: never (a no-show after three calls). ``leaves_after``: simulated seconds of
    waiting after which they give up and tell the desk (cancel); None: they stay."""

    index: int
    arrival: float
    service_id: int
    priority: str
    answers_on_call: int | None
    leaves_after: float | None
    service_seconds: float
    transfer_to: int | None = None
    transfer_service_seconds: float = 0.0
    has_phone: bool = False


@dataclass(frozen=True)
class Break:
    """An officer's break at one counter: pause at ``start`` for ``length`` seconds."""

    counter_id: int
    start: float
    length: float


@dataclass(frozen=True)
class DayPlan:
    """Everything the runner plays, in simulated seconds from midnight."""

    options: PlanOptions
    visits: tuple[Visit, ...]
    breaks: tuple[Break, ...] = field(default=())

    def fingerprint(self) -> str:
        """A short hash of the whole plan: equal plans, equal fingerprints."""
        blob = json.dumps(self.to_dict(), sort_keys=True).encode()
        return hashlib.sha256(blob).hexdigest()[:16]

    def to_dict(self) -> dict[str, Any]:
        return {
            "options": asdict(self.options),
            "visits": [asdict(v) for v in self.visits],
            "breaks": [asdict(b) for b in self.breaks],
        }


def hourly_weights(start: float, end: float) -> list[tuple[float, float, float]]:
    """(from, to, weight) of each part of [start, end) that falls in one hour, weighted by
    the curve and by how much of the hour it covers; a window the curve leaves empty (a
    night shift of the 24-hour demo) gets a flat curve."""
    parts = []
    at = start
    while at < end:
        hour_end = min(end, (math.floor(at / HOUR) + 1) * HOUR)
        hour = int(at // HOUR) % 24
        parts.append((at, hour_end, HOURLY_CURVE.get(hour, 0.0) * (hour_end - at) / HOUR))
        at = hour_end
    if sum(w for _, _, w in parts) <= 0:
        parts = [(a, b, (b - a) / HOUR) for a, b, _ in parts]
    return parts


def service_seconds(rng: random.Random, typical_minutes: float) -> float:
    """One visit's duration: lognormal with the typical minutes as its median."""
    low, high = SERVICE_TIME_CLIP
    factor = min(high, max(low, rng.lognormvariate(0.0, SERVICE_TIME_SIGMA)))
    return round(typical_minutes * MINUTE * factor, 3)


def plan_day(hall: HallShape, options: PlanOptions) -> DayPlan:
    """The day's visits (sorted by arrival) and breaks, from ``options.seed`` alone."""
    rng = random.Random(options.seed)
    parts = hourly_weights(options.start, options.end)
    services = [s for s in hall.services if s.weight > 0]
    if not services:
        raise ValueError("no service to plan visitors for")
    arrivals = sorted(_arrival(rng, parts) for _ in range(options.visitors))
    chosen = rng.choices(services, weights=[s.weight for s in services], k=options.visitors)
    phones = set(rng.sample(range(options.visitors), min(options.phones, options.visitors)))
    visits = tuple(
        _visit(rng, hall, options, index, arrival, service, index in phones)
        for index, (arrival, service) in enumerate(zip(arrivals, chosen, strict=True))
    )
    return DayPlan(options, visits, _breaks(rng, hall, options))


def _arrival(rng: random.Random, parts: list[tuple[float, float, float]]) -> float:
    start, end, _ = rng.choices(parts, weights=[w for _, _, w in parts])[0]
    return round(rng.uniform(start, end), 3)


def _visit(
    rng: random.Random,
    hall: HallShape,
    options: PlanOptions,
    index: int,
    arrival: float,
    service: ServiceShape,
    has_phone: bool,
) -> Visit:
    # Every draw is made whatever its outcome, so one share changed moves no other visit.
    priority_draw, leave_draw, patience = rng.random(), rng.random(), rng.uniform(15, 60)
    answer_draw, transfer_draw = rng.random(), rng.random()
    duration = service_seconds(rng, service.typical_minutes)
    priority = "none"
    if service.priority_offered and priority_draw < options.priority_share:
        priority = rng.choice(PRIORITY_CATEGORIES)
    transfer_to, second = _transfer(rng, hall, service, transfer_draw < options.transfer_share)
    return Visit(
        index=index,
        arrival=arrival,
        service_id=service.id,
        priority=priority,
        answers_on_call=_answering(answer_draw, options),
        leaves_after=patience * MINUTE if leave_draw < options.leave_share else None,
        service_seconds=duration,
        transfer_to=transfer_to,
        transfer_service_seconds=second,
        has_phone=has_phone,
    )


def _answering(draw: float, options: PlanOptions) -> int | None:
    if draw < options.no_show_share:
        return None
    draw -= options.no_show_share
    second, third = options.recall_shares
    if draw < third:
        return 3
    if draw < third + second:
        return 2
    return 1


def _transfer(
    rng: random.Random, hall: HallShape, service: ServiceShape, wanted: bool
) -> tuple[int | None, float]:
    """Another line for this visitor: of the same agency when it has one (the desk sends
    them next door), else any; the draws are made either way."""
    same = [s for s in hall.services if s.agency_code == service.agency_code and s != service]
    others = same or [s for s in hall.services if s != service]
    pick = rng.random()
    if not others:
        return None, 0.0
    target = others[int(pick * len(others))]
    duration = service_seconds(rng, target.typical_minutes)
    return (target.id, duration) if wanted else (None, 0.0)


def _breaks(rng: random.Random, hall: HallShape, options: PlanOptions) -> tuple[Break, ...]:
    """One break per counter in the middle of the day (15-30 min; on a window under two
    hours every other counter takes 3-6 min), so the lines feel a paused counter."""
    length = options.end - options.start
    breaks = []
    for number, counter in enumerate(hall.counters):
        start = options.start + length * rng.uniform(0.35, 0.65)
        if length >= 2 * HOUR:
            breaks.append(Break(counter.id, round(start, 3), rng.uniform(15, 30) * MINUTE))
        elif number % 2 == 1:
            breaks.append(Break(counter.id, round(start, 3), rng.uniform(3, 6) * MINUTE))
    return tuple(breaks)


def parse_day(text: str) -> tuple[float, float]:
    """``08:00-16:00`` to (start, end) in seconds from midnight; ``24:00`` ends the day."""
    try:
        first, last = text.split("-")
        start, end = _clock(first), _clock(last)
    except ValueError:
        raise ValueError(f"--day {text!r}: expected HH:MM-HH:MM, e.g. 08:00-16:00") from None
    if not 0 <= start < end <= 24 * HOUR:
        raise ValueError(f"--day {text!r}: the end must come after the start, within the day")
    return start, end


def _clock(text: str) -> float:
    hours, minutes = text.strip().split(":")
    return int(hours) * HOUR + int(minutes) * MINUTE


def clock_text(seconds: float) -> str:
    """Simulated seconds from midnight as the hall's clock shows them (``09:41``)."""
    minutes = int(seconds // MINUTE)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
