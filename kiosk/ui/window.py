"""The kiosk window: one page per screen, all touch targets large.

A page is built again only when what it shows changes shape (another screen, language,
agency); live counts update the labels in place, so a tap is never lost because a
``queue.stats`` push rebuilt the tile under the visitor's finger.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

from PIL import Image
from PyQt6.QtCore import QObject, QRect, QSize, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import (
    QCloseEvent,
    QColor,
    QFont,
    QIcon,
    QImage,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PyQt6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.exit_gesture import ExitGesture, PinEntry
from kiosk.flow import PRIORITIES, KioskFlow, KioskState, Line, Screen
from kiosk.texts import CATALOGUE, tr
from kiosk.ticket_layout import format_issued_at, priority_label
from kiosk.ui.pin_pad import PinPad
from kiosk.ui.style import BRAND, STYLESHEET, tile_style
from shared.errors import ErrorCode

HEADER_HEIGHT = 96
Update = Callable[[KioskState], None]


class StateBridge(QObject):
    """Carries state changes to the GUI thread (queued when emitted from another thread)."""

    changed = pyqtSignal(object)


def qimage_from_pil(image: Image.Image) -> QImage:
    """A greyscale QImage owning a copy of the PIL image's pixels."""
    grey = image.convert("L")
    data = grey.tobytes()
    view = QImage(data, grey.width, grey.height, grey.width, QImage.Format.Format_Grayscale8)
    return view.copy()


def emblem(text: str, size: int) -> QPixmap:
    """A plain badge with the site's short name, where no logo file is configured."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setBrush(QColor("white"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.drawRoundedRect(0, 0, size, size, size * 0.22, size * 0.22)
    font = QFont("DejaVu Sans")
    font.setBold(True)
    font.setPixelSize(max(8, int(size * (0.34 if len(text) <= 3 else 0.24))))
    painter.setFont(font)
    painter.setPen(QColor(BRAND))
    painter.drawText(QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, text)
    painter.end()
    return pixmap


def info_icon(size: int) -> QIcon:
    """A circled "i", drawn here: the kiosk's fonts may lack the ⓘ character."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(BRAND))
    pen.setWidth(max(2, size // 12))
    painter.setPen(pen)
    inset = pen.width()
    painter.drawEllipse(inset, inset, size - 2 * inset, size - 2 * inset)
    font = QFont("DejaVu Serif")
    font.setBold(True)
    font.setPixelSize(int(size * 0.62))
    painter.setFont(font)
    painter.drawText(QRect(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "i")
    painter.end()
    return QIcon(pixmap)


def _label(text: str, name: str, *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


def _inner_label(text: str, name: str, align: Qt.AlignmentFlag) -> QLabel:
    """A label inside a button: it wraps, and the tap goes through to the button."""
    label = _label(text, name)
    label.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
    return label


def _button(text: str, name: str, on_click: Callable[[], None]) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(name)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.clicked.connect(lambda _checked=False: on_click())
    return button


def _centred(widget: QWidget) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(widget)
    row.addStretch(1)
    return row


def _restyle(widget: QWidget, name: str) -> None:
    if widget.objectName() != name:
        widget.setObjectName(name)
        style = widget.style()
        if style is not None:
            style.unpolish(widget)
            style.polish(widget)


def _clear(layout: QLayout) -> None:
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


class Corner(QLabel):
    """The hidden exit corner: shows the logo, counts taps."""

    tapped = pyqtSignal()

    def mousePressEvent(self, event: QMouseEvent | None) -> None:
        self.tapped.emit()
        if event is not None:
            event.accept()


class Tile(QPushButton):
    """An agency: its colour, short name (wrapped when long) and people waiting."""

    def __init__(self, name: str, colour: str, name_px: int = 27) -> None:
        super().__init__()
        self.setObjectName("tile")
        self.setAccessibleName(name)
        self.colour = colour
        self.name_px = name_px
        self.name = _inner_label(name, "tileName", Qt.AlignmentFlag.AlignHCenter)
        self.count = _inner_label("", "tileCount", Qt.AlignmentFlag.AlignHCenter)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 8, 10, 8)
        column.setSpacing(4)
        column.addStretch(1)
        column.addWidget(self.name)
        column.addWidget(self.count)
        column.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._closed: bool | None = None

    def show_count(self, text: str, closed: bool) -> None:
        self.count.setText(text)
        if closed != self._closed:
            self._closed = closed
            self.setStyleSheet(tile_style(self.colour, closed, self.name_px))


class ServiceButton(QPushButton):
    """A service: its name and how long the line is (or why it takes no tickets)."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setObjectName("service")
        self.setAccessibleName(name)
        self.name = _inner_label(name, "serviceName", Qt.AlignmentFlag.AlignLeft)
        self.detail = _inner_label("", "serviceDetail", Qt.AlignmentFlag.AlignLeft)
        column = QVBoxLayout(self)
        column.setContentsMargins(28, 14, 28, 14)
        column.setSpacing(6)
        column.addWidget(self.name)
        column.addWidget(self.detail)
        self.setMinimumHeight(116)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_line(self, line: Line, language: str) -> None:
        if not line.open:
            text, name = tr("services.closed", language), "serviceClosed"
        elif line.full:
            text, name = tr("services.full", language), "serviceClosed"
        elif line.waiting == 0:
            text, name = tr("services.nobody", language), "serviceDetail"
        else:
            text = tr("services.waiting", language, n=line.waiting, m=line.estimated_wait_minutes)
            name = "serviceDetail"
        self.detail.setText(text)
        _restyle(self.detail, name)
        self.setEnabled(line.selectable)


class KioskWindow(QWidget):
    """Shows ``KioskState``; every tap goes to the flow (issuing via ``run_issue``)."""

    exit_requested = pyqtSignal()

    def __init__(
        self,
        flow: KioskFlow,
        bridge: StateBridge,
        run_issue: Callable[[str], None],
        ticket_image: Callable[[KioskState], QImage | None] = lambda _s: None,
        *,
        exit_gesture: ExitGesture | None = None,
        pin: PinEntry | None = None,
        logo: QPixmap | None = None,
    ) -> None:
        super().__init__()
        self.flow = flow
        self.run_issue = run_issue
        self.ticket_image = ticket_image
        self.exit_gesture = exit_gesture or ExitGesture()
        self.logo = logo if logo is not None and not logo.isNull() else None
        self.may_close = False
        self.setStyleSheet(STYLESHEET)
        self.setWindowTitle("Antre — Kiosk")
        self.pages = QStackedWidget()
        self.corner = Corner()
        self.corner.setObjectName("corner")
        self.corner.setFixedSize(84, HEADER_HEIGHT)
        self.corner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.corner.tapped.connect(self._corner_tapped)
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
            # A hidden page's widgets must not make the window taller than the screen.
            page.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
            QVBoxLayout(page).setContentsMargins(48, 28, 48, 28)
            self._page[screen] = page
            self.pages.addWidget(page)
        self.pin_pad = PinPad(pin or PinEntry(""), self)
        self.pin_pad.accepted.connect(self._leave)
        self._built: tuple[Any, ...] | None = None
        self._updates: list[Update] = []
        self._welcome_clock: QLabel | None = None
        self._emblem_text = ""
        bridge.changed.connect(self.show_state)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._every_second)
        self._timer.start(1000)
        self.show_state(flow.state)

    # --- frame ------------------------------------------------------------------------

    def _header(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("headerBar")
        bar.setFixedHeight(HEADER_HEIGHT)
        row = QHBoxLayout(bar)
        row.setContentsMargins(12, 8, 32, 8)
        row.addWidget(self.corner)
        row.addSpacing(12)
        self._header_title.setAlignment(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft)
        self._header_title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self._header_title, 1)
        row.addWidget(self._clock)
        row.addSpacing(24)
        row.addWidget(self._lang)
        return bar

    def _every_second(self) -> None:
        self._update_clock()
        self.flow.tick()

    def _update_clock(self) -> None:
        # The hall's time by the server's clock, written as the ticket writes it.
        now = format_issued_at(self.flow.local_now(), self.flow.state.language)
        self._clock.setText(now)
        if self._welcome_clock is not None:
            self._welcome_clock.setText(now)

    def _toggle_language(self) -> None:
        self.flow.set_language("en" if self.flow.state.language == "id" else "id")

    def mousePressEvent(self, event: QMouseEvent | None) -> None:
        self.flow.touch()
        super().mousePressEvent(event)

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_title)  # once the header has its new width
        if self.pin_pad.isVisible():
            self.pin_pad.setGeometry(self.rect())
        self.show_state(self.flow.state)

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

    @property
    def portrait(self) -> bool:
        return self.height() > self.width()

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
            state.site_name,
            tuple(a["id"] for a in state.agencies),
            tuple(state.lines),
            tuple(line.standard is not None for line in state.lines.values()),
            self.portrait,
        )

    def _fit_title(self) -> None:
        """The site's full name, or its short name where the header has no room for it."""
        state = self.flow.state
        room = self._header_title.width()
        metrics = self._header_title.fontMetrics()
        text = state.site_name
        if metrics.horizontalAdvance(text) > room:
            text = metrics.elidedText(state.site_short_name, Qt.TextElideMode.ElideRight, room)
        self._header_title.setText(text)

    def show_state(self, state: KioskState) -> None:
        lang = state.language
        self._fit_title()
        self._lang.setText(tr("nav.language", lang))
        self._set_corner(state)
        shape = self._shape(state)
        if shape == self._built:
            for update in self._updates:
                update(state)
            self._update_clock()
            return
        self._built = shape
        self._updates = []
        self._welcome_clock = None
        page = self._page[state.screen]
        layout = page.layout()
        assert isinstance(layout, QVBoxLayout)
        _clear(layout)
        build = {
            Screen.WELCOME: self._welcome,
            Screen.AGENCIES: self._agencies,
            Screen.SERVICES: self._services,
            Screen.STANDARD: self._standard,
            Screen.PRIORITY: self._priority,
            Screen.ISSUING: self._issuing,
            Screen.TICKET: self._ticket,
            Screen.MESSAGE: self._message,
            Screen.UNAVAILABLE: self._unavailable,
        }[state.screen]
        build(layout, state)
        self.pages.setCurrentWidget(page)
        self._update_clock()

    def _set_corner(self, state: KioskState) -> None:
        text = state.site_short_name.split()[0] if state.site_short_name else "MPP"
        if text == self._emblem_text:
            return
        self._emblem_text = text
        picture = self.logo or emblem(text, 64)
        self.corner.setPixmap(
            picture.scaled(
                64,
                64,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def _nav(self, layout: QVBoxLayout, state: KioskState, title: str) -> None:
        row = QHBoxLayout()
        row.addWidget(_button(tr("nav.back", state.language), "nav", self.flow.back))
        heading = _label(title, "title")
        heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(heading, 1)
        row.addWidget(_button(tr("nav.home", state.language), "nav", self.flow.home))
        layout.addLayout(row)

    def _welcome(self, layout: QVBoxLayout, state: KioskState) -> None:
        lang = state.language
        layout.addStretch(1)
        picture = QLabel()
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        logo = self.logo or emblem(self._emblem_text or "MPP", 180)
        picture.setPixmap(
            logo.scaled(
                320,
                180,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )
        if self.logo is None:
            picture.setStyleSheet(f"background: {BRAND}; border-radius: 36px; padding: 18px;")
            layout.addLayout(_centred(picture))
        else:
            layout.addWidget(picture)
        layout.addSpacing(24)
        layout.addWidget(_label(tr("welcome.title", lang), "subtitle"))
        layout.addWidget(_label(state.site_name, "welcomeSite"))
        self._welcome_clock = _label("", "welcomeClock")
        layout.addWidget(self._welcome_clock)
        layout.addSpacing(36)
        layout.addWidget(_label(tr("welcome.subtitle", lang), "subtitle"))
        layout.addSpacing(28)
        layout.addLayout(_centred(_button(tr("welcome.start", lang), "primary", self.flow.start)))
        layout.addStretch(1)

    def _agencies(self, layout: QVBoxLayout, state: KioskState) -> None:
        self._nav(layout, state, tr("agencies.title", state.language))
        grid = QGridLayout()
        grid.setSpacing(14)
        agencies = list(state.agencies)
        portrait = self.portrait
        columns = 5 if portrait else 7
        rows = max(1, math.ceil(len(agencies) / columns))
        for index, agency in enumerate(agencies):
            # Portrait tiles are narrower: "Disdukcapil" must still fit on its line.
            tile = Tile(agency["short_name"], agency.get("colour") or BRAND, 22 if portrait else 27)
            tile.clicked.connect(partial(self._agency_tapped, agency["id"]))
            tile.setMinimumHeight(110)
            grid.addWidget(tile, index // columns, index % columns)
            self._updates.append(partial(self._tile_count, tile, agency["id"]))
        for r in range(rows):
            grid.setRowStretch(r, 1)
        for c in range(columns):
            grid.setColumnStretch(c, 1)
        layout.addSpacing(16)
        layout.addLayout(grid, 1)
        for update in self._updates:
            update(state)

    def _agency_tapped(self, agency_id: int, _checked: bool = False) -> None:
        self.flow.choose_agency(agency_id)

    def _tile_count(self, tile: Tile, agency_id: int, state: KioskState) -> None:
        if self.flow.agency_open(agency_id):
            waiting = self.flow.waiting_for_agency(agency_id)
            tile.show_count(tr("agencies.waiting", state.language, n=waiting), closed=False)
        else:
            tile.show_count(tr("agencies.closed", state.language), closed=True)

    def _services(self, layout: QVBoxLayout, state: KioskState) -> None:
        lang = state.language
        agency = next((a for a in state.agencies if a["id"] == state.agency_id), None)
        title = agency["name"] if agency else tr("services.title", lang)
        self._nav(layout, state, title)
        layout.addWidget(_label(tr("services.title", lang), "subtitle"))
        layout.addSpacing(12)
        lines = self.flow.services_of(state.agency_id or -1)
        columns = 2 if len(lines) > 4 and not self.portrait else 1
        grid = QGridLayout()
        grid.setSpacing(16)
        for index, line in enumerate(lines):
            row = QHBoxLayout()
            row.setSpacing(10)
            button = ServiceButton(line.name)
            button.clicked.connect(lambda _=False, s=line.id: self._service(s))
            row.addWidget(button, 1)
            if line.standard is not None:
                info = _button(
                    f" {tr('services.info', lang)}",
                    "info",
                    partial(self.flow.show_standard, line.id),
                )
                info.setIcon(info_icon(40))
                info.setIconSize(QSize(40, 40))
                info.setAccessibleName(f"{tr('services.info', lang)}: {line.name}")
                info.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
                row.addWidget(info)
            grid.addLayout(row, index // columns, index % columns)
            self._updates.append(partial(self._service_line, button, line.id))
        rows = math.ceil(len(lines) / columns) if lines else 0
        for r in range(rows):
            grid.setRowStretch(r, 1)
        for update in self._updates:
            update(state)
        layout.addLayout(grid, min(rows, 6))
        layout.addStretch(max(0, 6 - rows))

    @staticmethod
    def _service_line(button: ServiceButton, service_id: int, state: KioskState) -> None:
        button.show_line(state.lines[service_id], state.language)

    def _service(self, service_id: int) -> None:
        if self.flow.choose_service(service_id):
            self.run_issue("none")

    def _standard(self, layout: QVBoxLayout, state: KioskState) -> None:
        lang = state.language
        line = state.lines.get(state.service_id or -1)
        standard = line.standard if line is not None else None
        self._nav(layout, state, line.name if line is not None else "")
        if line is None or standard is None:
            return
        layout.addWidget(_label(tr("standard.check", lang), "subtitle"))
        layout.addSpacing(20)
        body = QVBoxLayout()
        body.setSpacing(10)

        def section(head: str, text: str) -> None:
            label = _label(head, "standardHead")
            label.setAlignment(Qt.AlignmentFlag.AlignLeft)
            body.addWidget(label)
            content = _label(text, "standardText")
            content.setAlignment(Qt.AlignmentFlag.AlignLeft)
            body.addWidget(content)
            body.addSpacing(14)

        if standard.requirements:
            items = "\n".join(f"•  {r}" for r in standard.requirements)
            section(tr("standard.requirements", lang), items)
        if standard.fee:
            section(tr("standard.fee", lang), standard.fee)
        if standard.completion:
            section(tr("standard.completion", lang), standard.completion)
        row = QHBoxLayout()
        row.addSpacing(120)
        row.addLayout(body, 1)
        row.addSpacing(120)
        layout.addLayout(row)
        layout.addStretch(1)
        take = _button(tr("standard.take", lang), "primary", lambda: self._service(line.id))
        take.setEnabled(line.selectable)
        layout.addLayout(_centred(take))
        layout.addSpacing(12)

    def _priority(self, layout: QVBoxLayout, state: KioskState) -> None:
        lang = state.language
        self._nav(layout, state, tr("priority.title", lang))
        grid = QGridLayout()
        grid.setSpacing(24)
        regular = _button(tr("priority.none", lang), "primary", lambda: self.run_issue("none"))
        grid.addWidget(regular, 0, 0, 1, 2)
        for index, category in enumerate(PRIORITIES):
            button = _button(
                tr(f"priority.{category}", lang),
                "priority",
                partial(self.run_issue, category),
            )
            button.setMinimumHeight(150)
            grid.addWidget(button, 1 + index // 2, index % 2)
        layout.addSpacing(32)
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
        mark = priority_label(ticket.get("priority") or "none", lang)
        if mark is not None:
            left.addLayout(_centred(_label(mark, "priorityMark", wrap=False)))
            left.addSpacing(12)
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
        left.addLayout(_centred(_button(tr("ticket.done", lang), "primary", self.flow.home)))
        left.addStretch(1)
        row.addLayout(left, 3)
        image = self.ticket_image(state) if not state.printed else None
        if image is not None:
            right = QVBoxLayout()
            right.addWidget(_label(tr("ticket.photo", lang), "ticketCaption"))
            picture = QLabel()
            picture.setObjectName("ticketPicture")
            height = max(360, self.height() - HEADER_HEIGHT - 140)
            picture.setPixmap(
                QPixmap.fromImage(image).scaledToHeight(
                    height, Qt.TransformationMode.SmoothTransformation
                )
            )
            picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
            right.addWidget(picture, 0, Qt.AlignmentFlag.AlignHCenter)
            right.addStretch(1)
            row.addSpacing(24)
            row.addLayout(right, 2)
        layout.addLayout(row, 1)

    def _message(self, layout: QVBoxLayout, state: KioskState) -> None:
        lang = state.language
        line = state.lines.get(state.service_id or -1)
        layout.addStretch(1)
        if line is not None:
            layout.addWidget(_label(line.name, "subtitle"))
            layout.addSpacing(12)
        layout.addWidget(_label(CATALOGUE.error(state.message_code or "", lang), "title"))
        layout.addSpacing(40)
        layout.addLayout(_centred(_button(tr("message.back", lang), "primary", self.flow.back)))
        layout.addStretch(2)

    def _unavailable(self, layout: QVBoxLayout, state: KioskState) -> None:
        lang = state.language
        code = state.message_code or ErrorCode.UNAVAILABLE
        layout.addStretch(1)
        layout.addWidget(_label(tr("unavailable.title", lang), "title"))
        layout.addSpacing(16)
        if code == ErrorCode.UNAVAILABLE:
            layout.addWidget(_label(tr("unavailable.subtitle", lang), "subtitle"))
        else:  # e.g. a token the server does not know: staff must act
            layout.addWidget(_label(CATALOGUE.error(code, lang), "warning"))
        if state.service_id is not None:
            layout.addSpacing(24)
            layout.addWidget(_label(tr("unavailable.no_ticket", lang), "subtitle"))
        layout.addStretch(2)
