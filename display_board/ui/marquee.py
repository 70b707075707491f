"""The running text along the bottom: announcements of the hall, scrolling right to left."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtCore import QElapsedTimer, QRectF, Qt, QTimer
from PyQt6.QtGui import QColor, QFontMetricsF, QPainter, QPaintEvent
from PyQt6.QtWidgets import QWidget

from . import style
from .painting import LINE_HEIGHT, font

SEPARATOR = "      •      "
FRAME_MS = 33  # ~30 frames a second: smooth enough, light on a hall PC


class Marquee(QWidget):
    """The running text along the bottom of the board: the hall's announcements scrolling
    right to left at a speed that reads the same on any screen width."""

    def __init__(self, texts: Sequence[str], speed: float = 120.0, parent: QWidget | None = None):
        super().__init__(parent)
        self.text = SEPARATOR.join(texts)
        self.speed = speed  # pixels per second on a 1920 px wide board
        self.offset = -1.0  # set on the first frame: the text starts at the left edge
        self._clock = QElapsedTimer()
        self._clock.start()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._step)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        if self.text:
            self._timer.start(FRAME_MS)

    def _step(self) -> None:
        seconds = self._clock.restart() / 1000
        if self.offset < 0:
            self.offset = float(self.width())
        self.offset += self.speed * max(0.5, self.width() / 1920) * seconds
        self.update()

    def paintEvent(self, _event: QPaintEvent | None) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(self.rect(), QColor(style.HEADER))
        f = font(self.height() * 0.62 / LINE_HEIGHT, bold=False)
        painter.setFont(f)
        painter.setPen(QColor(style.INK))
        cycle = QFontMetricsF(f).horizontalAdvance(self.text + SEPARATOR)
        if cycle <= 0:
            painter.end()
            return
        offset = self.offset if self.offset >= 0 else self.width()
        x = self.width() - offset % (cycle + self.width())
        # Draw the loop twice so its end is followed by its start without a hole.
        for start in (x, x + cycle):
            if start < self.width():
                box = QRectF(start, 0, cycle, self.height())
                align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                painter.drawText(box, int(align), self.text + SEPARATOR)
        painter.end()
