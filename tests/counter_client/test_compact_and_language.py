"""The compact always-on-top strip, and the window in English."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_client.actions import Action
from counter_client.app import CounterApp
from counter_client.ui.no_show_dialog import NoShowDialog
from tests.counter_client.conftest import (
    WAIT_MS,
    StartCounter,
    click,
    issue,
    log_in,
    settle,
    shows,
    start_working,
    ticket_states,
    wait_number,
    wait_shows,
)
from tests.e2e.live import LiveServer


def test_the_compact_strip_calls_and_finishes_and_the_full_view_is_one_click_away(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp, 2)
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    window, strip = app.window, app.window.strip

    qtbot.mouseClick(window.compact_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: strip.isVisible() and not window.isVisible(), timeout=WAIT_MS)
    assert strip.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    # A strip beside the agency's application: at most half of a 1366 px screen.
    assert strip.width() <= 1366 // 2 and strip.height() < 100
    assert [b.name.text() for b in strip.buttons.values()] == [
        "Berikutnya",
        "Panggil ulang",
        "Selesai",
    ]

    qtbot.mouseClick(strip.buttons[Action.NEXT], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: strip.number.text() == "DK-001", timeout=WAIT_MS)
    settle(qtbot, app)
    qtbot.keyClick(strip, Qt.Key.Key_F2)  # the keys work on the strip too
    qtbot.waitUntil(lambda: "Dipanggil (2×)" in strip.detail.text(), timeout=WAIT_MS)
    settle(qtbot, app)
    qtbot.mouseClick(strip.buttons[Action.FINISH], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: strip.number.text() == "Belum ada nomor", timeout=WAIT_MS)
    assert ticket_states(server)["DK-001"] == "done"

    qtbot.mouseClick(strip.expand, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.isVisible() and not strip.isVisible(), timeout=WAIT_MS)


def test_english_by_setting_and_back_to_indonesian_with_one_click(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp)
    app = start_counter(language="en")
    wait_shows(qtbot, app.window, "Counter officer login")
    log_in(qtbot, app, "petugas.dk", "wrong")
    wait_shows(qtbot, app.window, "Wrong user name or password.")

    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    click(qtbot, app, Action.NEXT)
    wait_number(qtbot, app, "DK-001")
    wait_shows(qtbot, app.window, "Called (1×)")
    assert app.window.working_page.buttons[Action.RECALL].name.text() == "Recall"
    qtbot.keyClick(app.window, Qt.Key.Key_F5)  # no-show before the third call
    wait_shows(qtbot, app.window, "Call this number again before marking it as no-show.")

    qtbot.mouseClick(app.window.language, Qt.MouseButton.LeftButton)
    wait_shows(qtbot, app.window, "Dipanggil (1×)")
    assert app.window.working_page.buttons[Action.RECALL].name.text() == "Panggil ulang"
    assert not shows(app.window, "Called (1×)")


def test_every_key_works_on_the_strip_or_says_why_not(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp, 2)
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    window, strip = app.window, app.window.strip
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(strip.isActiveWindow, timeout=WAIT_MS)  # ready for the keys at once

    qtbot.keyClick(strip, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: strip.number.text() == "DK-001", timeout=WAIT_MS)
    settle(qtbot, app)
    qtbot.keyClick(strip, Qt.Key.Key_F5)  # called once: not yet, and the strip says so
    wait_strip_says(qtbot, app, "Panggil nomor ini beberapa kali lagi")
    qtbot.keyClick(strip, Qt.Key.Key_F10)  # the list to choose from is in the full view
    wait_strip_says(qtbot, app, "buka tampilan penuh (Ctrl+M)")
    assert ticket_states(server) == {"DK-001": "called", "DK-002": "waiting"}

    qtbot.keyClick(strip, Qt.Key.Key_F3)  # Start has no button here, its key still works
    qtbot.waitUntil(lambda: "Sedang dilayani" in strip.detail.text(), timeout=WAIT_MS)
    settle(qtbot, app)
    qtbot.keyClick(strip, Qt.Key.Key_F4)
    qtbot.waitUntil(lambda: strip.number.text() == "Belum ada nomor", timeout=WAIT_MS)
    settle(qtbot, app)

    qtbot.keyClick(strip, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: strip.number.text() == "DK-002", timeout=WAIT_MS)
    for calls in (2, 3):
        settle(qtbot, app)
        qtbot.keyClick(strip, Qt.Key.Key_F2)
        qtbot.waitUntil(lambda n=calls: f"({n}×)" in strip.detail.text(), timeout=WAIT_MS)
    settle(qtbot, app)
    qtbot.keyClick(strip, Qt.Key.Key_F5)  # the question comes up over the strip
    qtbot.waitUntil(lambda: isinstance(window.dialog, NoShowDialog), timeout=WAIT_MS)
    question = window.dialog
    assert isinstance(question, NoShowDialog) and question.parent() is strip
    qtbot.keyClick(question, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: strip.number.text() == "Belum ada nomor", timeout=WAIT_MS)
    settle(qtbot, app)
    strip.activateWindow()  # the question handed the focus back (offscreen: to nobody)
    qtbot.waitUntil(strip.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(strip, Qt.Key.Key_F7)
    wait_strip_says(qtbot, app, "Loket istirahat")
    assert strip.isVisible(), "all of it without leaving the strip"
    assert ticket_states(server) == {"DK-001": "done", "DK-002": "no_show"}


def wait_strip_says(qtbot: QtBot, app: CounterApp, text: str) -> None:
    strip = app.window.strip
    qtbot.waitUntil(
        lambda: strip.message.isVisible() and text in strip.message.text(), timeout=WAIT_MS
    )
    assert strip.message.width() <= strip.width(), "a long message never widens the strip"
