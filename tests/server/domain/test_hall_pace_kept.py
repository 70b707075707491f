"""The parts of the hall's pace as a process keeps them: today's last services and the
day's typical pause for a few seconds of the server clock, like a line's average; the
earlier days' means for the day."""

from __future__ import annotations

import datetime as dt
from typing import Generic, TypeVar

from server.domain.catalog import AVERAGE_SECONDS, CatalogSnapshot
from server.domain.estimates import HALL_PACE_MIN_SAMPLES, pace_ratio

MONDAY = dt.date(2026, 12, 7)
NOON = dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)


T = TypeVar("T")


class Reads(Generic[T]):
    """A stand-in for a statement: answers in turn, counting how often it was read."""

    def __init__(self, *answers: T) -> None:
        self.answers = list(answers)
        self.calls = 0

    def __call__(self) -> T:
        self.calls += 1
        return self.answers.pop(0)


def test_today_s_services_are_read_again_after_the_average_s_seconds() -> None:
    snapshot = CatalogSnapshot()
    read: Reads[tuple[tuple[int, float], ...]] = Reads(((1, 4.0),), ((1, 5.0),))
    assert snapshot.todays_services(MONDAY, NOON, read) == ((1, 4.0),)
    later = NOON + dt.timedelta(seconds=AVERAGE_SECONDS - 1)
    assert snapshot.todays_services(MONDAY, later, read) == ((1, 4.0),)
    assert read.calls == 1
    after = NOON + dt.timedelta(seconds=AVERAGE_SECONDS)
    assert snapshot.todays_services(MONDAY, after, read) == ((1, 5.0),)
    tuesday = MONDAY + dt.timedelta(days=1)
    read.answers.append(())
    assert snapshot.todays_services(tuesday, after, read) == ()
    assert read.calls == 3


def test_the_typical_pause_is_read_again_after_the_average_s_seconds() -> None:
    snapshot = CatalogSnapshot()
    read: Reads[float | None] = Reads(None, 20.0)
    assert snapshot.typical_pause(MONDAY, NOON, read) is None  # kept too: no pause yet
    later = NOON + dt.timedelta(seconds=AVERAGE_SECONDS - 1)
    assert snapshot.typical_pause(MONDAY, later, read) is None
    after = NOON + dt.timedelta(seconds=AVERAGE_SECONDS)
    assert snapshot.typical_pause(MONDAY, after, read) == 20.0
    assert read.calls == 2


def test_the_earlier_days_means_are_read_once_a_day() -> None:
    snapshot = CatalogSnapshot()
    read: Reads[dict[int, float]] = Reads({1: 10.0}, {1: 9.0})
    assert snapshot.earlier_means(MONDAY, read) == {1: 10.0}
    assert snapshot.earlier_means(MONDAY, read) == {1: 10.0}
    tuesday = MONDAY + dt.timedelta(days=1)
    assert snapshot.earlier_means(tuesday, read) == {1: 9.0}
    assert read.calls == 2


def test_the_ratio_needs_enough_services_with_an_earlier_mean() -> None:
    quick = [(1, 5.0)] * HALL_PACE_MIN_SAMPLES  # service 1 took 10 minutes before
    assert pace_ratio(quick, lambda: {1: 10.0}) == 0.5
    assert pace_ratio(quick[1:], lambda: {1: 10.0}) == 1.0
    # Services new since the earlier days say nothing either way.
    assert pace_ratio(quick[1:] + [(2, 1.0)] * 5, lambda: {1: 10.0}) == 1.0
    assert pace_ratio(quick, dict) == 1.0


def test_the_earlier_means_are_not_read_while_today_has_too_few_services() -> None:
    read: Reads[dict[int, float]] = Reads({1: 10.0})
    assert pace_ratio([(1, 5.0)], read) == 1.0
    assert read.calls == 0
