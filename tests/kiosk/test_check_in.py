"""A booking checked in at the kiosk against a real server and a printer on 127.0.0.1:
a scanner's keys on any screen, the code keypad, and the visitors who get no new paper
(already checked in, too early). Bookings are taken through the domain on the server's
database, for the slot about to start by the server's clock, which these tests set to a
Monday morning (``conftest.MORNING``): a slot booked "about to start" at 23.45 would be
tomorrow's, whose check-in opens at midnight, so by the wall clock they failed late at
night."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.flow import Screen
from shared.api_client import ApiClient
from shared.booking_code import shown
from tests.e2e.live import LiveServer
from tests.kiosk.conftest import (
    PUBLIC_URL,
    WAIT_MS,
    StartKiosk,
    find_button,
    kiosk_config,
    shows,
    tap,
    tickets,
    wait_screen,
)
from tests.kiosk.fake_printer import FakeNetworkPrinter
from tests.kiosk.test_kiosk_app import jobs
from tests.server.api.booked import booking_state, next_slot, take_booking

HALL_TIME = ZoneInfo("Asia/Jakarta")


@pytest.fixture
def server(morning_server: LiveServer) -> LiveServer:
    """The server of every test here runs on the kiosk tests' ``MORNING``."""
    return morning_server


def slot_label(slot: dt.datetime) -> str:
    return slot.astimezone(HALL_TIME).strftime("%H.%M")


@pytest.fixture
def slot(server: LiveServer) -> dt.datetime:
    """The next slot to start: its check-in window (an hour before it) is open."""
    return next_slot(server.now(), HALL_TIME)


def scan(qtbot: QtBot, kiosk: Kiosk, text: str) -> None:
    """What a USB scanner does: types what it read, fast, then Enter."""
    qtbot.keyClicks(kiosk.window, text)
    qtbot.keyClick(kiosk.window, Qt.Key.Key_Return)


def type_code(qtbot: QtBot, kiosk: Kiosk, code: str) -> None:
    """Tap the code's keys as a visitor does: a doubled letter tapped again after a
    moment, not within the keypad's bounce time (it would count once)."""
    for previous, key in zip(" " + code, code, strict=False):
        if key == previous:
            qtbot.wait(int(kiosk.flow.key_bounce_seconds * 1000) + 50)
        tap(qtbot, kiosk.window, key)


def test_a_scanned_booking_link_prints_a_ticket_marked_booking_from_any_screen(
    qtbot: QtBot,
    server: LiveServer,
    printer: FakeNetworkPrinter,
    start_kiosk: StartKiosk,
    slot: dt.datetime,
) -> None:
    code = take_booking(server.db, server.now(), server.hall.ktp, slot)
    kiosk = start_kiosk(kiosk_config(server, printer.port))
    tap(qtbot, kiosk.window, "Sentuh untuk mulai")  # someone was choosing an agency

    scan(qtbot, kiosk, f"{PUBLIC_URL}/b/{code}")

    wait_screen(qtbot, kiosk, Screen.TICKET)
    mark = f"BOOKING – JADWAL {slot_label(slot)}"
    assert slot_label(slot) == "10.30"
    assert shows(kiosk.window, "DK-001")
    assert shows(kiosk.window, mark)
    qtbot.waitUntil(lambda: len(jobs(printer)) == 1, timeout=WAIT_MS)
    paper = jobs(printer)[0]
    assert b"DK-001" in paper
    assert mark.replace("–", "-").encode() in paper
    qtbot.waitUntil(lambda: tickets(server) == [("DK-001", True)], timeout=WAIT_MS)
    assert booking_state(server.db, code).value == "checked_in"


def test_a_visitor_types_the_code_on_the_keypad(
    qtbot: QtBot,
    server: LiveServer,
    printer: FakeNetworkPrinter,
    start_kiosk: StartKiosk,
    slot: dt.datetime,
) -> None:
    code = take_booking(server.db, server.now(), server.hall.ktp, slot)
    kiosk = start_kiosk(kiosk_config(server, printer.port))

    tap(qtbot, kiosk.window, "Sudah booking? Check-in di sini")
    type_code(qtbot, kiosk, code)
    assert shows(kiosk.window, shown(code))
    tap(qtbot, kiosk.window, "Check-in")

    wait_screen(qtbot, kiosk, Screen.TICKET)
    assert shows(kiosk.window, "DK-001")
    qtbot.waitUntil(lambda: len(jobs(printer)) == 1, timeout=WAIT_MS)
    assert b"BOOKING - JADWAL" in jobs(printer)[0]


def test_a_visitor_already_checked_in_sees_the_same_number_and_nothing_is_printed(
    qtbot: QtBot,
    server: LiveServer,
    printer: FakeNetworkPrinter,
    start_kiosk: StartKiosk,
    slot: dt.datetime,
) -> None:
    code = take_booking(server.db, server.now(), server.hall.ktp, slot)
    first = ApiClient(server.url, server.hall.tokens["kiosk"]).check_in(code)
    kiosk = start_kiosk(kiosk_config(server, printer.port))

    scan(qtbot, kiosk, code)

    wait_screen(qtbot, kiosk, Screen.CHECK_IN_RESULT)
    assert first.ticket["number"] == "DK-001"
    assert shows(kiosk.window, "Anda sudah check-in")
    assert shows(kiosk.window, "DK-001")
    assert shows(kiosk.window, "Tidak ada tiket baru yang dicetak")
    assert jobs(printer) == []
    assert tickets(server) == [("DK-001", None)]  # the kiosk reported nothing about it


def test_an_early_visitor_is_told_when_to_come_back_in_either_language(
    qtbot: QtBot,
    server: LiveServer,
    printer: FakeNetworkPrinter,
    start_kiosk: StartKiosk,
    slot: dt.datetime,
) -> None:
    later = slot + dt.timedelta(hours=3)
    code = take_booking(server.db, server.now(), server.hall.ktp, later)
    opens = later - dt.timedelta(hours=1)
    kiosk = start_kiosk(kiosk_config(server, printer.port))
    tap(qtbot, kiosk.window, "Sudah booking? Check-in di sini")
    type_code(qtbot, kiosk, code)
    tap(qtbot, kiosk.window, "Check-in")

    wait_screen(qtbot, kiosk, Screen.CHECK_IN_RESULT)
    assert shows(kiosk.window, "Belum waktunya check-in")
    assert shows(kiosk.window, f"pukul {slot_label(opens)}")
    tap(qtbot, kiosk.window, "English")
    qtbot.waitUntil(lambda: shows(kiosk.window, "Too early to check in"), timeout=WAIT_MS)
    assert shows(kiosk.window, opens.astimezone(HALL_TIME).strftime("%H:%M"))
    assert jobs(printer) == [] and tickets(server) == []


def test_an_unknown_scanned_code_says_not_found(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    kiosk = start_kiosk(kiosk_config(server, printer.port))

    scan(qtbot, kiosk, "ZZZZ-ZZZZ")

    wait_screen(qtbot, kiosk, Screen.CHECK_IN_RESULT)
    assert shows(kiosk.window, "Kode tidak ditemukan")
    tap(qtbot, kiosk.window, "Ketik ulang kode")
    wait_screen(qtbot, kiosk, Screen.CHECK_IN)


def test_the_welcome_screen_offers_check_in_only_where_a_service_takes_bookings(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk
) -> None:
    kiosk = start_kiosk(kiosk_config(server, printer.port))

    # Drawn a moment after the flow reaches it, on a busy machine (a fresh-clone run
    # looked before that moment once).
    qtbot.waitUntil(lambda: shows(kiosk.window, "Selamat datang"), timeout=WAIT_MS)
    assert find_button(kiosk.window, "Sudah booking? Check-in di sini") is None
