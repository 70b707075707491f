"""The kiosk window: the header, one page per screen, laid out for the screen it is on.

A page is built again only when what it shows changes shape (another screen, language,
agency, screen size); live counts update the labels in place, so a tap is never lost
because a ``queue.stats`` push rebuilt the tile under the visitor's finger. Every size
comes from ``ScreenMetrics`` (the window's size and the screen's physical DPI), so the
same code fits a 1366x768 panel, a portrait totem and a 4K screen at 200 %.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QObject, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import (
    QCloseEvent,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPixmap,
    QResizeEvent,
)
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QStackedWidget, QVBoxLayout, QWidget

from kiosk.check_in import ScannerReader
from kiosk.exit_gesture import ExitGesture, PinEntry
from kiosk.flow import KioskFlow, KioskState, Screen
from kiosk.screen_metrics import ScreenMetrics
from kiosk.texts import tr
from kiosk.ticket_layout import format_issued_at
from kiosk.ui.check_in_pages import CheckInPages
from kiosk.ui.pages import Pages
from kiosk.ui.pin_pad import PinPad
from kiosk.ui.style import stylesheet
from kiosk.ui.widgets import (
    Corner,
    FitLabel,
    clear,
    emblem,
    label,
    qimage_from_pil,
    text_fits,
)

__all__ = ["KioskWindow", "StateBridge", "qimage_from_pil"]

CLOCK_SHARE = 0.3  # the header's date and time take at most this share of its width


class StateBridge(QObject):
    """Carries state changes to the GUI thread (queued when emitted from another thread)."""

    changed = pyqtSignal(object)


class KioskWindow(Pages, CheckInPages, QWidget):
    """Shows ``KioskState``; every tap goes to the flow, and a scanner's keys too."""

    exit_requested = pyqtSignal()

    def __init__(
        self,
        flow: KioskFlow,
        bridge: StateBridge,
        ticket_image: Callable[[KioskState], QImage | None] = lambda _s: None,
        *,
        exit_gesture: ExitGesture | None = None,
        pin: PinEntry | None = None,
        logo: QPixmap | None = None,
    ) -> None:
        QWidget.__init__(self)
        self.flow = flow
        self.ticket_image = ticket_image
        self.exit_gesture = exit_gesture or ExitGesture()
        self.logo = logo if logo is not None and not logo.isNull() else None
        self.may_close = False
        self.scanner = ScannerReader()
        self.setWindowTitle("Antre — Kiosk")
        self._assumed: tuple[float, float] | None = None  # (dpi, ratio) a test or tool gave
        self.metrics = self._measure()
        self.pages = QStackedWidget()
        self.corner = Corner()
        self.corner.setObjectName("corner")
        self.corner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.corner.tapped.connect(self._corner_tapped)
        self._header_title = FitLabel("", "header", 30)
        self._header_title.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self._clock = label("", "clock", wrap=False)
        self._lang = self.tap_button("", "lang", self._toggle_language)
        self._bar = self._header()
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._bar)
        root.addWidget(self.pages, 1)
        self._page: dict[Screen, QWidget] = {}
        for screen in Screen:
            page = QWidget()
            # A hidden page's widgets must not make the window taller than the screen.
            page.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            QVBoxLayout(page)
            self._page[screen] = page
            self.pages.addWidget(page)
        self.pin_pad = PinPad(pin or PinEntry(""), self)
        self.pin_pad.accepted.connect(self._leave)
        self._built: tuple[Any, ...] | None = None
        self._updates: list[Callable[[KioskState], None]] = []
        self._welcome_clock: QLabel | None = None
        self._emblem_text = ""
        self._apply_metrics()
        bridge.changed.connect(self.show_state)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._every_second)
        self._timer.start(1000)
        self.show_state(flow.state)

    # --- the screen it is on -----------------------------------------------------------

    def assume_screen(self, dpi: float, device_pixel_ratio: float = 1.0) -> None:
        """Lay out as on a screen of this physical DPI (logical px per inch) and pixel
        ratio, whatever screen the window is on: for tests and the screenshot tool."""
        self._assumed = (dpi, device_pixel_ratio)
        self._remeasure()

    def _measure(self) -> ScreenMetrics:
        if self._assumed is not None:
            dpi, ratio = self._assumed
        else:
            screen = self.screen()
            dpi = screen.physicalDotsPerInch() if screen is not None else 0.0
            ratio = screen.devicePixelRatio() if screen is not None else 1.0
        return ScreenMetrics.of(self.width(), self.height(), dpi, ratio)

    def _remeasure(self) -> None:
        metrics = self._measure()
        if metrics != self.metrics:
            self.metrics = metrics
            self._apply_metrics()
            self.show_state(self.flow.state)

    def _apply_metrics(self) -> None:
        m = self.metrics
        self.setStyleSheet(stylesheet(m))
        height = self.header_height
        self._bar.setFixedHeight(height)
        row = self._bar.layout()
        assert isinstance(row, QHBoxLayout)
        row.setContentsMargins(m.px(12), m.px(8), m.px(32), m.px(8))
        row.setSpacing(m.px(20))
        self.corner.setFixedSize(m.px(84), height)
        self._header_title.set_max_px(m.font(30))
        self._lang.setMinimumSize(m.touch, m.touch)
        for page in self._page.values():
            layout = page.layout()
            assert layout is not None
            layout.setContentsMargins(*self.page_margins)
        self.pin_pad.apply_metrics(m)
        self._emblem_text = ""  # the corner's logo is drawn again at the new size

    # --- frame ------------------------------------------------------------------------

    def _header(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("headerBar")
        row = QHBoxLayout(bar)
        row.addWidget(self.corner)
        row.addWidget(self._header_title, 1)
        row.addWidget(self._clock)
        row.addWidget(self._lang)
        return bar

    def _every_second(self) -> None:
        self._update_clock()
        self.flow.tick()

    def _update_clock(self) -> None:
        # The hall's time by the server's clock, written as the ticket writes it; where the
        # header is narrow (portrait) only the time, the welcome screen has the date.
        now = self.flow.local_now()
        full = format_issued_at(now, self.flow.state.language)
        wide = self._clock.fontMetrics().horizontalAdvance(full)
        short = full.rsplit(" ", 1)[-1]
        self._clock.setText(full if wide <= self.width() * CLOCK_SHARE else short)
        if self._welcome_clock is not None:
            self._welcome_clock.setText(full)

    def _toggle_language(self) -> None:
        self.flow.set_language("en" if self.flow.state.language == "id" else "id")

    def mousePressEvent(self, event: QMouseEvent | None) -> None:
        self.flow.touch()
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent | None) -> None:
        """A USB scanner types what it read and presses Enter, on whatever screen is up.
        Every button refuses focus, so its keys come here; the PIN pad ignores them."""
        if event is None or self.pin_pad.isVisible():
            super().keyPressEvent(event)
            return
        now = self.flow.clock()
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            scanned = self.scanner.enter(now)
            if scanned is not None:
                self.flow.scanned(scanned)
        else:
            self.scanner.key(event.text(), now)
        event.accept()

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_title)  # once the header has its new width
        if self.pin_pad.isVisible():
            self.pin_pad.setGeometry(self.rect())
        self._remeasure()

    def closeEvent(self, event: QCloseEvent | None) -> None:
        # Alt+F4 or a window manager's close must not end a kiosk; only the PIN does.
        if event is not None and not self.may_close:
            event.ignore()
            return
        super().closeEvent(event)

    # --- leaving -------------------------------------------------------------------------

    def _corner_tapped(self) -> None:
        self.flow.touch()
        if self.exit_gesture.tap():
            self.pin_pad.open_pad(self.flow.state.language)

    def _leave(self) -> None:
        self.may_close = True
        self.exit_requested.emit()

    # --- pages ---------------------------------------------------------------------------

    def _shape(self, state: KioskState) -> tuple[Any, ...]:
        """What decides a page's widgets; counts and open/closed update in place."""
        ticket = state.issued.ticket.get("id") if state.issued is not None else None
        return (
            state.screen,
            state.language,
            state.agency_id,
            state.service_id,
            ticket,
            state.printed,
            state.message_code,
            state.check_in_note,
            self._arrangement(state),
        )

    def _arrangement(self, state: KioskState) -> tuple[Any, ...]:
        """What moves buttons around on the same screen: the hall's configuration, the
        size of the screen."""
        return (
            state.site_name,
            tuple(a["id"] for a in state.agencies),
            tuple(state.lines),
            tuple(line.standard is not None for line in state.lines.values()),
            self.metrics,
        )

    def _fit_title(self) -> None:
        """The site's full name (wrapped, smaller), or its short name where the header has
        no room for the full one at a readable size."""
        state = self.flow.state
        title = self._header_title
        room = title.contentsRect()
        font = QFont(title.font())
        font.setPixelSize(max(self.metrics.text_floor, round(title.max_px * 0.75)))
        full_fits = text_fits(font, state.site_name, room.width(), room.height(), wrap=True)
        title.setText(state.site_name if full_fits else state.site_short_name)

    def show_state(self, state: KioskState) -> None:
        self._fit_title()
        self._lang.setText(tr("nav.language", state.language))
        self._set_corner(state)
        shape = self._shape(state)
        if shape == self._built:
            for update in self._updates:
                update(state)
            self._update_clock()
            return
        if self._built is not None and shape[-1] != self._built[-1]:
            # The same screen built again for another configuration or size may have moved
            # what was under a finger: it waits for the tap guard as a new screen does.
            self.flow.guard.shown()
        self._built = shape
        self._updates = []
        self._welcome_clock = None
        page = self._page[state.screen]
        layout = page.layout()
        assert isinstance(layout, QVBoxLayout)
        clear(layout)
        self.build_page(state.screen, layout, state)
        self.pages.setCurrentWidget(page)
        self._update_clock()

    def _set_corner(self, state: KioskState) -> None:
        text = state.site_short_name.split()[0] if state.site_short_name else "MPP"
        if text == self._emblem_text:
            return
        self._emblem_text = text
        self.corner.setPixmap(self.picture(self.logo or emblem(text, 256), 64, 64))
