"""The window on the screens officers have: a 1366x768 laptop (with a taskbar and a title
bar) shows all of the working view, the day's figures included; a larger screen gets
1366x768."""

from __future__ import annotations

from PyQt6.QtCore import QPoint, QRect, QSize
from PyQt6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from counter_client.shift import Message
from counter_client.ui.window import CounterWindow, opening_size
from tests.counter_client.test_shift import Harness, ticket

# A 1366x768 screen less a 40 px taskbar, less a 30 px title bar: the window's inside.
LAPTOP_INSIDE = QSize(1366, 768 - 40 - 30)


def test_a_laptop_screen_opens_the_window_maximised_and_a_larger_one_at_1366x768() -> None:
    assert opening_size(QRect(0, 0, 1366, 728)) is None  # maximised: the free area exactly
    assert opening_size(QRect(0, 0, 1920, 1040)) == QSize(1366, 768)


def fully_inside(widget: QWidget, window: QWidget) -> bool:
    top_left = widget.mapTo(window, QPoint(0, 0))
    return window.rect().contains(QRect(top_left, widget.size()))


def test_at_1366x768_the_day_figures_and_every_key_are_on_screen_with_both_message_lines(
    qtbot: QtBot,
) -> None:
    h = Harness()
    h.work(
        current=ticket(21, call_count=3, priority="elderly"),
        waiting=[ticket(i, "waiting") for i in range(22, 50)],
    )
    window = CounterWindow(h.shift)
    qtbot.addWidget(window)
    h.shift.on_change = window.refresh
    h.shift.set_online(False)  # the yellow offline line
    h.shift.message = Message("Nomor di loket ini sudah berubah. " * 3, error=True)
    window.resize(LAPTOP_INSIDE)
    window.show()
    window.refresh()
    qtbot.waitExposed(window)

    assert window.minimumSizeHint().height() <= LAPTOP_INSIDE.height()
    assert window.height() == LAPTOP_INSIDE.height(), "the window is not taller than the screen"
    page = window.working_page
    for shown in (page.served, page.average, *page.buttons.values()):
        assert shown.isVisible() and fully_inside(shown, window)
    assert fully_inside(page.waiting.requeue, window)
    window.close()
