"""When a service can be booked, in which slots and how many places each has
(docs/booking.md#slots-and-capacity). Plain rules on plain values: no session here.

A day's slots are cut from the service's opening spans that day (weekday hours, closed on
a holiday, a special opening included, as ``shared.opening_hours`` decides for walk-ins),
each ``slot_minutes`` long and wholly inside a span; a service with time bands offers
only the slots starting inside a band. Places per slot are what the admin set, or what
the counters serving the service can do in a slot times the share of the day offered
online: a counter that serves several services lends each an equal part of its time.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from server.models import BookingSettings
from shared.opening_hours import END_OF_DAY, Span, parse_clock
from shared.states import BookingQueueRule, LateCheckIn


@dataclass(frozen=True)
class BookingRules:
    """One service's booking settings, with the defaults of a service that has none."""

    enabled: bool = False
    days_ahead: int = 7
    slot_minutes: int = 30
    capacity: int | None = None
    online_share: float = 0.3
    cutoff_minutes: int = 30
    check_in_before_minutes: int = 60
    check_in_after_minutes: int = 15
    late: LateCheckIn = LateCheckIn.WALK_IN
    queue_rule: BookingQueueRule = BookingQueueRule.SLOT_TIME
    nik_required: bool = False

    @classmethod
    def of(cls, row: BookingSettings | None) -> BookingRules:
        if row is None:
            return cls()
        return cls(
            enabled=row.enabled,
            days_ahead=row.days_ahead,
            slot_minutes=row.slot_minutes,
            capacity=row.capacity,
            online_share=row.online_share,
            cutoff_minutes=row.cutoff_minutes,
            check_in_before_minutes=row.check_in_before_minutes,
            check_in_after_minutes=row.check_in_after_minutes,
            late=row.late,
            queue_rule=row.queue_rule,
            nik_required=row.nik_required,
        )


@dataclass(frozen=True)
class Band:
    """A time band with its own daily quota of bookings."""

    id: int
    starts: dt.time
    ends: dt.time
    quota: int

    @classmethod
    def parse(cls, band_id: int, starts: str, ends: str, quota: int) -> Band:
        return cls(band_id, parse_clock(starts), parse_clock(ends), quota)

    def holds(self, moment: dt.time) -> bool:
        return self.starts <= moment and (self.ends == END_OF_DAY or moment < self.ends)


@dataclass(frozen=True)
class Slot:
    """One bookable slot: its start in the hall's time zone, its length and places."""

    start: dt.datetime
    minutes: int
    capacity: int
    band: Band | None = None

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.minutes)


def counters_lent(serving: Iterable[tuple[int, frozenset[int]]]) -> float:
    """How many whole counters' time a service has: each serving counter lends it an equal
    share of its time among the services it serves."""
    return sum(1 / max(1, len(services)) for _counter, services in serving)


def slot_capacity(
    rules: BookingRules, counters: float, typical_minutes: float, slot_minutes: int | None = None
) -> int:
    """Places in one slot: as set, or the visits the lent counters finish in a slot times
    the online share, rounded down (never below one while any counter serves it)."""
    if rules.capacity is not None:
        return rules.capacity
    if counters <= 0:
        return 0
    minutes = slot_minutes or rules.slot_minutes
    visits = counters * minutes / max(typical_minutes, 0.5)
    return max(1, math.floor(visits * rules.online_share + 1e-9))


def day_slots(
    spans: Sequence[Span],
    day: dt.date,
    tz: ZoneInfo,
    rules: BookingRules,
    capacity: int,
    bands: Sequence[Band] = (),
) -> list[Slot]:
    """Every slot of ``day`` (whatever is left in them: the caller counts)."""
    step = dt.timedelta(minutes=rules.slot_minutes)
    slots: list[Slot] = []
    for opens, closes in spans:
        start = dt.datetime.combine(day, opens, tz)
        end = (
            dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tz)
            if closes == END_OF_DAY
            else dt.datetime.combine(day, closes, tz)
        )
        while start + step <= end:
            band = next((b for b in bands if b.holds(start.time())), None)
            if band is not None or not bands:
                slots.append(Slot(start, rules.slot_minutes, capacity, band))
            start += step
    return sorted(slots, key=lambda s: s.start)


def check_in_window(
    slot_start: dt.datetime, rules: BookingRules
) -> tuple[dt.datetime, dt.datetime]:
    """From when to when a booking of that slot may be checked in."""
    return (
        slot_start - dt.timedelta(minutes=rules.check_in_before_minutes),
        slot_start + dt.timedelta(minutes=rules.check_in_after_minutes),
    )


def bookable_days(today: dt.date, rules: BookingRules) -> list[dt.date]:
    """Today and the ``days_ahead`` days after it."""
    return [today + dt.timedelta(days=n) for n in range(rules.days_ahead + 1)]
