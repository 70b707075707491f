"""The last places of a slot under a crowd: 50 visitors book the same slot with 3 places
at the same moment, each in a transaction of its own, on SQLite and on PostgreSQL.
Exactly 3 get a booking; the 47 others are told the slot is full."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from server.db import Database
from server.domain import bookings
from server.domain.context import SYSTEM, Ctx
from server.domain.errors import DomainError
from server.domain.identity import PersonalDataKey
from server.domain.settings import load_settings
from server.migrate import upgrade
from server.models import Booking, BookingSettings, BookingState
from tests.conftest import JAKARTA
from tests.factories import Hall, build_hall
from tests.pg import fresh_database

VISITORS = 50
PLACES = 3
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=JAKARTA)
SLOT = dt.datetime(2026, 12, 1, 10, 0, tzinfo=JAKARTA)
KEY = PersonalDataKey.from_secret("the test hall's secret, long enough")


def _prepared(url: str) -> tuple[Database, Hall]:
    db = Database(url)
    upgrade(db.engine)
    with db.write() as session:
        hall = build_hall(session, NOW)
        session.add(BookingSettings(service_id=hall.kk, enabled=True, capacity=PLACES))
    return db, hall


@pytest.fixture(params=["sqlite", "postgresql"])
def hall_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Database, Hall]]:
    if request.param == "sqlite":
        db, hall = _prepared(f"sqlite:///{tmp_path / 'race.sqlite3'}")
        yield db, hall
        db.dispose()
        return
    with fresh_database() as url:
        db, hall = _prepared(url)
        try:
            yield db, hall
        finally:
            db.dispose()


def test_fifty_visitors_for_three_places_give_three_bookings_and_47_clear_refusals(
    hall_db: tuple[Database, Hall],
) -> None:
    db, hall = hall_db
    start = threading.Barrier(VISITORS, timeout=30)

    def visitor(n: int) -> str:
        request = bookings.BookingRequest(
            service_id=hall.kk, slot_start=SLOT, name=f"Pengunjung {n}", phone=f"0812000{n:05d}"
        )
        start.wait()
        try:
            with db.write() as session:
                ctx = Ctx(session, NOW.astimezone(dt.UTC), load_settings(session), SYSTEM)
                bookings.book(ctx, request, KEY)
            return "booked"
        except DomainError as refused:
            return refused.code.value

    with ThreadPoolExecutor(max_workers=VISITORS) as pool:
        outcomes = Counter(pool.map(visitor, range(VISITORS), timeout=120))
    assert outcomes == {"booked": PLACES, "slot_full": VISITORS - PLACES}
    with db.read() as session:
        held = session.query(Booking).filter(Booking.state == BookingState.BOOKED).count()
    assert held == PLACES
