"""The booking check-in's pages: the code keypad and the result of a check-in that gave no
new ticket. A mixin of ``KioskWindow`` beside ``Pages``; what a key or a scan does is the
flow's (``kiosk.flow``, ``kiosk.check_in``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from PyQt6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QVBoxLayout

from kiosk.check_in import KEYPAD_KEYS, CheckInNote, shown_code
from kiosk.flow import KioskFlow, KioskState
from kiosk.screen_metrics import ScreenMetrics
from kiosk.texts import CATALOGUE, tr
from kiosk.ticket_layout import DAYS, MONTHS
from kiosk.ui.widgets import TapButton, label

KEYPAD_COLUMNS = 8  # 32 symbols in four rows: every key at least 15 mm on a 1080p panel


class CheckInPages:
    """Page builders of the check-in; ``Pages`` provides the navigation row and buttons."""

    flow: KioskFlow
    metrics: ScreenMetrics
    _updates: list[Callable[[KioskState], None]]

    if TYPE_CHECKING:  # provided by Pages, before this class in the window's bases

        def tap_button(self, text: str, name: str, on_click: Callable[[], None]) -> TapButton: ...

        def _nav(self, layout: QVBoxLayout, state: KioskState, title: str) -> None: ...

    def _check_in(self, layout: QVBoxLayout, state: KioskState) -> None:
        """The code keypad: the code alphabet's keys, "Hapus" and "Check-in"."""
        m, lang = self.metrics, state.language
        self._nav(layout, state, tr("check_in.title", lang))
        layout.addSpacing(m.px(12))
        layout.addWidget(label(tr("check_in.prompt", lang), "subtitle"))
        code = label(shown_code(state.code), "codeEntry", wrap=False)
        code.setAccessibleName("code")
        layout.addWidget(code)
        self._updates.append(partial(_show_code, code))
        grid = QGridLayout()
        grid.setSpacing(m.px(12))
        key_h = m.target(96)
        for index, key in enumerate(KEYPAD_KEYS):
            button = self.tap_button(key, "codeKey", partial(self.flow.press_code_key, key))
            button.setMinimumHeight(key_h)
            grid.addWidget(button, index // KEYPAD_COLUMNS, index % KEYPAD_COLUMNS)
        layout.addLayout(grid, 1)
        layout.addSpacing(m.px(16))
        row = QHBoxLayout()
        row.setSpacing(m.px(24))
        erase = self.tap_button(tr("check_in.erase", lang), "codeWord", self.flow.erase_code)
        submit = self.tap_button(tr("check_in.submit", lang), "primary", self._submit_code)
        erase.setMinimumHeight(key_h)
        row.addWidget(erase, 1)
        row.addWidget(submit, 2)
        layout.addLayout(row)

    def _submit_code(self) -> None:
        self.flow.submit_code()

    def _check_in_result(self, layout: QVBoxLayout, state: KioskState) -> None:
        """Why the check-in gave no new ticket, in the visitor's language."""
        m, lang = self.metrics, state.language
        note = state.check_in_note or CheckInNote("not_found")
        title, text = self.note_words(note, lang)
        layout.addStretch(1)
        layout.addWidget(label(title, "title"))
        layout.addSpacing(m.px(20))
        if note.kind == "already":
            layout.addWidget(label(tr("ticket.your_number", lang), "subtitle"))
            layout.addWidget(label(note.number, "resultNumber", wrap=False))
            layout.addSpacing(m.px(12))
        layout.addWidget(label(text, "subtitle"))
        layout.addSpacing(m.px(40))
        row = QHBoxLayout()
        row.setSpacing(m.px(32))
        row.addStretch(1)
        if note.kind != "already":
            row.addWidget(self.tap_button(tr("check_in.retry", lang), "nav", self.flow.back))
        row.addWidget(self.tap_button(tr("ticket.done", lang), "primary", self.flow.go_home))
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def note_words(self, note: CheckInNote, lang: str) -> tuple[str, str]:
        """(title, explanation) of a check-in note."""
        time = note.time.replace(":", ".") if lang == "id" else note.time
        if note.kind == "already":
            return tr("check_in.already.title", lang), tr("check_in.already.text", lang)
        if note.kind == "early":
            today = self.flow.local_now().date()
            if note.date is None or note.date == today:
                return tr("check_in.early.title", lang), tr("check_in.early.today", lang, time=time)
            words = tr("check_in.early.day", lang, date=_day_text(note.date, lang), time=time)
            return tr("check_in.early.title", lang), words
        if note.kind == "late":
            return tr("check_in.late.title", lang), tr("check_in.late.text", lang, time=time)
        if note.kind in ("cancelled", "no_show"):
            return tr(f"check_in.{note.kind}.title", lang), tr("check_in.ended.text", lang)
        if note.kind == "refused":
            return tr("check_in.refused.title", lang), CATALOGUE.error(note.code, lang)
        return tr("check_in.not_found.title", lang), tr("check_in.not_found.text", lang)


def _show_code(widget: QLabel, state: KioskState) -> None:
    widget.setText(shown_code(state.code))


def _day_text(day: dt.date, lang: str) -> str:
    """ "Selasa, 1 Desember 2026" / "Tuesday, 1 December 2026"."""
    return f"{DAYS[lang][day.weekday()]}, {day.day} {MONTHS[lang][day.month - 1]} {day.year}"
