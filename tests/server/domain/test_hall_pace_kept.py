"""The hall's pace as a process keeps it: today's for a few seconds of the server clock,
like a line's average, the earlier days' for the whole day."""

from __future__ import annotations

import datetime as dt

from server.domain.catalog import AVERAGE_SECONDS, CatalogSnapshot

MONDAY = dt.date(2026, 12, 7)
NOON = dt.datetime(2026, 12, 7, 5, 0, tzinfo=dt.UTC)


class Counting:
    def __init__(self, *answers: float | None) -> None:
        self.answers = list(answers)
        self.calls = 0

    def __call__(self) -> float | None:
        self.calls += 1
        return self.answers.pop(0)


def test_today_s_pace_is_read_again_after_the_average_s_seconds() -> None:
    snapshot = CatalogSnapshot()
    read = Counting(0.5, 0.6)
    assert snapshot.todays_pace(MONDAY, NOON, read) == 0.5
    later = NOON + dt.timedelta(seconds=AVERAGE_SECONDS - 1)
    assert snapshot.todays_pace(MONDAY, later, read) == 0.5
    assert read.calls == 1
    assert snapshot.todays_pace(MONDAY, NOON + dt.timedelta(seconds=AVERAGE_SECONDS), read) == 0.6
    assert read.calls == 2


def test_too_few_services_today_is_kept_too_and_a_new_day_reads_afresh() -> None:
    snapshot = CatalogSnapshot()
    read = Counting(None, 0.8)
    assert snapshot.todays_pace(MONDAY, NOON, read) is None
    assert snapshot.todays_pace(MONDAY, NOON, read) is None
    tuesday = MONDAY + dt.timedelta(days=1)
    assert snapshot.todays_pace(tuesday, NOON, read) == 0.8
    assert read.calls == 2


def test_the_earlier_days_pace_is_read_once_a_day() -> None:
    snapshot = CatalogSnapshot()
    read = Counting(1.1, 0.9)
    assert snapshot.earlier_pace(MONDAY, read) == 1.1
    assert snapshot.earlier_pace(MONDAY, read) == 1.1
    assert snapshot.earlier_pace(MONDAY + dt.timedelta(days=1), read) == 0.9
    assert read.calls == 2
