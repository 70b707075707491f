"""The parts of the board, each painting its own box with text fitted to it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PyQt6.QtCore import QRectF, Qt, QTimer
from PyQt6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPaintEvent, QPen
from PyQt6.QtWidgets import QWidget

from ..board_model import CallShown, WaitingShown
from ..texts import tr
from . import style
from .layout import tile_grid
from .painting import WIDE_NUMBER, TextPainter, common_px, fitted, font

LEFT = Qt.AlignmentFlag.AlignLeft
RIGHT = Qt.AlignmentFlag.AlignRight
CENTER = Qt.AlignmentFlag.AlignCenter


def rounded(painter: QPainter, rect: QRectF, radius: float, colour: str) -> None:
    path = QPainterPath()
    path.addRoundedRect(rect, radius, radius)
    painter.fillPath(path, QColor(colour))


class Panel(QWidget):
    """A painted box: subclasses fill ``paint``; overflowing text is counted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text = TextPainter()
        self.language = "id"
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)

    def paintEvent(self, _event: QPaintEvent | None) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(self.rect(), QColor(style.BACKGROUND))
        self.text.reset()
        self.paint(painter, QRectF(self.rect()))
        painter.end()

    def paint(self, painter: QPainter, box: QRectF) -> None:
        raise NotImplementedError

    @property
    def radius(self) -> float:
        return max(4.0, min(self.width(), self.height()) * 0.04)


class HeaderBar(Panel):
    """Site and zone on the left, the clock and date on the right; "offline" in red beside
    the zone name while the server is away (small, but a colour nobody misses)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.site = ""
        self.site_short = ""
        self.zone = ""
        self.date = ""
        self.clock = ""
        self.online: bool | None = None  # None: not connected yet

    def paint(self, painter: QPainter, box: QRectF) -> None:
        painter.fillRect(box, QColor(style.HEADER))
        w, h = box.width(), box.height()
        pad = h * 0.16
        right_w = w * (0.24 if w > h * 12 else 0.34)
        left_w = w - right_w - 3 * pad
        draw = self.text.draw
        top = QRectF(pad, h * 0.06, left_w, h * 0.54)
        site = self.site
        # A long official name on a narrow board: the short name, large, reads better.
        if self.site_short and fitted(site, top.width(), top.height(), h).pixelSize() < h * 0.3:
            site = self.site_short
        draw(painter, top, site, h, style.INK, align=LEFT)
        bottom = QRectF(pad, h * 0.60, left_w, h * 0.34)
        right = QRectF(w - right_w - pad, h * 0.04, right_w, h * 0.60)
        draw(painter, right, self.clock, h, style.INK, align=RIGHT)
        date = QRectF(w - right_w - pad, h * 0.62, right_w, h * 0.32)
        draw(painter, date, self.date, h, style.MUTED, align=RIGHT, bold=False)
        zone_px = fitted(self.zone, bottom.width(), bottom.height(), h, bold=False).pixelSize()
        pill = self._pill_place(bottom, zone_px) if self.online is not True else None
        if pill is None or pill[0].x() > bottom.x():
            draw(painter, bottom, self.zone, zone_px, style.MUTED, align=LEFT, bold=False)
        if pill is not None:
            box, text, px = pill
            colour = style.OFFLINE if self.online is False else style.PANEL_EDGE
            rounded(painter, box, box.height() / 2, colour)
            inner = box.adjusted(box.height() / 2, 0, -box.height() / 2, 0)
            draw(painter, inner, text, px, style.INK, bold=False)

    def _pill_place(self, line: QRectF, zone_px: float) -> tuple[QRectF, str, float]:
        """Where the "offline" pill goes: after the zone name when it fits there at a
        readable size, else in the zone name's place; the short text when the long one
        would be too small."""
        key = "offline" if self.online is False else "loading"
        zone_w = QFontMetricsF(font(zone_px, bold=False)).horizontalAdvance(self.zone)
        after = line.adjusted(zone_w + line.height(), 0, 0, 0)
        readable = line.height() * 0.55
        for room, text in [
            (after, tr(key, self.language)),
            (after, tr(f"{key}.short", self.language)),
            (line, tr(key, self.language)),
            (line, tr(f"{key}.short", self.language)),
        ]:
            px = fitted(
                text, room.width() - line.height(), line.height() * 0.8, line.height(), bold=False
            ).pixelSize()
            text_w = QFontMetricsF(font(px, bold=False)).horizontalAdvance(text)
            if px >= readable and text_w + line.height() <= room.width():
                return QRectF(room.x(), room.y(), text_w + line.height(), room.height()), text, px
        return QRectF(line.x(), line.y(), line.width(), line.height()), text, px


@dataclass(frozen=True)
class HeroCall:
    """The call the big panel shows: the number, where to go, and the agency whose colour
    it wears."""

    number: str
    counter_label: str
    agency_name: str
    colour: str
    recall: bool = False


class CallPanel(Panel):
    """The call being announced, large, in its agency's colour, framed in blinking yellow;
    between announcements the latest call, without the frame."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.call: HeroCall | None = None
        self.announcing = False
        self._blink_on = True
        self._blink = QTimer(self)
        self._blink.timeout.connect(self._toggle)

    def show_call(self, call: HeroCall | None, announcing: bool) -> None:
        self.call, self.announcing = call, announcing
        if announcing and not self._blink.isActive():
            self._blink_on = True
            self._blink.start(500)
        elif not announcing:
            self._blink.stop()
            self._blink_on = True
        self.update()

    def _toggle(self) -> None:
        self._blink_on = not self._blink_on
        self.update()

    def paint(self, painter: QPainter, box: QRectF) -> None:
        call, r = self.call, self.radius
        if call is None:
            rounded(painter, box, r, style.PANEL)
            self.text.draw(
                painter,
                box.adjusted(r, r, -r, -r),
                tr("call.none", self.language),
                box.height() * 0.12,
                style.MUTED,
                bold=False,
            )
            return
        rounded(painter, box, r, call.colour)
        edge = max(6.0, min(box.width(), box.height()) * 0.025)
        if self.announcing and self._blink_on:
            painter.setPen(QPen(QColor(style.CALLED), edge))
            painter.drawRoundedRect(box.adjusted(edge / 2, edge / 2, -edge / 2, -edge / 2), r, r)
        inner = box.adjusted(edge * 1.6, edge * 1.6, -edge * 1.6, -edge * 1.6)
        title = tr("call.recall" if call.recall else "call.title", self.language)
        if not self.announcing:
            title = tr("call.latest", self.language)
        wide = inner.width() / max(1.0, inner.height()) > 2.1
        bar_h = inner.height() * (0.2 if wide else 0.15)
        bar = QRectF(inner.x(), inner.y(), inner.width(), bar_h)
        rounded(painter, bar, bar_h * 0.25, style.CALLED if self.announcing else style.BACKGROUND)
        ink = style.CALLED_INK if self.announcing else style.MUTED
        self.text.draw(
            painter,
            bar.adjusted(bar_h * 0.3, bar_h * 0.1, -bar_h * 0.3, -bar_h * 0.1),
            title,
            bar_h,
            ink,
        )
        rest = QRectF(
            inner.x(),
            bar.bottom() + inner.height() * 0.03,
            inner.width(),
            inner.bottom() - bar.bottom() - inner.height() * 0.03,
        )
        to = tr("call.to", self.language)
        if wide:  # portrait board: number on the left, counter on the right
            left = QRectF(rest.x(), rest.y(), rest.width() * 0.56, rest.height())
            right = QRectF(
                left.right() + rest.width() * 0.04, rest.y(), rest.width() * 0.40, rest.height()
            )
            self.text.draw(painter, left, call.number, rest.height() * 0.75, style.INK)
            self._counter_lines(painter, right, to, call, (0.18, 0.52, 0.30))
        else:
            top = QRectF(rest.x(), rest.y(), rest.width(), rest.height() * 0.50)
            below = QRectF(rest.x(), top.bottom(), rest.width(), rest.height() * 0.50)
            self.text.draw(painter, top, call.number, top.height(), style.INK)
            self._counter_lines(painter, below, to, call, (0.2, 0.5, 0.3))

    def _counter_lines(
        self,
        painter: QPainter,
        box: QRectF,
        to: str,
        call: HeroCall,
        shares: tuple[float, float, float],
    ) -> None:
        y = box.y()
        for text, share, bold in zip(
            (to, call.counter_label.upper(), call.agency_name),
            shares,
            (False, True, False),
            strict=True,
        ):
            line = QRectF(box.x(), y, box.width(), box.height() * share)
            self.text.draw(painter, line, text, line.height(), style.INK, bold=bold)
            y += line.height()


class LastCallsPanel(Panel):
    """The calls before the one in the big panel, newest first, one line per ticket; a
    ticket called more than once carries a yellow "×3" mark."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.calls: list[CallShown] = []
        self.rows = 5

    def show_calls(self, calls: Sequence[CallShown], rows: int) -> None:
        self.calls, self.rows = list(calls)[:rows], max(1, rows)
        self.update()

    def paint(self, painter: QPainter, box: QRectF) -> None:
        rounded(painter, box, self.radius, style.PANEL)
        title_h = box.height() / (self.rows + 0.9) * 0.75
        pad = title_h * 0.3
        title = QRectF(pad, 0, box.width() - 2 * pad, title_h)
        draw = self.text.draw
        draw(
            painter,
            title,
            tr("last_calls.title", self.language),
            title_h * 0.55,
            style.MUTED,
            align=LEFT,
            bold=False,
        )
        row_h = (box.height() - title_h - pad) / self.rows
        parts = _CallRowParts(box.width(), row_h, pad)
        number_px = common_px(
            [c.number for c in self.calls] + [WIDE_NUMBER],
            parts.number.width(),
            parts.number.height(),
            row_h * 0.8,
        )
        label_px = common_px(
            [c.counter_label for c in self.calls],
            parts.label.width(),
            parts.label.height(),
            row_h * 0.62,
        )
        for i, call in enumerate(self.calls):
            y = title_h + i * row_h + row_h * 0.08
            painter.fillRect(parts.bar.translated(0, y), QColor(call.agency.colour))
            draw(
                painter,
                parts.number.translated(0, y),
                call.number,
                number_px,
                style.INK,
                align=LEFT,
            )
            if call.times > 1:
                after = QFontMetricsF(font(number_px)).horizontalAdvance(call.number)
                mark = parts.mark.translated(0, y)
                mark.moveLeft(parts.number.left() + after + parts.mark_gap)
                self._mark(painter, mark, call.times)
            draw(
                painter,
                parts.label.translated(0, y),
                call.counter_label,
                label_px,
                style.MUTED,
                align=RIGHT,
            )

    def _mark(self, painter: QPainter, box: QRectF, times: int) -> None:
        """The recall mark just after the number: how many times it has been called."""
        text = tr("last_calls.times", self.language, n=times)
        badge_h = box.height() * 0.62
        pad = badge_h * 0.3
        px = fitted(text, box.width() - 2 * pad, badge_h * 0.85, badge_h * 0.8).pixelSize()
        badge_w = QFontMetricsF(font(px)).horizontalAdvance(text) + 2 * pad
        badge = QRectF(box.x(), box.y() + (box.height() - badge_h) / 2, badge_w, badge_h)
        rounded(painter, badge, badge_h * 0.3, style.CALLED)
        self.text.draw(painter, badge.adjusted(pad, 0, -pad, 0), text, px, style.CALLED_INK)


class _CallRowParts:
    """The boxes of one previous-calls line, relative to the line's top: the agency's
    colour bar, the number, the recall mark and the counter."""

    def __init__(self, w: float, row_h: float, pad: float) -> None:
        h = row_h * 0.84
        self.bar = QRectF(pad, 0, row_h * 0.14, h)
        x = pad + row_h * 0.35
        room = w - pad - x
        self.number = QRectF(x, 0, room * 0.46, h)
        self.mark_gap = room * 0.025  # between the number and its mark, and the mark and the label
        self.mark = QRectF(self.number.right() + self.mark_gap, 0, room * 0.13, h)
        label_x = self.mark.right() + self.mark_gap
        self.label = QRectF(label_x, 0, w - pad - label_x, h)


class WaitingPanel(Panel):
    """People waiting per agency (or per service), as chips in the agencies' colours."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows_shown: list[WaitingShown] = []

    def show_waiting(self, rows: Sequence[WaitingShown]) -> None:
        self.rows_shown = list(rows)
        self.update()

    def paint(self, painter: QPainter, box: QRectF) -> None:
        rounded(painter, box, self.radius, style.PANEL)
        if not self.rows_shown:
            return
        pad = max(4.0, min(box.height(), box.width()) * 0.06)
        title_w = box.width() * (0.075 if box.width() > box.height() * 6 else 0.16)
        draw = self.text.draw
        draw(
            painter,
            QRectF(pad, 0, title_w - pad, box.height()),
            tr("waiting.title", self.language),
            box.height() * 0.3,
            style.MUTED,
            align=LEFT,
            bold=False,
        )
        area = QRectF(title_w, pad, box.width() - title_w - pad, box.height() - 2 * pad)
        grid = tile_grid(len(self.rows_shown), int(area.width()), int(area.height()), aspect=2.4)
        gap = pad * 0.8
        chip_w = (area.width() - gap * (grid.columns - 1)) / grid.columns
        chip_h = (area.height() - gap * (grid.rows - 1)) / grid.rows
        inset = min(chip_h, chip_w) * 0.12
        inner_w, inner_h = chip_w - 2 * inset, chip_h - 2 * inset
        one_line = chip_w / chip_h > 3.2
        if one_line:
            name_box = QRectF(0, 0, inner_w * 0.68, inner_h)
            count_box = QRectF(inner_w * 0.68, 0, inner_w * 0.32, inner_h)
        else:
            name_box = QRectF(0, 0, inner_w, inner_h * 0.42)
            count_box = QRectF(0, inner_h * 0.42, inner_w, inner_h * 0.58)
        name_px = common_px(
            [r.name for r in self.rows_shown],
            name_box.width(),
            name_box.height(),
            name_box.height(),
            bold=False,
        )
        count_px = common_px(
            [str(r.waiting) for r in self.rows_shown] + ["888"],
            count_box.width(),
            count_box.height(),
            count_box.height(),
        )
        for i, row in enumerate(self.rows_shown):
            line, col = divmod(i, grid.columns)
            x = area.x() + col * (chip_w + gap)
            y = area.y() + line * (chip_h + gap)
            rounded(painter, QRectF(x, y, chip_w, chip_h), chip_h * 0.16, row.colour)
            draw(
                painter,
                name_box.translated(x + inset, y + inset),
                row.name,
                name_px,
                style.INK,
                align=LEFT,
                bold=False,
            )
            draw(
                painter,
                count_box.translated(x + inset, y + inset),
                str(row.waiting),
                count_px,
                style.INK,
                align=RIGHT if one_line else LEFT,
            )
