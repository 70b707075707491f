"""A tap meant for one screen never lands on the next: fast press/release pairs injected at
the real widgets of a kiosk against a real server, at every screen transition.

The kiosk's clock is the test's, so "150 ms later" is exact and nothing sleeps; the
presses and releases are real mouse events at a point of the window, delivered to
whatever widget is there at that moment, as a finger's would be.
"""

from __future__ import annotations

from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from PyQt6.QtCore import QPoint, QRect, Qt
from PyQt6.QtGui import QImage
from PyQt6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from kiosk.app import Kiosk
from kiosk.flow import Screen
from kiosk.ui.window import KioskWindow
from tests.e2e.live import LiveServer
from tests.kiosk.conftest import (
    WAIT_MS,
    StartKiosk,
    buttons,
    find_button,
    kiosk_config,
    tickets,
    wait_screen,
)
from tests.kiosk.fake_printer import FakeNetworkPrinter
from tests.kiosk.test_kiosk_app import jobs, set_service
from tests.server.api.booked import next_slot, take_booking

HALL_TIME = ZoneInfo("Asia/Jakarta")

GUARD_MS = 500  # the default
LOOKED = 1.0  # seconds a visitor looks at a screen before tapping on purpose
BOUNCE = 0.15  # the second tap of a hurried double tap


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def kiosk(
    server: LiveServer, printer: FakeNetworkPrinter, start_kiosk: StartKiosk, clock: ManualClock
) -> Iterator[Kiosk]:
    config = kiosk_config(server, printer.port, tap_guard_ms=GUARD_MS)
    yield start_kiosk(config, clock=clock)


def area(window: KioskWindow, text: str) -> QRect:
    """The button ``text``, in window coordinates."""
    button = find_button(window, text)
    assert button is not None, f"no button {text!r}"
    return QRect(button.mapTo(window, QPoint(0, 0)), button.size())


def under(window: KioskWindow, where: QRect) -> QPoint | None:
    """A point of ``where`` with a button of the screen now shown under it, if any: where a
    bouncing finger would choose something."""
    for button in buttons(window):
        overlap = QRect(button.mapTo(window, QPoint(0, 0)), button.size()) & where
        if not overlap.isEmpty() and button.isEnabled():
            return overlap.center()
    return None


def press(qtbot: QtBot, window: KioskWindow, at: QPoint) -> QPushButton | None:
    """A finger down at ``at`` (window coordinates) on whatever is there now."""
    target = window.childAt(at) or window
    qtbot.mousePress(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, at))
    return target if isinstance(target, QPushButton) else None


def release(qtbot: QtBot, window: KioskWindow, at: QPoint, on: QPushButton | None) -> None:
    """The finger up at ``at``; the widget that had the press gets it, as Qt delivers it."""
    target = on if on is not None else (window.childAt(at) or window)
    qtbot.mouseRelease(target, Qt.MouseButton.LeftButton, pos=target.mapFrom(window, at))


def finger(qtbot: QtBot, window: KioskWindow, at: QPoint) -> None:
    release(qtbot, window, at, press(qtbot, window, at))


def tap_then_bounce(
    qtbot: QtBot, kiosk: Kiosk, clock: ManualClock, text: str, then: Screen
) -> bool:
    """Tap ``text`` on purpose and see ``then``; the same finger again 150 ms later, on a
    button of ``then`` if one lies where ``text`` was, must leave ``then`` as it is.
    Returns whether a button was there to be hit."""
    window = kiosk.window
    clock.advance(LOOKED)
    where = area(window, text)
    finger(qtbot, window, where.center())
    wait_screen(qtbot, kiosk, then)
    clock.advance(BOUNCE)
    target = under(window, where)
    finger(qtbot, window, target or where.center())
    assert kiosk.flow.state.screen is then, f"the second tap on {text!r} acted"
    return target is not None


def test_a_second_tap_150_ms_later_never_acts_on_the_screen_the_first_one_opened(
    qtbot: QtBot, server: LiveServer, printer: FakeNetworkPrinter, kiosk: Kiosk, clock: ManualClock
) -> None:
    window = kiosk.window
    # Each time the next screen has a button where the finger was, and it is not chosen.
    assert tap_then_bounce(qtbot, kiosk, clock, "Sentuh untuk mulai", Screen.AGENCIES)
    assert tap_then_bounce(qtbot, kiosk, clock, "Disdukcapil", Screen.SERVICES)
    assert tap_then_bounce(qtbot, kiosk, clock, "Perekaman KTP-el", Screen.PRIORITY)
    tap_then_bounce(qtbot, kiosk, clock, "Lansia (60 tahun ke atas)", Screen.TICKET)

    clock.advance(BOUNCE)  # a double tap on the answer lands on "Selesai" at worst
    finger(qtbot, window, area(window, "Selesai").center())
    assert kiosk.flow.state.screen is Screen.TICKET
    tap_then_bounce(qtbot, kiosk, clock, "Selesai", Screen.WELCOME)

    # One ticket, the elderly visitor's: no regular one slipped in on a bounce.
    qtbot.waitUntil(lambda: tickets(server) == [("DK-001", True)], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: len(jobs(printer)) == 1, timeout=WAIT_MS)
    assert b"PRIORITAS - LANSIA" in jobs(printer)[0]


def test_back_home_language_standard_and_message_buttons_wait_for_their_screen(
    qtbot: QtBot, server: LiveServer, kiosk: Kiosk, clock: ManualClock
) -> None:
    tap_then_bounce(qtbot, kiosk, clock, "Sentuh untuk mulai", Screen.AGENCIES)
    tap_then_bounce(qtbot, kiosk, clock, "Disdukcapil", Screen.SERVICES)
    tap_then_bounce(qtbot, kiosk, clock, "‹ Kembali", Screen.AGENCIES)  # back under back
    tap_then_bounce(qtbot, kiosk, clock, "Disdukcapil", Screen.SERVICES)
    tap_then_bounce(qtbot, kiosk, clock, "Persyaratan: Perekaman KTP-el", Screen.STANDARD)
    tap_then_bounce(qtbot, kiosk, clock, "Ambil nomor antrean", Screen.PRIORITY)
    set_service(server, server.hall.ktp, daily_quota=0)
    tap_then_bounce(qtbot, kiosk, clock, "Tidak, antrean umum", Screen.MESSAGE)
    tap_then_bounce(qtbot, kiosk, clock, "Kembali", Screen.SERVICES)
    tap_then_bounce(qtbot, kiosk, clock, "Beranda", Screen.WELCOME)

    clock.advance(LOOKED)
    at = area(kiosk.window, "English").center()
    finger(qtbot, kiosk.window, at)
    assert kiosk.flow.state.language == "en"
    clock.advance(BOUNCE)
    finger(qtbot, kiosk.window, at)  # the same button, now "Bahasa Indonesia"
    assert kiosk.flow.state.language == "en"
    assert tickets(server) == []


def test_a_tile_acts_on_release_inside_it_not_on_press(
    qtbot: QtBot, kiosk: Kiosk, clock: ManualClock
) -> None:
    window = kiosk.window
    clock.advance(LOOKED)
    start = area(window, "Sentuh untuk mulai").center()
    pressed = press(qtbot, window, start)
    assert kiosk.flow.state.screen is Screen.WELCOME  # a press alone changes nothing
    release(qtbot, window, start, pressed)
    assert kiosk.flow.state.screen is Screen.AGENCIES

    clock.advance(LOOKED)
    tile = find_button(window, "Disdukcapil")
    assert tile is not None
    pressed = press(qtbot, window, area(window, "Disdukcapil").center())
    assert pressed is tile and tile.isDown()
    outside = tile.mapTo(window, QPoint(tile.width() + 40, tile.height() // 2))
    release(qtbot, window, outside, pressed)  # the finger slid off the tile
    assert kiosk.flow.state.screen is Screen.AGENCIES


def test_a_press_while_the_screen_is_new_shows_nothing_and_its_late_release_does_nothing(
    qtbot: QtBot, kiosk: Kiosk, clock: ManualClock
) -> None:
    window = kiosk.window
    clock.advance(LOOKED)
    finger(qtbot, window, area(window, "Sentuh untuk mulai").center())
    assert kiosk.flow.state.screen is Screen.AGENCIES
    clock.advance(BOUNCE)
    at = area(window, "Disdukcapil").center()
    pressed = press(qtbot, window, at)
    assert pressed is not None and not pressed.isDown()  # no pressed look: nothing happened
    clock.advance(LOOKED)  # the finger stays down past the guard
    release(qtbot, window, at, pressed)
    assert kiosk.flow.state.screen is Screen.AGENCIES


def test_the_guard_is_invisible(qtbot: QtBot, kiosk: Kiosk, clock: ManualClock) -> None:
    """No greying, no flash: the screen looks the same during the guard as after it."""
    window = kiosk.window
    clock.advance(LOOKED)
    finger(qtbot, window, area(window, "Sentuh untuk mulai").center())
    assert not kiosk.flow.accepts_taps()
    during = window.pages.grab().toImage()
    # Nothing greyed, held down or restyled while the guard holds (a guard that greyed
    # the buttons and undid it on a real-time timer would pass the picture check alone).
    looks = [
        (b.isEnabled(), b.isDown(), b.objectName(), b.styleSheet())
        for b in window.findChildren(QPushButton)
        if b.isVisible()
    ]
    assert looks and all(enabled and not down for enabled, down, _, _ in looks)
    clock.advance(LOOKED)
    qtbot.wait(20)  # anything that would repaint on the guard opening has had its chance
    assert kiosk.flow.accepts_taps()
    after = window.pages.grab().toImage()
    assert during.convertToFormat(QImage.Format.Format_RGB32) == after.convertToFormat(
        QImage.Format.Format_RGB32
    )
    assert looks == [
        (b.isEnabled(), b.isDown(), b.objectName(), b.styleSheet())
        for b in window.findChildren(QPushButton)
        if b.isVisible()
    ]


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), (1080, 1920)])
def test_a_double_tap_through_the_booking_check_in_types_each_key_once_and_makes_one_ticket(
    qtbot: QtBot,
    morning_server: LiveServer,
    printer: FakeNetworkPrinter,
    start_kiosk: StartKiosk,
    clock: ManualClock,
    size: tuple[int, int],
) -> None:
    server = morning_server  # its clock set: the next slot's check-in is open at any hour
    now = server.now()
    code = take_booking(server.db, now, server.hall.ktp, next_slot(now, HALL_TIME))
    kiosk = start_kiosk(kiosk_config(server, printer.port, tap_guard_ms=GUARD_MS), clock=clock)
    kiosk.window.resize(*size)
    window = kiosk.window
    welcome = "Sudah booking? Check-in di sini"
    qtbot.waitUntil(  # the welcome screen built again for the new size
        lambda: window.size().width() == size[0] and find_button(window, welcome) is not None,
        timeout=WAIT_MS,
    )

    # The keypad opens under the finger: the bounce presses no key.
    tap_then_bounce(qtbot, kiosk, clock, welcome, Screen.CHECK_IN)
    assert kiosk.flow.state.code == ""
    for key in code:  # each key tapped twice fast, as a hurried finger does
        clock.advance(LOOKED)
        at = area(window, key).center()
        finger(qtbot, window, at)
        clock.advance(BOUNCE)
        finger(qtbot, window, at)
    assert kiosk.flow.state.code == code
    clock.advance(LOOKED)
    finger(qtbot, window, area(window, "Hapus").center())
    clock.advance(BOUNCE)
    finger(qtbot, window, area(window, "Hapus").center())
    assert kiosk.flow.state.code == code[:-1]
    clock.advance(LOOKED)
    finger(qtbot, window, area(window, code[-1]).center())

    tap_then_bounce(qtbot, kiosk, clock, "Check-in", Screen.TICKET)
    tap_then_bounce(qtbot, kiosk, clock, "Selesai", Screen.WELCOME)
    qtbot.waitUntil(lambda: tickets(server) == [("DK-001", True)], timeout=WAIT_MS)
    assert len(jobs(printer)) == 1
