"""Text that always fits its box: the largest size up to a limit, never clipped.

A board has no scroll bars and nobody to resize it. Every piece of text is drawn at the
largest pixel size that fits both the height and the width of its box; only below a
floor is it elided (and counted, so tests can assert that nothing was).
"""

from __future__ import annotations

from PyQt6.QtCore import QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from .style import FAMILY

LINE_HEIGHT = 1.18  # DejaVu's line height per pixel of font size
MIN_PX = 9
# A wide number to size against: the size then stays when a wider number comes up.
WIDE_NUMBER = "MM-888"


def font(px: float, *, bold: bool = True, family: str = FAMILY) -> QFont:
    f = QFont(family)
    f.setPixelSize(max(1, int(px)))
    f.setWeight(QFont.Weight.Bold if bold else QFont.Weight.Normal)
    return f


def fitted(
    text: str,
    width: float,
    height: float,
    max_px: float,
    *,
    bold: bool = True,
    family: str = FAMILY,
) -> QFont:
    """The font at the largest size <= ``max_px`` at which ``text`` fits ``width`` x ``height``."""
    px = max(MIN_PX, min(max_px, height / LINE_HEIGHT))
    f = font(px, bold=bold, family=family)
    advance = QFontMetricsF(f).horizontalAdvance(text)
    while advance > width and px > MIN_PX:
        px = max(MIN_PX, min(px - 1, px * width / advance))
        f = font(px, bold=bold, family=family)
        advance = QFontMetricsF(f).horizontalAdvance(text)
    return f


class TextPainter:
    """Draws fitted text and remembers what did not fit even at the smallest size."""

    def __init__(self) -> None:
        self.overflow: list[str] = []

    def reset(self) -> None:
        self.overflow.clear()

    def draw(
        self,
        painter: QPainter,
        rect: QRectF,
        text: str,
        max_px: float,
        colour: str | QColor,
        *,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
        bold: bool = True,
        family: str = FAMILY,
    ) -> float:
        """Draw ``text`` in ``rect``; returns the pixel size used."""
        if not text or rect.width() <= 0 or rect.height() <= 0:
            return 0.0
        f = fitted(text, rect.width(), rect.height(), max_px, bold=bold, family=family)
        metrics = QFontMetricsF(f)
        shown = text
        if metrics.horizontalAdvance(text) > rect.width() + 0.5:
            self.overflow.append(text)
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
        painter.setFont(f)
        painter.setPen(QColor(colour))
        painter.drawText(rect, int(align | Qt.AlignmentFlag.AlignVCenter), shown)
        return float(f.pixelSize())


def common_px(
    texts: list[str],
    width: float,
    height: float,
    max_px: float,
    *,
    bold: bool = True,
    family: str = FAMILY,
) -> float:
    """One size at which every one of ``texts`` fits: neighbouring tiles then look alike
    and a size does not jump when one number gets wider."""
    sizes = [
        fitted(t, width, height, max_px, bold=bold, family=family).pixelSize() for t in texts if t
    ]
    return float(min(sizes)) if sizes else max_px
