"""The kiosk window: one page per screen, all touch targets large."""

from __future__ import annotations

import math
from collections.abc import Callable

from PyQt6.QtCore import QDateTime, QLocale, QObject, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QImage, QPixmap
from PyQt6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.flow import PRIORITIES, KioskFlow, KioskState, Screen
from kiosk.texts import tr
from kiosk.ui.style import STYLESHEET, tile_style


class StateBridge(QObject):
    """Carries state changes from any thread (the issuing worker) to the GUI thread."""

    changed = pyqtSignal(object)


def _label(text: str, name: str, *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def _button(text: str, name: str, on_click: Callable[[], None]) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.clicked.connect(on_click)
    return button


def _clear(layout: QGridLayout | QVBoxLayout | QHBoxLayout) -> None:
    """Empty a page before it is built again (nested layouts included)."""
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            continue
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        elif item.layout() is not None:
            _clear(item.layout())  # type: ignore[arg-type]


class KioskWindow(QWidget):
    """Shows ``KioskState``; every tap goes to the flow (issuing via ``run_issue``)."""

    def __init__(
        self,
        flow: KioskFlow,
        bridge: StateBridge,
        run_issue: Callable[[str], None],
        ticket_image: Callable[[KioskState], QImage | None] = lambda _s: None,
    ) -> None:
        super().__init__()
        self.flow = flow
        self.run_issue = run_issue
        self.ticket_image = ticket_image
        self.setStyleSheet(STYLESHEET)
        self.setWindowTitle("Antre — Kiosk")
        self.pages = QStackedWidget()
        self._header_title = _label("", "header", wrap=False)
        self._clock = _label("", "clock", wrap=False)
        self._lang = _button("", "lang", self._toggle_language)
        root = QVBoxLayout(self)
        root.setContentsMargins(0, 0, 0, 0)
        root.setSpacing(0)
        root.addWidget(self._header())
        root.addWidget(self.pages, 1)
        self._page: dict[Screen, QWidget] = {}
        for screen in Screen:
            page = QWidget()
            QVBoxLayout(page).setContentsMargins(48, 32, 48, 32)
            self._page[screen] = page
            self.pages.addWidget(page)
        bridge.changed.connect(self.show_state)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._every_second)
        self._timer.start(1000)
        self.show_state(flow.state)

    # --- frame ------------------------------------------------------------------------

    def _header(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("headerBar")
        bar.setFixedHeight(96)
        row = QHBoxLayout(bar)
        row.setContentsMargins(32, 8, 32, 8)
        self._header_title.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        row.addWidget(self._header_title, 1)
        row.addWidget(self._clock)
        row.addSpacing(24)
        row.addWidget(self._lang)
        return bar

    def _every_second(self) -> None:
        self._update_clock()
        self.flow.tick()

    def _update_clock(self) -> None:
        locale = QLocale(
            QLocale.Language.Indonesian
            if self.flow.state.language == "id"
            else QLocale.Language.English
        )
        self._clock.setText(
            locale.toString(QDateTime.currentDateTime(), "dddd, d MMMM yyyy  HH.mm")
        )

    def _toggle_language(self) -> None:
        self.flow.set_language("en" if self.flow.state.language == "id" else "id")

    def mousePressEvent(self, event: object) -> None:
        self.flow.touch()
        super().mousePressEvent(event)  # type: ignore[arg-type]

    # --- pages ---------------------------------------------------------------------------

    def show_state(self, state: KioskState) -> None:
        lang = state.language
        self._header_title.setText(state.site_name)
        self._lang.setText(tr("nav.language", lang))
        self._update_clock()
        page = self._page[state.screen]
        layout = page.layout()
        assert isinstance(layout, QVBoxLayout)
        _clear(layout)
        build = {
            Screen.WELCOME: self._welcome,
            Screen.AGENCIES: self._agencies,
            Screen.SERVICES: self._services,
            Screen.PRIORITY: self._priority,
            Screen.ISSUING: self._issuing,
            Screen.TICKET: self._ticket,
            Screen.MESSAGE: self._message,
            Screen.UNAVAILABLE: self._unavailable,
        }[state.screen]
        build(layout, state)
        self.pages.setCurrentWidget(page)

    def _nav(self, layout: QVBoxLayout, state: KioskState, title: str) -> None:
        row = QHBoxLayout()
        row.addWidget(_button(tr("nav.back", state.language), "nav", self.flow.back))
        row.addWidget(_label(title, "title"), 1)
        row.addWidget(_button(tr("nav.home", state.language), "nav", self.flow.home))
        layout.addLayout(row)

    def _welcome(self, layout: QVBoxLayout, state: KioskState) -> None:
        lang = state.language
        layout.addStretch(1)
        layout.addWidget(_label(tr("welcome.title", lang), "title"))
        layout.addWidget(_label(tr("welcome.subtitle", lang), "subtitle"))
        layout.addSpacing(48)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(_button(tr("welcome.start", lang), "primary", self.flow.start))
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def _agencies(self, layout: QVBoxLayout, state: KioskState) -> None:
        self._nav(layout, state, tr("agencies.title", state.language))
        grid = QGridLayout()
        grid.setSpacing(16)
        agencies = list(state.agencies)
        columns = 7 if self.width() >= self.height() else 5
        rows = max(1, math.ceil(len(agencies) / columns))
        for index, agency in enumerate(agencies):
            waiting = self.flow.waiting_for_agency(agency["id"])
            text = f"{agency['short_name']}\n{tr('agencies.waiting', state.language, n=waiting)}"
            tile = _button(text, "tile", lambda _=False, a=agency["id"]: self.flow.choose_agency(a))
            tile.setStyleSheet(tile_style(agency.get("colour", "#0B5394")))
            tile.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
            tile.setMinimumHeight(110)
            grid.addWidget(tile, index // columns, index % columns)
        for r in range(rows):
            grid.setRowStretch(r, 1)
        layout.addSpacing(16)
        layout.addLayout(grid, 1)

    def _services(self, layout: QVBoxLayout, state: KioskState) -> None:
        lang = state.language
        agency = next((a for a in state.agencies if a["id"] == state.agency_id), None)
        title = agency["name"] if agency else tr("services.title", lang)
        self._nav(layout, state, title)
        layout.addWidget(_label(tr("services.title", lang), "subtitle"))
        box = QWidget()
        column = QVBoxLayout(box)
        column.setSpacing(16)
        for line in self.flow.services_of(state.agency_id or -1):
            if not line.open:
                detail = tr("services.closed", lang)
            elif not line.selectable:
                detail = tr("services.full", lang)
            else:
                detail = tr("services.waiting", lang, n=line.waiting, m=line.estimated_wait_minutes)
            button = _button(
                f"{line.name}\n{detail}", "service", lambda _=False, s=line.id: self._service(s)
            )
            button.setEnabled(line.selectable)
            button.setMinimumHeight(120)
            column.addWidget(button)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(box)
        layout.addWidget(scroll, 1)

    def _service(self, service_id: int) -> None:
        if self.flow.choose_service(service_id):
            self.run_issue("none")

    def _priority(self, layout: QVBoxLayout, state: KioskState) -> None:
        lang = state.language
        self._nav(layout, state, tr("priority.title", lang))
        grid = QGridLayout()
        grid.setSpacing(24)
        grid.addWidget(
            _button(tr("priority.none", lang), "primary", lambda: self.run_issue("none")),
            0,
            0,
            1,
            2,
        )
        for index, category in enumerate(PRIORITIES):
            button = _button(
                tr(f"priority.{category}", lang),
                "priority",
                lambda _=False, c=category: self.run_issue(c),
            )
            button.setMinimumHeight(140)
            grid.addWidget(button, 1 + index // 2, index % 2)
        layout.addSpacing(24)
        layout.addLayout(grid)
        layout.addStretch(1)

    def _issuing(self, layout: QVBoxLayout, state: KioskState) -> None:
        layout.addStretch(1)
        layout.addWidget(_label(tr("issuing.title", state.language), "title"))
        layout.addWidget(_label(tr("issuing.subtitle", state.language), "subtitle"))
        layout.addStretch(1)

    def _ticket(self, layout: QVBoxLayout, state: KioskState) -> None:
        lang = state.language
        issued = state.issued
        assert issued is not None
        ticket = issued.ticket
        row = QHBoxLayout()
        left = QVBoxLayout()
        left.addStretch(1)
        left.addWidget(_label(tr("ticket.your_number", lang), "subtitle"))
        left.addWidget(_label(ticket["number"], "number", wrap=False))
        left.addWidget(
            _label(f"{ticket['agency']['short_name']} — {ticket['service']['name']}", "info")
        )
        left.addWidget(_label(tr("ticket.ahead", lang, n=issued.people_ahead), "info"))
        left.addWidget(_label(tr("ticket.wait", lang, m=issued.estimated_wait_minutes), "info"))
        area = self.flow.counter_area(ticket["service"]["id"])
        if area:
            left.addWidget(_label(tr("ticket.area", lang, area=area), "info"))
        left.addSpacing(24)
        notice = tr("ticket.printed", lang) if state.printed else tr("ticket.not_printed", lang)
        left.addWidget(_label(notice, "subtitle" if state.printed else "warning"))
        left.addSpacing(24)
        done = QHBoxLayout()
        done.addStretch(1)
        done.addWidget(_button(tr("ticket.done", lang), "primary", self.flow.home))
        done.addStretch(1)
        left.addLayout(done)
        left.addStretch(1)
        row.addLayout(left, 3)
        image = self.ticket_image(state) if not state.printed else None
        if image is not None:
            picture = QLabel()
            picture.setPixmap(
                QPixmap.fromImage(image).scaledToHeight(
                    max(400, self.height() - 220), Qt.TransformationMode.SmoothTransformation
                )
            )
            picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            row.addWidget(picture, 2)
        layout.addLayout(row, 1)

    def _message(self, layout: QVBoxLayout, state: KioskState) -> None:
        lang = state.language
        layout.addStretch(1)
        layout.addWidget(_label(self._error_text(state), "title"))
        layout.addSpacing(40)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(_button(tr("message.back", lang), "primary", self.flow.back))
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def _unavailable(self, layout: QVBoxLayout, state: KioskState) -> None:
        lang = state.language
        layout.addStretch(1)
        layout.addWidget(_label(tr("unavailable.title", lang), "title"))
        layout.addWidget(_label(tr("unavailable.subtitle", lang), "subtitle"))
        layout.addStretch(2)

    def _error_text(self, state: KioskState) -> str:
        from kiosk.texts import CATALOGUE

        return CATALOGUE.error(state.message_code or "", state.language)
