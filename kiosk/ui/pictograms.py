"""The priority groups' pictograms (and the regular line's), drawn here with QPainter.

Halls sign their priority lines with figures in the style of the international
accessibility pictograms: a standing person, an elderly person with a cane, a wheelchair
user, a pregnant woman, an adult holding a small child's hand. These are our own
drawings in that style (bold limbs with round ends, a solid head, one colour), on a
100 x 100 grid, so they stay sharp at any size and on a 200 % screen.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPaintEvent, QPen
from PyQt6.QtWidgets import QSizePolicy, QWidget

LIMB = 10.0  # stroke width of arms and legs on the 100-unit grid
Points = list[tuple[float, float]]


def _stroke(painter: QPainter, points: Points, width: float = LIMB) -> None:
    pen = painter.pen()
    pen.setWidthF(width)
    painter.setPen(pen)
    path = QPainterPath(QPointF(*points[0]))
    for point in points[1:]:
        path.lineTo(QPointF(*point))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)


def _head(painter: QPainter, x: float, y: float, radius: float) -> None:
    painter.setBrush(painter.pen().color())
    painter.drawEllipse(QPointF(x, y), radius - 1, radius - 1)


def _fill(painter: QPainter, path: QPainterPath) -> None:
    painter.setBrush(painter.pen().color())
    pen = painter.pen()
    pen.setWidthF(2.0)
    painter.setPen(pen)
    painter.drawPath(path)


def _person(painter: QPainter) -> None:
    """The regular line: a person standing."""
    _head(painter, 50, 13, 9.5)
    torso = QPainterPath()
    torso.addRoundedRect(QRectF(38, 26, 24, 34), 7, 7)
    _fill(painter, torso)
    _stroke(painter, [(40, 31), (31, 57)])
    _stroke(painter, [(60, 31), (69, 57)])
    _stroke(painter, [(44.5, 58), (44.5, 93)])
    _stroke(painter, [(55.5, 58), (55.5, 93)])


def _elderly(painter: QPainter) -> None:
    """Lansia: a bent person walking with a cane."""
    _head(painter, 55, 14, 9.5)
    _stroke(painter, [(50, 28), (42, 58)], 15)  # the back, leaning forward
    _stroke(painter, [(50, 32), (60, 46), (68, 50)])  # the arm to the cane
    _stroke(painter, [(70, 48), (74, 93)], 6)  # the cane
    _stroke(painter, [(64, 49), (70, 46)], 6)  # its handle
    _stroke(painter, [(43, 58), (52, 75), (54, 93)])
    _stroke(painter, [(41, 58), (36, 76), (30, 92)])


def _wheelchair(painter: QPainter) -> None:
    """Penyandang disabilitas: a person in a wheelchair."""
    _head(painter, 40, 12, 9.5)
    _stroke(painter, [(38, 26), (40, 54)], 13)  # the back
    _stroke(painter, [(40, 34), (56, 42)])  # the arm, forward
    _stroke(painter, [(40, 54), (62, 54), (68, 76), (78, 76)])  # thigh, shin, foot
    pen = painter.pen()
    pen.setWidthF(7.0)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    # The wheel, open where the leg comes out of it.
    painter.drawArc(QRectF(18, 50, 44, 44), 70 * 16, 270 * 16)


def _pregnant(painter: QPainter) -> None:
    """Ibu hamil: a woman in a dress seen from the side, her belly round."""
    _head(painter, 47, 13, 9.5)
    body = QPainterPath(QPointF(41, 26))
    body.lineTo(QPointF(53, 26))
    body.cubicTo(QPointF(57, 29), QPointF(58, 35), QPointF(57, 38))
    body.cubicTo(QPointF(73, 42), QPointF(75, 62), QPointF(60, 66))
    body.lineTo(QPointF(63, 74))
    body.lineTo(QPointF(35, 74))
    body.cubicTo(QPointF(37, 58), QPointF(37, 40), QPointF(41, 26))
    body.closeSubpath()
    _fill(painter, body)
    _stroke(painter, [(40, 32), (33, 55)])  # the arm, on her back side
    _stroke(painter, [(44, 72), (44, 93)])
    _stroke(painter, [(54, 72), (54, 93)])


def _child(painter: QPainter) -> None:
    """Membawa anak balita: an adult holding a small child's hand."""
    _head(painter, 32, 13, 9.5)
    torso = QPainterPath()
    torso.addRoundedRect(QRectF(20, 26, 24, 34), 7, 7)
    _fill(painter, torso)
    _stroke(painter, [(22, 31), (14, 57)])
    _stroke(painter, [(42, 31), (52, 52), (62, 61)])  # down to the child's hand
    _stroke(painter, [(26.5, 58), (26.5, 93)])
    _stroke(painter, [(37.5, 58), (37.5, 93)])
    _head(painter, 76, 48, 7.5)
    small = QPainterPath()
    small.addRoundedRect(QRectF(67, 61, 18, 20), 5, 5)
    _fill(painter, small)
    _stroke(painter, [(69, 65), (62, 61)], 8)  # the child's arm up to the adult's hand
    _stroke(painter, [(72, 79), (72, 93)], 8)
    _stroke(painter, [(80, 79), (80, 93)], 8)


DRAWINGS: dict[str, Callable[[QPainter], None]] = {
    "none": _person,
    "elderly": _elderly,
    "disabled": _wheelchair,
    "pregnant": _pregnant,
    "child": _child,
}


def draw_pictogram(painter: QPainter, kind: str, rect: QRectF, colour: QColor) -> None:
    """``kind`` ("none" or a priority) in the largest square centred in ``rect``."""
    side = min(rect.width(), rect.height())
    if side <= 0:
        return
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.translate(rect.center().x() - side / 2, rect.center().y() - side / 2)
    painter.scale(side / 100, side / 100)
    pen = QPen(colour)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(QBrush(colour))
    DRAWINGS[kind](painter)
    painter.restore()


class Pictogram(QWidget):
    """One pictogram, as large as its room allows; taps go through to the button under it."""

    def __init__(self, kind: str, colour: str, background: str | None = None) -> None:
        super().__init__()
        if kind not in DRAWINGS:
            raise ValueError(f"no pictogram for {kind!r}")
        self.kind = kind
        self.colour = QColor(colour)
        self.background = QColor(background) if background else None
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)

    def paintEvent(self, _event: QPaintEvent | None) -> None:
        painter = QPainter(self)
        rect = QRectF(self.rect())
        if self.background is not None:  # a badge: the figure on a rounded square
            side = min(rect.width(), rect.height())
            badge = QRectF(0, 0, side, side)
            badge.moveCenter(rect.center())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(self.background)
            painter.drawRoundedRect(badge, side * 0.18, side * 0.18)
            rect = badge.adjusted(side * 0.1, side * 0.1, -side * 0.1, -side * 0.1)
        draw_pictogram(painter, self.kind, rect, self.colour)
        painter.end()
