"""The typical wait: the people ahead and the services under way played out many times
with today's spread of service times, the visitor told the median (docs/estimate.md)."""

from __future__ import annotations

import math
import statistics

import pytest

from server.domain.estimates import OVERRUN_SHARE, played_wait
from server.domain.wait_spread import (
    SPREAD_MIN_DEVIATIONS,
    CounterAhead,
    Spread,
    median_wait,
    spread_of,
)

# Service times today as multiples of their line's typical time: most near it, a few
# much longer (a visitor with a missing document), as a hall's services spread.
SHAPE = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.4, 1.7, 2.2)


def today(lines: int = 4, scale: float = 10.0) -> tuple[tuple[int, float], ...]:
    """Today's last services: ``lines`` lines, each served ``SHAPE`` times its minutes."""
    return tuple((line, scale * (line + 1) * ratio) for line in range(lines) for ratio in SHAPE)


def spread() -> Spread:
    found = spread_of(today())
    assert found is not None
    return found


def test_a_spread_is_today_s_services_against_their_line_s_mean() -> None:
    ratios = spread().ratios
    assert statistics.fmean(ratios) == pytest.approx(1.0)
    assert list(ratios) == sorted(ratios)
    # Every line spread alike (their own minutes apart): four copies of one shape.
    assert len(set(round(r, 9) for r in ratios)) == len(SHAPE)
    # Eleven a line: each deviation from their mean widened by the root of 11/10.
    assert math.log(ratios[-1] / ratios[0]) == pytest.approx(math.log(2.2 / 0.5) * math.sqrt(1.1))


def test_too_few_of_today_s_services_tell_no_spread() -> None:
    assert spread_of(today(lines=1)) is None  # 11 services: 10 deviations from their mean
    assert spread_of(today(lines=2)) is not None  # 22 services, 20 beyond their 2 means
    one_each = tuple((line, 10.0) for line in range(60))
    assert spread_of(one_each) is None  # a line served once says nothing of its spread
    assert SPREAD_MIN_DEVIATIONS == 20


def test_a_line_served_twice_counts_its_deviation_widened() -> None:
    """A mean of two sits halfway between them: each is as far from it as from the
    other, half the real spread's distance on average; widened by the square root of
    two to make up for it."""
    pairs = tuple(pair for line in range(21) for pair in ((line, 10.0), (line, 10.0 * math.e)))
    found = spread_of(pairs)
    assert found is not None
    low, high = found.ratios[0], found.ratios[-1]
    assert math.log(high / low) == pytest.approx(math.sqrt(2))


def test_three_busy_counters_call_sooner_than_any_one_of_them_on_average() -> None:
    """Each counter just began a 10-minute service: played at the averages, the visitor
    waits 10 minutes; the first of three to finish is usually done sooner."""
    busy = [CounterAhead(average=10.0, served=0.0)] * 3
    assert played_wait([10.0] * 3, 0, 10.0) == 10.0
    typical = median_wait(busy, 0, 10.0, spread(), overrun_share=OVERRUN_SHARE)
    assert 5.0 < typical < 8.5


def test_one_busy_counter_is_told_about_its_average() -> None:
    one = [CounterAhead(average=10.0, served=0.0)]
    typical = median_wait(one, 0, 10.0, spread(), overrun_share=OVERRUN_SHARE)
    assert 8.0 < typical < 12.0  # the median of one service, near its mean


def test_a_service_past_its_average_runs_on_as_today_s_long_ones_did() -> None:
    """Twelve minutes into a 10-minute service: today's services that ran past 1.2 of
    their line's time ran to 1.4, 1.7 and 2.2 of it, so about 2 to 10 minutes are left,
    more than the quarter of an average that a service past it is given otherwise."""
    late = [CounterAhead(average=10.0, served=12.0)]
    typical = median_wait(late, 0, 10.0, spread(), overrun_share=OVERRUN_SHARE)
    assert OVERRUN_SHARE * 10.0 < typical < 10.0


def test_past_what_today_s_services_ran_a_quarter_of_the_average_is_left() -> None:
    very_late = [CounterAhead(average=10.0, served=30.0)]
    typical = median_wait(very_late, 0, 10.0, spread(), overrun_share=OVERRUN_SHARE)
    assert typical == OVERRUN_SHARE * 10.0


def test_idle_and_paused_counters_are_free_when_they_are() -> None:
    counters = [CounterAhead(fixed=0.0), CounterAhead(fixed=6.0)]
    # Nobody ahead: the idle counter calls at once; one ahead: they take it, and the
    # visitor goes to the paused counter when it is back.
    assert median_wait(counters, 0, 10.0, spread(), overrun_share=OVERRUN_SHARE) == 0.0
    assert median_wait(counters, 1, 10.0, spread(), overrun_share=OVERRUN_SHARE) == 6.0


def test_the_order_the_counters_were_read_in_changes_nothing() -> None:
    busy = [
        CounterAhead(average=10.0, served=3.0),
        CounterAhead(average=8.0, served=1.0),
        CounterAhead(average=12.0),
    ]
    first = median_wait(busy, 4, 9.0, spread(), overrun_share=OVERRUN_SHARE)
    again = median_wait(busy[::-1], 4, 9.0, spread(), overrun_share=OVERRUN_SHARE)
    assert first == again


def test_one_place_further_back_is_never_told_a_shorter_wait() -> None:
    busy = [CounterAhead(average=10.0, served=3.0), CounterAhead(average=8.0, served=9.0)]
    waits = [
        median_wait(busy, ahead, 9.0, spread(), overrun_share=OVERRUN_SHARE) for ahead in range(11)
    ]
    assert waits == sorted(waits)
    assert waits[-1] > waits[0]


def test_the_people_ahead_cost_about_their_averages() -> None:
    """Six ahead of 10 minutes on two counters just free: about 30 minutes, as played at
    the averages, give or take the spread of six services."""
    free = [CounterAhead(fixed=0.0), CounterAhead(fixed=0.0)]
    typical = median_wait(free, 6, 10.0, spread(), overrun_share=OVERRUN_SHARE)
    assert played_wait([0.0, 0.0], 6, 10.0) == 30.0
    assert 24.0 < typical < 34.0
