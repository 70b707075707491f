"""A running server ends the bookings nobody checked in by itself: when a booking's
check-in window closes, its day-close job (``server.jobs``, every
``expiry_interval_seconds``) makes it a no-show in the event log, with nobody calling
anything (issue 16, point 4).

The server's clock is set a few seconds before the window of a 10.00 slot closes (10.15)
and the job runs every second; the test only watches the database (SQLite, and
PostgreSQL, where the job skips the rows another process holds).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import bookings
from server.domain.context import Ctx
from server.domain.settings import load_settings
from server.models import Booking, BookingEvent, BookingSettings, BookingState
from tests.e2e.live import running_server, wait_until
from tests.factories import Hall
from tests.server.api.booked import KEY

HALL_TIME = ZoneInfo("Asia/Jakarta")
SLOT = dt.datetime(2026, 11, 30, 10, 0, tzinfo=HALL_TIME)
WINDOW_CLOSES = SLOT + dt.timedelta(minutes=15)  # the default: 15 minutes after the start
STARTS = WINDOW_CLOSES - dt.timedelta(seconds=4)

pytestmark = pytest.mark.slow


def book_the_ten_o_clock_slots(session: Session, hall: Hall) -> list[str]:
    """Two bookings of 10.00 taken at 08.00, and one of 11.00 whose window is still open."""
    session.add(BookingSettings(service_id=hall.ktp, enabled=True, capacity=5, cutoff_minutes=0))
    session.flush()
    ctx = Ctx(session, SLOT - dt.timedelta(hours=2), load_settings(session))
    codes = []
    for phone, slot in (
        ("0812-1111-0001", SLOT),
        ("0812-1111-0002", SLOT),
        ("0812-1111-0003", SLOT + dt.timedelta(hours=1)),
    ):
        request = bookings.BookingRequest(hall.ktp, slot, "Siti Rahmawati", phone)
        codes.append(bookings.book(ctx, request, KEY).booking.code)
    return codes


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_bookings_not_checked_in_by_the_window_s_end_become_no_shows_on_their_own(
    tmp_path: Path, request: pytest.FixtureRequest, backend: str
) -> None:
    admin_url = request.getfixturevalue("pg_url") if backend == "postgres" else None
    with running_server(
        tmp_path,
        pg_admin_url=admin_url,
        prepare=book_the_ten_o_clock_slots,
        clock_start=STARTS,
        env={"ANTRE_EXPIRY_INTERVAL_SECONDS": "1"},
    ) as live:
        missed_a, missed_b, later = live.extra

        def no_shows() -> list[Any]:
            with live.db.read() as session:
                return list(
                    session.execute(
                        select(Booking.code, BookingEvent.at)
                        .join(Booking, Booking.id == BookingEvent.booking_id)
                        .where(BookingEvent.kind == "no_show")
                        .order_by(Booking.code)
                    )
                )

        ended = wait_until(lambda: len(no_shows()) == 2 and no_shows(), 20, "two no-shows")

        assert sorted(code for code, _ in ended) == sorted([missed_a, missed_b])
        assert all(at >= WINDOW_CLOSES for _, at in ended)  # not before the window closed
        with live.db.read() as session:
            state = {b.code: b.state for b in session.scalars(select(Booking))}
        assert state[missed_a] == state[missed_b] == BookingState.NO_SHOW
        assert state[later] == BookingState.BOOKED  # its window is open until 11.15
