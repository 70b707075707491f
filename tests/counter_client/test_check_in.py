"""A booked visitor at the desk: the officer types (or scans) the booking's code into the
field under the waiting list; the ticket's number is said, and it joins the list. Against
a real server whose clock is set to a Monday morning (``MORNING``), not the wall clock's
time of day; bookings are taken through the domain for the slot about to start."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_client.app import CounterApp
from shared.booking_code import shown
from tests.counter_client.conftest import (
    WAIT_MS,
    StartCounter,
    issue,
    start_working,
    wait_shows,
    waiting_numbers,
)
from tests.e2e.live import LiveServer, running_server
from tests.server.api.booked import booking_state, next_slot, take_booking

HALL_TIME = ZoneInfo("Asia/Jakarta")
# When the server's clock starts: the next slot is 10.30, its window open since 09.30.
MORNING = dt.datetime(2026, 11, 30, 10, 10, tzinfo=HALL_TIME)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """``antre-server run`` over the small test hall, its clock set to ``MORNING``: a slot
    about to start at 23.45 would be tomorrow's, whose check-in opens at midnight."""
    with running_server(tmp_path, clock_start=MORNING) as live:
        yield live


def book_next_slot(server: LiveServer, service_id: int) -> str:
    """A booking of the slot about to start by the server's clock: its code."""
    now = server.now()
    return take_booking(server.db, now, service_id, next_slot(now, HALL_TIME))


def type_code(qtbot: QtBot, app: CounterApp, text: str) -> None:
    """Type into the booking field and press Enter (a USB scanner does the same)."""
    field = app.window.working_page.check_in.code
    field.clear()
    qtbot.keyClicks(field, text)
    qtbot.keyClick(field, Qt.Key.Key_Return)


def test_an_officer_checks_a_booking_in_and_it_joins_the_waiting_list(
    qtbot: QtBot, server: LiveServer, start_counter: StartCounter
) -> None:
    issue(server, server.hall.ktp)  # DK-001, a walk-in
    code = take_booking(
        server.db, server.now(), server.hall.ktp, next_slot(server.now(), HALL_TIME)
    )
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)

    type_code(qtbot, app, code.lower())

    wait_shows(qtbot, app.window, f"Booking {shown(code)} check-in: nomor antrean DK-002")
    qtbot.waitUntil(lambda: "DK-002" in waiting_numbers(app), timeout=WAIT_MS)
    assert app.window.working_page.check_in.code.text() == ""
    assert booking_state(server.db, code).value == "checked_in"

    type_code(qtbot, app, shown(code))  # the visitor shows it again

    wait_shows(qtbot, app.window, "sudah check-in sebelumnya: nomor antrean DK-002")
    assert sorted(waiting_numbers(app)) == ["DK-001", "DK-002"]


def test_an_early_booking_says_when_check_in_opens(
    qtbot: QtBot, server: LiveServer, start_counter: StartCounter
) -> None:
    later = next_slot(server.now(), HALL_TIME) + dt.timedelta(hours=3)
    code = take_booking(server.db, server.now(), server.hall.ktp, later)
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)

    type_code(qtbot, app, code)

    opens = (later - dt.timedelta(hours=1)).astimezone(HALL_TIME).strftime("%H.%M")
    wait_shows(qtbot, app.window, f"pukul {opens}")
    assert waiting_numbers(app) == []


def test_a_mistyped_code_and_another_agency_s_booking_are_refused(
    qtbot: QtBot, server: LiveServer, start_counter: StartCounter
) -> None:
    code = take_booking(
        server.db, server.now(), server.hall.pkb, next_slot(server.now(), HALL_TIME)
    )
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)

    type_code(qtbot, app, "K7QM")
    wait_shows(qtbot, app.window, "Kode booking terdiri dari 8 huruf dan angka")

    type_code(qtbot, app, code)
    wait_shows(qtbot, app.window, "Booking ini untuk layanan instansi lain.")
    assert booking_state(server.db, code).value == "booked"
