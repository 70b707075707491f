"""The board's window: places the parts for its size and shows what model and announcer say."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PyQt6.QtCore import QRect, Qt, QTimer
from PyQt6.QtGui import QColor, QPalette, QResizeEvent
from PyQt6.QtWidgets import QWidget

from ..announcements import Announcement, Heard
from ..audio import Announcer
from ..board_model import BoardModel, CallShown
from ..config import DisplayConfig
from ..counter_pages import readable_cap_px
from ..texts import clock, long_date
from . import style
from .counter_grid import CounterGrid
from .layout import BoardLayout, Box, board_layout
from .marquee import Marquee
from .panels import CallPanel, HeaderBar, HeroCall, LastCallsPanel, WaitingPanel
from .slideshow import Slideshow


def _rect(box: Box) -> QRect:
    return QRect(box.x, box.y, box.w, box.h)


class BoardWindow(QWidget):
    """One zone's board. Takes its collaborators; touches nothing but its widgets."""

    def __init__(
        self,
        config: DisplayConfig,
        model: BoardModel,
        announcer: Announcer,
        *,
        now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
    ) -> None:
        super().__init__()
        self.config = config
        self.model = model
        self.announcer = announcer
        self.now = now
        self.setWindowTitle("Antre — Papan Antrean")
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(style.BACKGROUND))
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        if config.hide_cursor:
            self.setCursor(Qt.CursorShape.BlankCursor)
        self.header = HeaderBar(self)
        self.call = CallPanel(self)
        self.counters = CounterGrid(self, page_seconds=config.page_seconds)
        self.last_calls = LastCallsPanel(self)
        self.waiting = WaitingPanel(self)
        self.marquee = (
            Marquee(config.running_text, config.marquee_speed, self)
            if config.running_text
            else None
        )
        self.slideshow = (
            Slideshow(config.slideshow_folder, config.slideshow_seconds, self)
            if config.slideshow_folder is not None
            else None
        )
        for panel in (self.header, self.call, self.counters, self.last_calls, self.waiting):
            panel.language = config.language
        self.layout_now: BoardLayout | None = None
        announcer.started.connect(self._announcing)
        announcer.finished.connect(self._announced)
        self._clock = QTimer(self)
        self._clock.timeout.connect(self.tick)
        self._clock.start(1000)
        self.tick()
        self.refresh()

    # --- what is shown ---------------------------------------------------------------

    def refresh(self) -> None:
        """Show the model as it is now (after a snapshot or an event)."""
        model = self.model
        self.header.site = model.site_name or model.site_short_name
        self.header.site_short = model.site_short_name
        self.header.zone = model.zone_name
        self.header.update()
        self.counters.show_counters(list(model.counters.values()), model.latest_call)
        self.waiting.show_waiting(model.waiting(self.config.waiting_by))
        self._show_calls()

    def set_online(self, online: bool) -> None:
        self.header.online = online
        self.header.update()

    def tick(self) -> None:
        try:
            local = self.now().astimezone(ZoneInfo(self.model.timezone))
        except (ZoneInfoNotFoundError, ValueError):
            local = self.now().astimezone()
        self.header.clock = clock(local)
        self.header.date = long_date(local.date(), self.config.language)
        self.header.update()

    def _announcing(self, _announcement: Announcement) -> None:
        self._show_calls()

    def _announced(self, _heard: Heard) -> None:
        self._show_calls()

    def _show_calls(self) -> None:
        current = self.announcer.current
        latest = self.model.latest_call
        hero: HeroCall | None = None
        if current is not None:
            hero = HeroCall(
                current.number,
                current.counter_label,
                current.agency_name,
                current.colour or style.PANEL_EDGE,
                current.recall,
            )
        elif latest is not None:
            hero = _hero(latest)
        self.call.show_call(hero, announcing=current is not None)
        shown = hero.number if hero is not None else None
        earlier = [call for call in self.model.recent_calls() if call.number != shown]
        self.last_calls.show_calls(earlier, self._last_call_rows())

    def _last_call_rows(self) -> int:
        rows = self.config.last_calls
        if self.layout_now is not None and self.layout_now.slideshow is not None:
            rows = min(rows, 5)
        return max(1, rows)

    # --- where it is shown -----------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        layout = board_layout(
            self.width(),
            self.height(),
            orientation=self.config.orientation,
            marquee=self.marquee is not None,
            slideshow=self.slideshow is not None,
        )
        self.layout_now = layout
        self.counters.set_min_cap_px(readable_cap_px(self.width(), self.height()))
        self.header.setGeometry(_rect(layout.header))
        self.call.setGeometry(_rect(layout.call))
        self.counters.setGeometry(_rect(layout.counters))
        self.last_calls.setGeometry(_rect(layout.last_calls))
        self.waiting.setGeometry(_rect(layout.waiting))
        if self.marquee is not None and layout.marquee is not None:
            self.marquee.setGeometry(_rect(layout.marquee))
        if self.slideshow is not None and layout.slideshow is not None:
            self.slideshow.setGeometry(_rect(layout.slideshow))
        self._show_calls()

    def overflowing_text(self) -> list[str]:
        """Texts that did not fit their boxes at the last paint (should be none)."""
        panels = (self.header, self.call, self.counters, self.last_calls, self.waiting)
        return [text for panel in panels for text in panel.text.overflow]


def _hero(call: CallShown) -> HeroCall:
    return HeroCall(
        call.number, call.counter_label, call.agency.name, call.agency.colour, call.recall
    )
