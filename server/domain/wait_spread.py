"""The wait as a spread of likely waits, not one played-out figure (docs/estimate.md,
"The typical wait, not the wait of typical services").

Played out with every service at its average, a wait is the wait *if every service took
its average*, and that is not the typical wait: with three counters busy, the visitor is
called when the first of them is done, and the first of three to finish comes sooner
than any one of them on average; a counter already well past its average is likelier to
run on a while than to be done at once. So the people ahead and the services under way
are played out many times, each service drawn from how today's services really spread
around their line's average, and the visitor is told the median of those waits: the
wait that is as likely to be longer as shorter (the promise whose error is smallest in
the middle of the day's visitors).

The spread is the hall's own: each of today's last finished services, against the mean
of the services of its line among them (log ratios, pooled over the lines), so no shape
is assumed. Without enough of today's services to tell it, there is no spread, and the
estimate stays the single played-out figure. Every estimate plays with the same draws
(``SEED``), so a visitor one place further back is never told a shorter wait.
"""

from __future__ import annotations

import bisect
import heapq
import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# Today's services a spread is read from: lines with two or more of them among today's
# last ``estimates.HALL_PACE_SAMPLES`` give one deviation each beyond the first.
SPREAD_MIN_DEVIATIONS = 20
# Waits played out for one estimate: the median of 31 is typically within a few per cent
# of the median of many more (a reviewer's check on the simulated days' estimates), at a
# cost the issue path can carry (docs/estimate.md, "Cost").
ROUNDS = 31
# Beyond this many people ahead the spread's effect is small against the wait (the sum
# of many services varies less than each), and the played-out figure is kept.
MOST_AHEAD = 10


@dataclass(frozen=True)
class Spread:
    """Service times today as multiples of their line's average (mean 1), sorted."""

    ratios: tuple[float, ...]

    def draw(self, rng: random.Random) -> float:
        return self.ratios[int(rng.random() * len(self.ratios))]

    def draw_beyond(self, rng: random.Random, share: float) -> float | None:
        """A ratio above ``share`` (a service already running ``share`` of its average),
        or None where fewer than three of today's ran that long."""
        first = bisect.bisect_right(self.ratios, share)
        left = len(self.ratios) - first
        if left < 3:
            return None
        return self.ratios[first + int(rng.random() * left)]


@lru_cache(maxsize=8)
def spread_of(services: tuple[tuple[int, float], ...]) -> Spread | None:
    """The spread of today's finished services ((service, minutes) pairs): each service's
    log deviation from its line's mean log among them, widened for the few each line has
    (a mean of n takes a share 1/n of each deviation's variance), then as ratios of mean
    1. None below ``SPREAD_MIN_DEVIATIONS``. Kept by its input, which the catalog keeps
    for a few seconds."""
    by_line: dict[int, list[float]] = {}
    for service, minutes in services:
        if minutes > 0:
            by_line.setdefault(service, []).append(math.log(minutes))
    deviations: list[float] = []
    lines = 0
    for logs in by_line.values():
        n = len(logs)
        if n < 2:
            continue
        lines += 1
        mean = sum(logs) / n
        widen = math.sqrt(n / (n - 1))
        deviations += [(x - mean) * widen for x in logs]
    if len(deviations) - lines < SPREAD_MIN_DEVIATIONS:
        return None
    ratios = [math.exp(d) for d in deviations]
    mean_ratio = sum(ratios) / len(ratios)
    return Spread(tuple(sorted(r / mean_ratio for r in ratios)))


@dataclass(frozen=True)
class CounterAhead:
    """An open counter as the spread plays it: free in ``fixed`` minutes (idle: 0; paused:
    the rest of a typical pause), or busy with a service of ``average`` minutes that has
    run ``served`` of them (None: called, not started)."""

    fixed: float | None = None
    average: float = 0.0
    served: float | None = None


# The same draws for every estimate (common random numbers): the same hall tells the same
# wait whoever asks and in whatever order its counters were read, and one more person
# ahead is never told a shorter wait (each playing's wait only grows with them).
SEED = 20261207


def median_wait(
    counters: Sequence[CounterAhead],
    ahead: int,
    minutes_each: float,
    spread: Spread,
    overrun_share: float,
) -> float:
    """The median over ``ROUNDS`` playings of when a counter calls the visitor: each busy
    counter's service drawn from ``spread`` beyond what it has run (or, where too few of
    today's ran that long, ``overrun_share`` of its average still to go), each of the
    ``ahead`` people's from ``spread`` around ``minutes_each``, to whichever counter is
    free first."""
    rng = random.Random(SEED)
    ordered = sorted(counters, key=_order)
    waits = []
    for _ in range(ROUNDS):
        free = []
        for counter in ordered:
            if counter.fixed is not None:
                free.append(counter.fixed)
            elif counter.served is None:
                free.append(counter.average * spread.draw(rng))
            else:
                free.append(_rest(counter, spread, rng, overrun_share))
        if not free:
            free = [0.0]
        heapq.heapify(free)
        for _ in range(ahead):
            heapq.heapreplace(free, free[0] + minutes_each * spread.draw(rng))
        waits.append(free[0])
    return statistics.median(waits)


def _order(counter: CounterAhead) -> tuple[float, float, float]:
    """Counters in one order whatever order they were read in (draws go in turn)."""
    fixed = -1.0 if counter.fixed is None else counter.fixed
    served = -1.0 if counter.served is None else counter.served
    return fixed, counter.average, served


def _rest(counter: CounterAhead, spread: Spread, rng: random.Random, overrun: float) -> float:
    assert counter.served is not None
    if counter.average <= 0:
        return 0.0
    share = counter.served / counter.average
    ratio = spread.draw_beyond(rng, share)
    if ratio is None:
        return overrun * counter.average
    return ratio * counter.average - counter.served
