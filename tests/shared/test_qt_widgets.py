"""The widget helpers the three clients share."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from shared.qt_widgets import centred, fill_screen, label, restyle, unfollow_screen


def test_restyle_switches_the_rule_and_says_whether_it_changed(qtbot: QtBot) -> None:
    widget = QLabel("DK-001")
    qtbot.addWidget(widget)
    widget.setStyleSheet("QLabel#offline { color: red; } QLabel#online { color: green; }")
    assert restyle(widget, "online") is True
    assert widget.objectName() == "online"
    assert restyle(widget, "online") is False  # nothing to polish again


def test_a_label_takes_its_rule_and_wraps_or_centres_only_when_asked(qtbot: QtBot) -> None:
    plain = label("Loket 1", "cardTitle")
    qtbot.addWidget(plain)
    assert (plain.text(), plain.objectName(), plain.wordWrap()) == ("Loket 1", "cardTitle", False)
    kiosk = label("Ambil nomor", "title", wrap=True, centred=True)
    qtbot.addWidget(kiosk)
    assert kiosk.wordWrap() and kiosk.alignment() == Qt.AlignmentFlag.AlignCenter


def test_centred_puts_the_widget_between_two_stretches(qtbot: QtBot) -> None:
    holder = QWidget()
    qtbot.addWidget(holder)
    button = QLabel("Selesai")
    row = centred(button)
    holder.setLayout(row)
    assert row.count() == 3 and row.itemAt(1).widget() is button  # type: ignore[union-attr]
    assert row.itemAt(0).spacerItem() is not None  # type: ignore[union-attr]


def test_fill_screen_gives_the_window_its_screens_whole_geometry(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.resize(300, 200)  # a window manager that ignores showFullScreen leaves this
    screen = fill_screen(window)
    assert screen is not None and screen is QApplication.primaryScreen()
    qtbot.waitUntil(lambda: window.geometry() == screen.geometry(), timeout=5000)
    assert window.isFullScreen()
    unfollow_screen(window, screen)
    unfollow_screen(window, None)  # nothing followed: nothing to do
