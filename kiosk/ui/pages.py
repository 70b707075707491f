"""The kiosk's pages, one builder per screen, sized from the window's ``ScreenMetrics``.

A mixin of ``KioskWindow``: each builder fills the page's layout from the state and
connects its buttons to the flow; nothing here decides what a tap does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial

from PyQt6.QtCore import QRect, QSize, Qt
from PyQt6.QtGui import QFont, QFontMetrics, QImage, QPixmap
from PyQt6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QLayout, QSizePolicy, QVBoxLayout

from kiosk.flow import PRIORITIES, KioskFlow, KioskState, Screen
from kiosk.opening_hours import next_opening_text
from kiosk.screen_metrics import ScreenMetrics, grid_columns
from kiosk.texts import CATALOGUE, tr
from kiosk.ticket_layout import priority_label
from kiosk.ui.pictograms import Pictogram
from kiosk.ui.style import BRAND, INK
from kiosk.ui.widgets import (
    AnswerButton,
    FitLabel,
    ServiceButton,
    TapButton,
    Tile,
    emblem,
    info_icon,
    label,
    tap_button,
)
from shared.errors import ErrorCode
from shared.qt_widgets import centred

TILE_ASPECT = 1.5  # agency tiles a little wider than tall: room for a two-word name
CARD_ASPECT = 1.75  # a priority answer standing in a row of five: at most this tall per wide


class Pages:
    """Page builders; the window provides the state, the metrics and the callbacks."""

    flow: KioskFlow
    metrics: ScreenMetrics
    ticket_image: Callable[[KioskState], QImage | None]
    logo: QPixmap | None
    _updates: list[Callable[[KioskState], None]]
    _welcome_clock: QLabel | None
    _emblem_text: str
    _check_in: Callable[[QVBoxLayout, KioskState], None]  # CheckInPages
    _check_in_result: Callable[[QVBoxLayout, KioskState], None]

    # --- sizes ---------------------------------------------------------------------------

    @property
    def header_height(self) -> int:
        m = self.metrics
        return max(m.px(96), m.touch + 2 * m.px(8))

    @property
    def page_margins(self) -> tuple[int, int, int, int]:
        m = self.metrics
        return (m.px(48), m.px(28), m.px(48), m.px(28))

    @property
    def nav_height(self) -> int:
        # Standing up, a screen has height to spare: room for a long heading on two lines.
        return self.metrics.target(104 if self.metrics.portrait else 72)

    def room(self) -> tuple[int, int]:
        """Width and height a page has below its navigation row."""
        m = self.metrics
        left, top, right, bottom = self.page_margins
        height = m.height - self.header_height - top - bottom - self.nav_height - m.px(24)
        return m.width - left - right, height

    def tap_button(self, text: str, name: str, on_click: Callable[[], None]) -> TapButton:
        """A visitor's button: at least 15 mm, silent until its screen has settled."""
        button = tap_button(self.flow.accepts_taps, text, name, on_click)
        button.setMinimumSize(self.metrics.touch, self.metrics.touch)
        return button

    def picture(self, pixmap: QPixmap, design_w: int, design_h: int) -> QPixmap:
        """``pixmap`` in a box of the design's size, sharp on a high-DPI screen."""
        ratio = self.metrics.device_pixel_ratio
        box = QSize(self.metrics.px(design_w), self.metrics.px(design_h)) * ratio
        scaled = pixmap.scaled(
            box, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        scaled.setDevicePixelRatio(ratio)
        return scaled

    # --- building ------------------------------------------------------------------------

    def build_page(self, screen: Screen, layout: QVBoxLayout, state: KioskState) -> None:
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
            Screen.CHECK_IN: self._check_in,
            Screen.CHECK_IN_RESULT: self._check_in_result,
        }[screen]
        build(layout, state)

    def _nav(self, layout: QVBoxLayout, state: KioskState, title: str) -> None:
        m = self.metrics
        row = QHBoxLayout()
        row.setSpacing(m.px(20))
        back = self.tap_button(tr("nav.back", state.language), "nav", self.flow.back)
        home = self.tap_button(tr("nav.home", state.language), "nav", self.flow.go_home)
        heading = FitLabel(title, "heading", m.font(52))
        row.addWidget(back)
        row.addWidget(heading, 1)
        row.addWidget(home)
        layout.addLayout(row)
        # Both buttons as wide as the wider one keep the heading in the middle.
        for button in (back, home):
            button.ensurePolished()
        width = max(back.sizeHint().width(), home.sizeHint().width(), m.touch)
        heading.set_height(self.nav_height)
        for button in (back, home):
            button.setFixedHeight(self.nav_height)
        back.setFixedWidth(width)
        home.setFixedWidth(width)

    def _welcome(self, layout: QVBoxLayout, state: KioskState) -> None:
        m, lang = self.metrics, state.language
        layout.addStretch(1)
        picture = QLabel()
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if self.logo is None:
            picture.setPixmap(self.picture(emblem(self._emblem_text or "MPP", 512), 180, 180))
            picture.setStyleSheet(
                f"background: {BRAND}; border-radius: {m.px(36)}px; padding: {m.px(18)}px;"
            )
            layout.addLayout(centred(picture))
        else:
            picture.setPixmap(self.picture(self.logo, 320, 180))
            layout.addWidget(picture)
        layout.addSpacing(m.px(24))
        layout.addWidget(label(tr("welcome.title", lang), "subtitle"))
        layout.addWidget(label(state.site_name, "welcomeSite"))
        self._welcome_clock = label("", "welcomeClock")
        layout.addWidget(self._welcome_clock)
        layout.addSpacing(m.px(36))
        layout.addWidget(label(tr("welcome.subtitle", lang), "subtitle"))
        layout.addSpacing(m.px(28))
        start = self.tap_button(tr("welcome.start", lang), "primary", self.flow.start)
        layout.addLayout(centred(start))
        if self.flow.takes_bookings():
            layout.addSpacing(m.px(28))
            booked = self.tap_button(tr("welcome.booked", lang), "booked", self.flow.open_check_in)
            layout.addLayout(centred(booked))
        layout.addStretch(1)

    def _agencies(self, layout: QVBoxLayout, state: KioskState) -> None:
        m = self.metrics
        self._nav(layout, state, tr("agencies.title", state.language))
        agencies = list(state.agencies)
        width, height = self.room()
        spacing = m.px(14)
        columns = grid_columns(
            len(agencies),
            width,
            height,
            spacing=spacing,
            aspect=TILE_ASPECT,
            min_height=m.touch,
        )
        grid = QGridLayout()
        grid.setSpacing(spacing)
        for index, agency in enumerate(agencies):
            tile = Tile(
                self.flow.accepts_taps, agency["short_name"], agency.get("colour") or BRAND, m
            )
            tile.clicked.connect(partial(self._agency_tapped, agency["id"]))
            grid.addWidget(tile, index // columns, index % columns)
            self._updates.append(partial(self._tile_count, tile, agency["id"]))
        for r in range(math.ceil(len(agencies) / columns)):
            grid.setRowStretch(r, 1)
        for c in range(columns):
            grid.setColumnStretch(c, 1)
        layout.addSpacing(m.px(24))
        layout.addLayout(grid, 1)
        for update in self._updates:
            update(state)

    def _agency_tapped(self, agency_id: int, _checked: bool = False) -> None:
        self.flow.choose_agency(agency_id)

    def _tile_count(self, tile: Tile, agency_id: int, state: KioskState) -> None:
        if self.flow.agency_open(agency_id):
            waiting = self.flow.waiting_for_agency(agency_id)
            tile.show_count(tr("agencies.waiting", state.language, n=waiting), closed=False)
            return
        upcoming = self.flow.agency_next_opening(agency_id)
        text = next_opening_text(upcoming, self.flow.local_now(), state.language)
        tile.show_count(text or tr("agencies.closed", state.language), closed=True)

    def _services(self, layout: QVBoxLayout, state: KioskState) -> None:
        m, lang = self.metrics, state.language
        agency = next((a for a in state.agencies if a["id"] == state.agency_id), None)
        self._nav(layout, state, agency["name"] if agency else tr("services.title", lang))
        layout.addSpacing(m.px(8))
        layout.addWidget(label(tr("services.title", lang), "subtitle"))
        layout.addSpacing(m.px(12))
        lines = self.flow.services_of(state.agency_id or -1)
        columns = 2 if len(lines) > 4 and not m.portrait else 1
        grid = QGridLayout()
        grid.setSpacing(m.px(16))
        for index, line in enumerate(lines):
            row = QHBoxLayout()
            row.setSpacing(m.px(10))
            button = ServiceButton(self.flow.accepts_taps, line.name, m)
            button.clicked.connect(partial(self._service_tapped, line.id))
            row.addWidget(button, 1)
            if line.standard is not None:
                row.addWidget(self._info_button(line.id, line.name, lang))
            grid.addLayout(row, index // columns, index % columns)
            self._updates.append(partial(self._service_line, button, line.id))
        rows = math.ceil(len(lines) / columns) if lines else 0
        for r in range(rows):
            grid.setRowStretch(r, 1)
        for update in self._updates:
            update(state)
        layout.addLayout(grid, min(rows, 6))
        layout.addStretch(max(0, 6 - rows))

    def _info_button(self, service_id: int, name: str, lang: str) -> TapButton:
        info = self.tap_button(
            f" {tr('services.info', lang)}", "info", partial(self.flow.show_standard, service_id)
        )
        side = self.metrics.px(40)
        info.setIcon(info_icon(round(side * self.metrics.device_pixel_ratio)))
        info.setIconSize(QSize(side, side))
        info.setAccessibleName(f"{tr('services.info', lang)}: {name}")
        info.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
        return info

    def _service_line(self, button: ServiceButton, service_id: int, state: KioskState) -> None:
        line = state.lines[service_id]
        button.show_line(line, state.language, self.flow.opening_text(line, state.language))

    def _service_tapped(self, service_id: int, _checked: bool = False) -> None:
        self.flow.pick_service(service_id)

    def _standard(self, layout: QVBoxLayout, state: KioskState) -> None:
        m, lang = self.metrics, state.language
        line = state.lines.get(state.service_id or -1)
        standard = line.standard if line is not None else None
        self._nav(layout, state, line.name if line is not None else "")
        if line is None or standard is None:
            return
        layout.addWidget(label(tr("standard.check", lang), "subtitle"))
        layout.addSpacing(m.px(20))
        body = QVBoxLayout()
        body.setSpacing(m.px(10))

        def section(head: str, text: str) -> None:
            for words, name in ((head, "standardHead"), (text, "standardText")):
                part = label(words, name)
                part.setAlignment(Qt.AlignmentFlag.AlignLeft)
                body.addWidget(part)
            body.addSpacing(m.px(14))

        if standard.requirements:
            items = "\n".join(f"•  {r}" for r in standard.requirements)
            section(tr("standard.requirements", lang), items)
        if standard.fee:
            section(tr("standard.fee", lang), standard.fee)
        if standard.completion:
            section(tr("standard.completion", lang), standard.completion)
        row = QHBoxLayout()
        row.addSpacing(m.px(120))
        row.addLayout(body, 1)
        row.addSpacing(m.px(120))
        layout.addLayout(row)
        layout.addStretch(1)
        take = self.tap_button(
            tr("standard.take", lang), "primary", partial(self._service_tapped, line.id)
        )
        take.setEnabled(line.selectable)
        layout.addLayout(centred(take))
        layout.addSpacing(m.px(12))

    def _priority(self, layout: QVBoxLayout, state: KioskState) -> None:
        """Five equal answers, the priority groups first: no answer looks like the one
        expected, so a visitor who belongs to a group reads before tapping."""
        m, lang = self.metrics, state.language
        self._nav(layout, state, tr("priority.title", lang))
        width, height = self.room()
        spacing = m.px(24)
        answers = (*PRIORITIES, "none")
        box: QLayout
        if m.portrait:  # a column of five wide cards, the pictogram on the left
            box, card_h = QVBoxLayout(), min((height - 4 * spacing) // 5, m.px(300))
        else:  # a row of five standing cards
            card_w = (width - 4 * spacing) / 5
            box, card_h = QHBoxLayout(), min(height, int(card_w * CARD_ASPECT))
        box.setSpacing(spacing)
        cards = [
            AnswerButton(
                self.flow.accepts_taps, kind, tr(f"priority.{kind}", lang), m, across=m.portrait
            )
            for kind in answers
        ]
        FitLabel.same_size([card.words for card in cards])
        for card in cards:
            card.clicked.connect(partial(self._answered, card.kind))
            card.setFixedHeight(card_h)
            box.addWidget(card)
        layout.addSpacing(m.px(24))
        layout.addLayout(box)
        layout.addStretch(1)

    def _answered(self, priority: str, _checked: bool = False) -> None:
        self.flow.issue(priority)

    def _issuing(self, layout: QVBoxLayout, state: KioskState) -> None:
        layout.addStretch(1)
        layout.addWidget(label(tr("issuing.title", state.language), "title"))
        layout.addWidget(label(tr("issuing.subtitle", state.language), "subtitle"))
        layout.addStretch(1)

    def _ticket(self, layout: QVBoxLayout, state: KioskState) -> None:
        m = self.metrics
        image = self.ticket_image(state) if not state.printed else None
        info = self._ticket_info(state)
        if image is None:
            layout.addLayout(info, 1)
            return
        caption = label(tr("ticket.photo", state.language), "ticketCaption")
        picture = QLabel()
        picture.setObjectName("ticketPicture")
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        _, top, _, bottom = self.page_margins
        free = m.height - self.header_height - top - bottom
        height = int(free * 0.42) if m.portrait else free - m.font(24) * 2 - m.px(12)
        ratio = m.device_pixel_ratio
        pixmap = QPixmap.fromImage(image).scaledToHeight(
            round(height * ratio), Qt.TransformationMode.SmoothTransformation
        )
        pixmap.setDevicePixelRatio(ratio)
        picture.setPixmap(pixmap)
        side = QVBoxLayout()
        side.setSpacing(m.px(12))
        side.addWidget(caption)
        side.addWidget(picture, 0, Qt.AlignmentFlag.AlignHCenter)
        side.addStretch(1)
        both = QVBoxLayout() if m.portrait else QHBoxLayout()
        both.setSpacing(m.px(24))
        both.addLayout(info, 3)
        both.addLayout(side, 0 if m.portrait else 2)
        layout.addLayout(both, 1)

    def _ticket_info(self, state: KioskState) -> QVBoxLayout:
        """The number, the priority mark, where and how long to wait, and "Selesai"."""
        m, lang = self.metrics, state.language
        issued = state.issued
        assert issued is not None
        ticket = issued.ticket
        column = QVBoxLayout()
        column.setSpacing(m.px(6))
        column.addStretch(1)
        column.addWidget(label(tr("ticket.your_number", lang), "subtitle"))
        column.addWidget(self._number(ticket["number"]))
        priority = ticket.get("priority") or "none"
        mark = priority_label(priority, lang)
        if mark is not None:
            column.addLayout(self._mark(priority, mark))
            column.addSpacing(m.px(12))
        if issued.booking is not None:
            slot = self.flow.site_time(issued.booking["slot_start"])
            time = slot.strftime("%H.%M" if lang == "id" else "%H:%M")
            booked = label(f" {tr('ticket.booking', lang, time=time)} ", "priorityMark", wrap=False)
            column.addLayout(centred(booked))
            column.addSpacing(m.px(12))
        kind = issued.wait_kind
        lines = [
            f"{ticket['agency']['short_name']} — {ticket['service']['name']}",
            tr("ticket.ahead", lang, n=issued.people_ahead),
            tr(f"ticket.{kind}", lang, m=issued.estimated_wait_minutes),
        ]
        # Where this ticket waits as the server says it; the line's area as the config did.
        waits_at = ticket.get("area")
        area = (waits_at.get("text") if waits_at else None) or self.flow.counter_area(
            ticket["service"]["id"]
        )
        if area:
            lines.append(tr("ticket.area", lang, area=area))
        for text in lines:
            column.addWidget(label(text, "info"))
        column.addSpacing(m.px(20))
        notice = tr("ticket.printed", lang) if state.printed else tr("ticket.not_printed", lang)
        column.addWidget(label(notice, "subtitle" if state.printed else "warning"))
        column.addSpacing(m.px(20))
        done = self.tap_button(tr("ticket.done", lang), "primary", self.flow.go_home)
        column.addLayout(centred(done))
        column.addStretch(1)
        return column

    def _number(self, number: str) -> FitLabel:
        """The ticket number, as large as the design has it or as the width allows."""
        size = self.metrics.font(200)
        widget = FitLabel(number, "number", size, wrap=False)
        font = QFont("DejaVu Sans")
        font.setWeight(QFont.Weight.ExtraBold)
        font.setPixelSize(size)
        whole = QRect(0, 0, 1_000_000, 1_000_000)  # the box QLabel draws in, not the ink's
        widget.set_height(QFontMetrics(font).boundingRect(whole, 0, number).height())
        return widget

    def _mark(self, priority: str, text: str) -> QHBoxLayout:
        """The priority mark with its pictogram, as the visitor chose it."""
        m = self.metrics
        mark = label(text, "priorityMark", wrap=False)
        font = QFont("DejaVu Sans")
        font.setPixelSize(m.font(32))
        side = QFontMetrics(font).lineSpacing() + 2 * m.px(6)  # the mark's height
        picture = Pictogram(priority, "white", INK)
        picture.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        picture.setFixedSize(side, side)
        row = QHBoxLayout()
        row.setSpacing(m.px(12))
        row.addStretch(1)
        row.addWidget(picture)
        row.addWidget(mark)
        row.addStretch(1)
        return row

    def _message(self, layout: QVBoxLayout, state: KioskState) -> None:
        m, lang = self.metrics, state.language
        line = state.lines.get(state.service_id or -1)
        layout.addStretch(1)
        if line is not None:
            layout.addWidget(label(line.name, "subtitle"))
            layout.addSpacing(m.px(12))
        layout.addWidget(label(CATALOGUE.error(state.message_code or "", lang), "title"))
        layout.addSpacing(m.px(40))
        back = self.tap_button(tr("message.back", lang), "primary", self.flow.back)
        layout.addLayout(centred(back))
        layout.addStretch(2)

    def _unavailable(self, layout: QVBoxLayout, state: KioskState) -> None:
        m, lang = self.metrics, state.language
        code = state.message_code or ErrorCode.UNAVAILABLE
        layout.addStretch(1)
        layout.addWidget(label(tr("unavailable.title", lang), "title"))
        layout.addSpacing(m.px(16))
        if code == ErrorCode.UNAVAILABLE:
            layout.addWidget(label(tr("unavailable.subtitle", lang), "subtitle"))
        else:  # e.g. a token the server does not know: staff must act
            layout.addWidget(label(CATALOGUE.error(code, lang), "warning"))
        if state.service_id is not None:
            layout.addSpacing(m.px(24))
            layout.addWidget(label(tr("unavailable.no_ticket", lang), "subtitle"))
        layout.addStretch(2)
