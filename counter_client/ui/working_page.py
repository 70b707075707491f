"""The working view: the visitor at the counter, the officer's keys, the waiting list."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PyQt6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from counter_client.actions import COUNTER_BUTTONS, SHORTCUTS, Action
from counter_client.durations import clock_text, date_text
from counter_client.shift import CounterShift
from counter_client.texts import tr
from counter_client.ui.check_in_field import CheckInField
from counter_client.ui.ticket_panel import TicketPanel
from counter_client.ui.waiting_panel import WaitingPanel
from counter_client.ui.widgets import ActionButton
from shared.qt_widgets import label

GRID_COLUMNS = 3
# The whole view fits a 1366x768 screen with a title bar, a taskbar and two message lines
# (the offline line and a message), so the day's figures are never cut off.
BUTTON_HEIGHT = 50


class WorkingPage(QWidget):
    """The page an officer works in once the counter is open: the visitor, the action
    buttons with their keys, and the waiting list."""

    def __init__(self, shift: CounterShift, press: Callable[[Action], None]) -> None:
        super().__init__()
        self.shift = shift
        self.setObjectName("page")
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 14, 16, 14)
        row.setSpacing(14)

        left = QVBoxLayout()
        left.setSpacing(12)
        self.ticket_panel = TicketPanel(shift)
        left.addWidget(self.ticket_panel, 1)
        grid = QGridLayout()
        grid.setSpacing(8)
        self.buttons: dict[Action, ActionButton] = {}
        for index, action in enumerate(COUNTER_BUTTONS):
            button = ActionButton(
                SHORTCUTS[action],
                partial(press, action),
                primary=action is Action.NEXT,
                height=BUTTON_HEIGHT,
            )
            self.buttons[action] = button
            grid.addWidget(button, index // GRID_COLUMNS, index % GRID_COLUMNS)
        left.addLayout(grid)

        left.addWidget(self._day_figures())
        row.addLayout(left, 11)

        right = QVBoxLayout()
        right.setSpacing(8)
        self.waiting = WaitingPanel(shift, press)
        right.addWidget(self.waiting, 1)
        self.check_in = CheckInField(shift)
        right.addWidget(self.check_in)
        row.addLayout(right, 9)

    def _day_figures(self) -> QFrame:
        """One slim line: the counter and day, then the served count and the average."""
        frame = QFrame()
        frame.setObjectName("card")
        line = QHBoxLayout(frame)
        line.setContentsMargins(16, 8, 16, 8)
        line.setSpacing(10)
        self.stats_caption = label("", "cardTitle")
        line.addWidget(self.stats_caption)
        line.addStretch(1)
        self.served_caption = label("", "timeCaption")
        self.served = label("", "statValue")
        self.average_caption = label("", "timeCaption")
        self.average = label("", "statValue")
        for caption, value in (
            (self.served_caption, self.served),
            (self.average_caption, self.average),
        ):
            line.addSpacing(14)
            line.addWidget(caption)
            line.addWidget(value)
        return frame

    def refresh(self) -> None:
        shift, lang = self.shift, self.shift.language
        allowed = shift.allowed() if shift.online else frozenset()
        for action, button in self.buttons.items():
            button.show_state(tr(f"action.{action.value}", lang), action in allowed)
        self.ticket_panel.refresh()
        self.waiting.refresh()
        self.check_in.refresh()
        tally = shift.tally
        day = date_text(shift.hall.today, lang)
        self.stats_caption.setText(f"{shift.counter_label()} · {day}".upper())
        served_key = "stats.served_since_login" if tally.since_login else "stats.served"
        self.served_caption.setText(tr(served_key, lang))
        self.served.setText(str(tally.served))
        self.average_caption.setText(tr("stats.average", lang))
        self.average.setText(clock_text(tally.average_seconds))

    def tick(self) -> None:
        self.ticket_panel.tick()
        self.waiting.tick()
