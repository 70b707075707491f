"""The counter tiles: every counter of the zone with the number at it, in pages when the
zone has more counters than fit at a size read from 10 m (``counter_pages`` decides the
pages; the grid measures its fonts to say which tile counts keep the rule)."""

from __future__ import annotations

import time
from collections.abc import Sequence

from PyQt6.QtCore import QRectF, Qt, QTimer
from PyQt6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen, QResizeEvent
from PyQt6.QtWidgets import QWidget

from ..board_model import CallShown, CounterShown
from ..counter_pages import CounterPager, Paging, plan_pages
from ..texts import tr
from . import style
from .layout import Grid, tile_grid
from .painting import WIDE_NUMBER, common_px, fitted, font
from .panels import LEFT, RIGHT, Panel, rounded

# Sizes remembered per grid, screen and widest number; dropped when this many pile up.
READABLE_SEEN = 2000


class CounterGrid(Panel):
    """Every counter of the zone: its label and agency over the number at it now; in
    pages when the zone has more counters than fit at a size read from 10 m
    (``counter_pages``)."""

    def __init__(self, parent: QWidget | None = None, *, page_seconds: float = 8.0) -> None:
        super().__init__(parent)
        self.counters: list[CounterShown] = []
        self.latest: CallShown | None = None
        # The least cap height of a tile's number, for the screen the board is on.
        self.min_cap_px = 0.0
        self.pager = CounterPager()
        self.paging = Paging([[]], 0)
        self.page_timer = QTimer(self)
        self.page_timer.setInterval(round(page_seconds * 1000))
        self.page_timer.timeout.connect(self.turn_page)
        # What each tile last painted, and when: tests and the bench read it.
        self.painted: dict[int, tuple[str, float]] = {}
        self.number_px = 0.0  # the tiles' number size at the last paint
        self.number_boxes: dict[int, QRectF] = {}  # where each tile's number went
        self._readable_seen: dict[tuple[int, bool, int, int, float, str], bool] = {}

    def show_counters(
        self, counters: Sequence[CounterShown], latest: CallShown | None = None
    ) -> None:
        self.counters, self.latest = list(counters), latest
        self._plan()
        self.update()

    def set_min_cap_px(self, px: float) -> None:
        self.min_cap_px = px
        self._plan()

    def turn_page(self) -> None:
        self.pager.turn(self.paging)
        self.update()

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        self._plan()

    def _plan(self) -> None:
        self.paging = plan_pages(self.counters, self._readable)
        if self.pager.follow(self.latest, self.paging) or not self.paging.paged:
            self.page_timer.stop()  # a full turn for the page just brought up
        if self.paging.paged and not self.page_timer.isActive():
            self.page_timer.start()

    def page_shown(self) -> tuple[int, int]:
        """(page, pages), counted from 1, as the page line says."""
        return self.pager.current(self.paging) + 1, len(self.paging.pages)

    def _areas(self, paged: bool) -> tuple[QRectF, QRectF | None]:
        """The tiles' area and, when paged, the line below it that names the page."""
        box = QRectF(self.rect())
        if not paged:
            return box, None
        line_h = max(12.0, box.height() * 0.055)
        tiles = box.adjusted(0, 0, 0, -line_h)
        return tiles, QRectF(box.x(), tiles.bottom(), box.width(), line_h)

    def _readable(self, tiles: int, paged: bool) -> bool:
        """Whether the numbers of a grid of ``tiles`` have the least cap height, at the
        size the widest number now shown (or a wide sample) would be painted."""
        area = self._areas(paged)[0]
        widest = self._widest_number()
        key = (tiles, paged, int(area.width()), int(area.height()), self.min_cap_px, widest)
        if len(self._readable_seen) > READABLE_SEEN:
            self._readable_seen.clear()  # a board resized many times
        if key not in self._readable_seen:
            grid = tile_grid(tiles, int(area.width()), int(area.height()))
            tile_w, tile_h, _ = self._tile_size(area, grid)
            box = _TileParts(tile_w, tile_h).number
            px = fitted(widest, box.width(), box.height(), tile_h).pixelSize()
            cap = QFontMetricsF(font(px)).capHeight()
            self._readable_seen[key] = cap >= self.min_cap_px
        return self._readable_seen[key]

    def _widest_number(self) -> str:
        metrics = QFontMetricsF(font(100))
        numbers = [c.ticket.number for c in self.counters if c.ticket is not None]
        return max([WIDE_NUMBER, *numbers], key=metrics.horizontalAdvance)

    @staticmethod
    def _tile_size(area: QRectF, grid: Grid) -> tuple[float, float, float]:
        gap = max(4.0, min(area.width(), area.height()) * 0.012)
        tile_w = (area.width() - gap * (grid.columns - 1)) / grid.columns
        tile_h = (area.height() - gap * (grid.rows - 1)) / grid.rows
        return tile_w, tile_h, gap

    def tile_text(self, counter: CounterShown) -> str:
        if counter.ticket is not None:
            return counter.ticket.number
        if counter.state == "closed":
            return tr("counter.closed", self.language)
        if counter.state == "paused":
            return tr("counter.paused", self.language)
        return tr("counter.idle", self.language)

    def paint(self, painter: QPainter, box: QRectF) -> None:
        if not self.counters:
            return
        page = self.paging.pages[self.pager.current(self.paging)]
        area, line = self._areas(self.paging.paged)
        grid = tile_grid(self.paging.grid_count, int(area.width()), int(area.height()))
        tile_w, tile_h, gap = self._tile_size(area, grid)
        parts = _TileParts(tile_w, tile_h)
        sizes = self._sizes(parts, tile_h)
        self.number_px = sizes["number"]
        now = time.monotonic()
        self.number_boxes = {}
        for i, counter in enumerate(page):
            text = self.tile_text(counter)
            # Down the columns, as a hall numbers its counters along a wall.
            col, row = divmod(i, grid.rows)
            x, y = col * (tile_w + gap), row * (tile_h + gap)
            self.number_boxes[counter.id] = parts.number.translated(x, y)
            painter.save()
            painter.translate(x, y)
            self._tile(painter, parts, sizes, counter, text)
            painter.restore()
            if self.painted.get(counter.id, ("",))[0] != text:
                self.painted[counter.id] = (text, now)
        if line is not None:
            shown, pages = self.page_shown()
            text = tr("counters.page", self.language, page=shown, pages=pages)
            self.text.draw(painter, line, text, line.height() * 0.8, style.MUTED, align=RIGHT)

    def _sizes(self, parts: _TileParts, tile_h: float) -> dict[str, float]:
        """One size per kind of text for every tile of the zone (all pages alike)."""
        texts = [self.tile_text(c) for c in self.counters]
        numbers = [t for c, t in zip(self.counters, texts, strict=True) if c.ticket is not None]
        notes = [t for c, t in zip(self.counters, texts, strict=True) if c.ticket is None]
        return {
            "label": common_px(
                [c.label for c in self.counters],
                parts.label.width(),
                parts.label.height(),
                parts.band_h * 0.8,
            ),
            "agency": common_px(
                [c.agency.name for c in self.counters],
                parts.agency.width(),
                parts.agency.height(),
                parts.band_h * 0.6,
                bold=False,
            ),
            # A wide sample keeps the size steady when a wider number comes up.
            "number": common_px(
                [*numbers, WIDE_NUMBER], parts.number.width(), parts.number.height(), tile_h
            ),
            "note": common_px(notes, parts.note.width(), parts.note.height(), tile_h, bold=False),
        }

    def _tile(
        self,
        painter: QPainter,
        parts: _TileParts,
        sizes: dict[str, float],
        counter: CounterShown,
        text: str,
    ) -> None:
        tile, r = parts.tile, parts.radius
        rounded(painter, tile, r, style.PANEL)
        path = QPainterPath()
        path.setFillRule(Qt.FillRule.WindingFill)
        path.addRoundedRect(parts.band, r, r)
        path.addRect(parts.band.adjusted(0, r, 0, 0))
        painter.fillPath(path, QColor(counter.agency.colour))
        draw = self.text.draw
        draw(painter, parts.label, counter.label, sizes["label"], style.INK, align=LEFT)
        draw(
            painter,
            parts.agency,
            counter.agency.name,
            sizes["agency"],
            style.INK,
            align=RIGHT,
            bold=False,
        )
        if counter.ticket is None:
            colour = style.CLOSED if counter.state != "open" else style.MUTED
            draw(painter, parts.note, text, sizes["note"], colour, bold=False)
            return
        called = counter.ticket.state == "called"
        if called:
            pen = max(3.0, tile.height() * 0.04)
            painter.setPen(QPen(QColor(style.CALLED), pen))
            painter.drawRoundedRect(tile.adjusted(pen / 2, pen / 2, -pen / 2, -pen / 2), r, r)
        draw(painter, parts.number, text, sizes["number"], style.CALLED if called else style.INK)


class _TileParts:
    """The boxes inside one counter tile, relative to its top left corner."""

    def __init__(self, w: float, h: float) -> None:
        self.tile = QRectF(0, 0, w, h)
        self.radius = max(4.0, h * 0.08)
        self.band_h = h * 0.34
        self.band = QRectF(0, 0, w, self.band_h)
        pad = self.band_h * 0.28
        label_w = w * 0.44
        self.label = QRectF(pad, 0, label_w - pad, self.band_h)
        self.agency = QRectF(label_w + pad * 0.5, 0, w - label_w - pad * 1.5, self.band_h)
        body_h = h - self.band_h
        self.number = QRectF(pad, self.band_h + body_h * 0.03, w - 2 * pad, body_h * 0.94)
        self.note = QRectF(pad, self.band_h + body_h * 0.2, w - 2 * pad, body_h * 0.6)
