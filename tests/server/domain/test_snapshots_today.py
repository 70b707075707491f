"""The agency snapshot's figures of the day: served count and average service time per
counter, and today's no-shows, newest first — on SQLite and on PostgreSQL, whose time
arithmetic differs."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from server.domain import counters
from server.domain.snapshots import agency_snapshot
from server.models import Agency
from tests.conftest import FakeClock
from tests.factories import Hall
from tests.pg import fresh_database
from tests.server.domain.conftest import Desk

TUESDAY_9AM = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)  # 09.00 in Jakarta


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, schema_template: Path
) -> Iterator[str]:
    """Both backends: the average is computed in the database, in each one's dialect."""
    if request.param == "sqlite":
        target = tmp_path / "antre.sqlite3"
        shutil.copy(schema_template, target)
        yield f"sqlite:///{target}"
        return
    with fresh_database(migrated=True) as url:
        yield url


def snapshot(desk: Desk) -> dict[str, Any]:
    desk.session.flush()
    agency = desk.session.get(Agency, desk.hall.dk)
    assert agency is not None
    return agency_snapshot(desk.ctx(), agency)


def today_at(body: dict[str, Any], counter_id: int) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in body["counters"] if c["id"] == counter_id)["today"]
    return found


def mark_no_show(desk: Desk, counter_id: int, user: str) -> None:
    desk.at(counter_id, counters.recall, user)
    desk.at(counter_id, counters.recall, user)
    desk.at(counter_id, counters.no_show, user)


def test_served_and_average_service_time_equal_a_hand_count_at_two_counters(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    for service in (hall.ktp, hall.kk, hall.kk):
        desk.issue(service)
    desk.open(hall.c1, "petugas.dk")
    desk.open(hall.c2, "petugas2.dk")

    desk.next(hall.c1)  # DK-001 (KTP)
    clock.advance(minutes=1)
    desk.at(hall.c1, counters.start)
    clock.advance(minutes=3)
    desk.at(hall.c1, counters.finish)  # served 180 s, from start to finish
    desk.next(hall.c2, "petugas2.dk")  # DK-002 (KK)
    clock.advance(minutes=2)
    desk.next(hall.c2, "petugas2.dk")  # finishes DK-002 (120 s from the call), calls DK-003
    clock.advance(minutes=5)
    desk.at(hall.c2, counters.finish, "petugas2.dk")  # DK-003: 300 s

    body = snapshot(desk)

    assert today_at(body, hall.c1) == {"served": 1, "average_service_seconds": 180.0}
    assert today_at(body, hall.c2) == {"served": 2, "average_service_seconds": 210.0}


def test_a_counter_that_served_nobody_today_says_so(desk: Desk, hall: Hall) -> None:
    assert today_at(snapshot(desk), hall.c1) == {"served": 0, "average_service_seconds": None}


def test_another_days_tickets_are_not_counted(desk: Desk, hall: Hall, clock: FakeClock) -> None:
    desk.issue(hall.kk)
    desk.issue(hall.kk)
    desk.open(hall.c2, "petugas2.dk")
    desk.next(hall.c2, "petugas2.dk")
    clock.advance(minutes=2)
    desk.next(hall.c2, "petugas2.dk")
    mark_no_show(desk, hall.c2, "petugas2.dk")

    clock.set(TUESDAY_9AM)
    assert today_at(snapshot(desk), hall.c2) == {"served": 0, "average_service_seconds": None}
    assert snapshot(desk)["no_shows"] == []

    desk.issue(hall.kk)
    desk.next(hall.c2, "petugas2.dk")
    clock.advance(seconds=90)
    desk.at(hall.c2, counters.finish, "petugas2.dk")

    body = snapshot(desk)
    assert body["today"] == "2026-12-01"
    assert today_at(body, hall.c2) == {"served": 1, "average_service_seconds": 90.0}


def test_no_shows_of_today_are_listed_most_recently_marked_first(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    first, second, third = desk.issue(hall.ktp), desk.issue(hall.kk), desk.issue(hall.kk)
    desk.open(hall.c1, "petugas.dk")
    desk.open(hall.c2, "petugas2.dk")
    desk.next(hall.c1)  # calls DK-001
    clock.advance(minutes=1)
    desk.next(hall.c2, "petugas2.dk")  # calls DK-002, later than DK-001
    mark_no_show(desk, hall.c2, "petugas2.dk")  # DK-002 marked first ...
    clock.advance(minutes=1)
    mark_no_show(desk, hall.c1, "petugas.dk")  # ... DK-001 after it
    desk.next(hall.c2, "petugas2.dk")  # DK-003 called, not (yet) a no-show

    body = snapshot(desk)

    assert [t["number"] for t in body["no_shows"]] == [first.number, second.number]
    assert all(t["state"] == "no_show" for t in body["no_shows"])
    assert third.number not in [t["number"] for t in body["waiting"] + body["no_shows"]]


def test_the_snapshot_query_count_does_not_grow_with_the_days_tickets(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    """One aggregate for the figures and one query for the no-shows, however many."""

    def statements_for_snapshot() -> int:
        desk.session.flush()
        desk.session.expire_all()
        seen: list[str] = []
        engine = desk.session.get_bind()

        def count(*_: Any) -> None:
            seen.append("x")

        event.listen(engine, "before_cursor_execute", count)
        try:
            snapshot(desk)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    desk.open(hall.c2, "petugas2.dk")
    desk.issue(hall.kk)
    desk.next(hall.c2, "petugas2.dk")
    mark_no_show(desk, hall.c2, "petugas2.dk")
    few = statements_for_snapshot()

    for _ in range(5):
        desk.issue(hall.kk)
        desk.next(hall.c2, "petugas2.dk")
        mark_no_show(desk, hall.c2, "petugas2.dk")
        desk.issue(hall.kk)
        desk.next(hall.c2, "petugas2.dk")
        desk.at(hall.c2, counters.finish, "petugas2.dk")

    assert statements_for_snapshot() <= few
