"""The working view: the visitor at the counter, the officer's keys, the waiting list."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PyQt6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from counter_client.actions import COUNTER_BUTTONS, SHORTCUTS, Action
from counter_client.durations import clock_text, date_text
from counter_client.session import CounterSession
from counter_client.texts import tr
from counter_client.ui.ticket_panel import TicketPanel
from counter_client.ui.waiting_panel import WaitingPanel
from counter_client.ui.widgets import ActionButton, card, label

GRID_COLUMNS = 3


class WorkingPage(QWidget):
    def __init__(self, session: CounterSession, press: Callable[[Action], None]) -> None:
        super().__init__()
        self.session = session
        self.setObjectName("page")
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 14, 16, 14)
        row.setSpacing(14)

        left = QVBoxLayout()
        left.setSpacing(12)
        self.ticket_panel = TicketPanel(session)
        left.addWidget(self.ticket_panel, 1)
        grid = QGridLayout()
        grid.setSpacing(8)
        self.buttons: dict[Action, ActionButton] = {}
        for index, action in enumerate(COUNTER_BUTTONS):
            button = ActionButton(
                SHORTCUTS[action], partial(press, action), primary=action is Action.NEXT
            )
            self.buttons[action] = button
            grid.addWidget(button, index // GRID_COLUMNS, index % GRID_COLUMNS)
        left.addLayout(grid)

        frame, stats, self.stats_caption = card()
        numbers = QHBoxLayout()
        self.served_caption = label("", "timeCaption")
        self.served = label("", "statValue")
        self.average_caption = label("", "timeCaption")
        self.average = label("", "statValue")
        for caption, value in (
            (self.served_caption, self.served),
            (self.average_caption, self.average),
        ):
            pair = QVBoxLayout()
            pair.setSpacing(0)
            pair.addWidget(caption)
            pair.addWidget(value)
            numbers.addLayout(pair)
            numbers.addSpacing(40)
        numbers.addStretch(1)
        stats.addLayout(numbers)
        left.addWidget(frame)
        row.addLayout(left, 11)

        self.waiting = WaitingPanel(session, press)
        row.addWidget(self.waiting, 9)

    def refresh(self) -> None:
        session, lang = self.session, self.session.language
        allowed = session.allowed() if session.online else frozenset()
        for action, button in self.buttons.items():
            button.show_state(tr(f"action.{action.value}", lang), action in allowed)
        self.ticket_panel.refresh()
        self.waiting.refresh()
        tally = session.tally
        day = date_text(session.hall.today, lang)
        self.stats_caption.setText(f"{session.counter_label()} · {day}".upper())
        served_key = "stats.served_since_login" if tally.since_login else "stats.served"
        self.served_caption.setText(tr(served_key, lang))
        self.served.setText(str(tally.served))
        self.average_caption.setText(tr("stats.average", lang))
        self.average.setText(clock_text(tally.average_seconds))

    def tick(self) -> None:
        self.ticket_panel.tick()
        self.waiting.tick()
