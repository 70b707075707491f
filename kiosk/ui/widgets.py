"""The kiosk's building blocks: text that fits, buttons that wait for their screen.

``FitLabel`` is for text whose room the layout decides (a tile, a card, the header): its
font shrinks, and it wraps, until the text fits; it never clips and never pushes the
layout. ``TapButton`` is every button a visitor taps: it acts on release inside it (a
QPushButton's click) and swallows a press while its screen is still new (the flow's tap
guard), so the press shows nothing and its release does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PIL import Image
from PyQt6.QtCore import QRect, Qt, pyqtSignal
from PyQt6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QIcon,
    QImage,
    QMouseEvent,
    QPainter,
    QPen,
    QPixmap,
    QResizeEvent,
)
from PyQt6.QtWidgets import (
    QBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.flow import Line
from kiosk.screen_metrics import ScreenMetrics
from kiosk.texts import tr
from kiosk.ui.pictograms import Pictogram
from kiosk.ui.style import BRAND, INK, tile_style
from shared.qt_widgets import label as shared_label
from shared.qt_widgets import restyle as shared_restyle

SMALLEST_PX = 8  # below the readable floor, but still better than clipped text
Accepts = Callable[[], bool]
W = TypeVar("W", bound=QWidget)


def text_fits(font: QFont, text: str, width: int, height: int, wrap: bool) -> bool:
    """Whether ``text`` in ``font`` fits ``width`` x ``height`` (wrapped at words if
    ``wrap``: a word wider than the room does not fit)."""
    metrics = QFontMetrics(font)
    # The same measure QLabel draws by: its text's bounding box, wrapped to the width.
    flags = int(Qt.TextFlag.TextWordWrap.value) if wrap else 0
    box = metrics.boundingRect(QRect(0, 0, width if wrap else 1_000_000, 1_000_000), flags, text)
    return box.width() <= width and box.height() <= height


def fitting_pixel_size(
    font: QFont, text: str, width: int, height: int, wrap: bool, top: int
) -> int:
    """The largest pixel size up to ``top`` at which ``text`` fits (``SMALLEST_PX`` if none)."""
    trial = QFont(font)
    low, high = SMALLEST_PX, max(SMALLEST_PX, top)
    while low < high:
        middle = (low + high + 1) // 2
        trial.setPixelSize(middle)
        if text_fits(trial, text, width, height, wrap):
            low = middle
        else:
            high = middle - 1
    return low


class FitLabel(QLabel):
    """Text in the room its layout gives it, at the largest size up to ``max_px`` that fits."""

    def __init__(
        self,
        text: str,
        name: str,
        max_px: int,
        *,
        wrap: bool = True,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignCenter,
    ) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setWordWrap(wrap)
        self.setAlignment(align)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.max_px = max_px
        # Written lines ("Lansia\n(60 tahun ke atas)") kept whole where that costs at
        # most 15 % of the size, rather than larger type broken mid-phrase.
        self.whole_lines = False
        self.peers: list[FitLabel] = [self]  # labels that show their text at one size
        self.setText(text)

    def setText(self, text: str | None) -> None:
        super().setText(text)
        self.refit()

    def set_height(self, height: int) -> None:
        """A fixed height (the width still comes from the layout)."""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(height)

    def set_max_px(self, max_px: int) -> None:
        self.max_px = max_px
        self.refit()

    def resizeEvent(self, event: QResizeEvent | None) -> None:
        super().resizeEvent(event)
        self.refit()

    @staticmethod
    def same_size(labels: list[FitLabel]) -> None:
        """These labels always use one size, the largest that fits all of them: answers
        of equal weight look it."""
        for each in labels:
            each.peers = labels

    def refit(self) -> None:
        """Choose the font size again (after a resize, a new text, a new style)."""
        sizes = [size for size in (peer.best_size() for peer in self.peers) if size]
        if not sizes:
            return
        for peer in self.peers:
            peer.use_size(min(sizes))

    def best_size(self) -> int | None:
        """The largest pixel size at which this label's text fits its room now."""
        room = self.contentsRect().adjusted(
            self.margin(), self.margin(), -self.margin(), -self.margin()
        )
        text = self.text()
        if not text or room.width() <= 0 or room.height() <= 0:
            return None
        width, height = room.width(), room.height()
        size = fitting_pixel_size(self.font(), text, width, height, self.wordWrap(), self.max_px)
        if self.whole_lines and self.wordWrap():
            whole = fitting_pixel_size(self.font(), text, width, height, False, self.max_px)
            size = whole if whole >= size * 0.85 else size
        return size

    def use_size(self, size: int) -> None:
        if size != self.font().pixelSize():
            font = QFont(self.font())
            font.setPixelSize(size)
            self.setFont(font)


def label(text: str, name: str, *, wrap: bool = True) -> QLabel:
    """A label that takes the room its (wrapped) text needs, sized by the stylesheet:
    the kiosk's text is centred and wraps unless told otherwise."""
    return shared_label(text, name, wrap=wrap, centred=True)


def inner(widget: W) -> W:
    """A widget inside a button: the tap goes through to the button."""
    widget.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
    return widget


def restyle(widget: QWidget, name: str) -> None:
    """Another stylesheet rule for ``widget`` (by object name)."""
    if shared_restyle(widget, name) and isinstance(widget, FitLabel):
        widget.refit()  # bold text is wider


def clear(layout: QLayout) -> None:
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
            clear(item.layout())  # type: ignore[arg-type]


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


class TapButton(QPushButton):
    """A button a visitor taps: acts on release inside it; a press before its screen has
    been shown for the guard time is swallowed (no pressed look, so no click)."""

    def __init__(self, accepts: Accepts, text: str = "", name: str = "") -> None:
        super().__init__(text)
        self.accepts = accepts
        if name:
            self.setObjectName(name)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # A kiosk has no keyboard: no focus frame, and Enter cannot press a button.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def mousePressEvent(self, event: QMouseEvent | None) -> None:
        if self.accepts():
            super().mousePressEvent(event)
        elif event is not None:
            event.accept()  # the tap that opened this screen, bouncing: nothing happens

    def mouseDoubleClickEvent(self, event: QMouseEvent | None) -> None:
        # A quick second tap arrives as a double click: it is one more press.
        self.mousePressEvent(event)


def tap_button(accepts: Accepts, text: str, name: str, on_click: Callable[[], None]) -> TapButton:
    button = TapButton(accepts, text, name)
    button.clicked.connect(lambda _checked=False: on_click())
    return button


class Corner(QLabel):
    """The hidden exit corner: shows the logo, counts taps (on release inside it)."""

    tapped = pyqtSignal()

    def mousePressEvent(self, event: QMouseEvent | None) -> None:
        if event is not None:
            event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent | None) -> None:
        if event is not None and self.rect().contains(event.position().toPoint()):
            self.tapped.emit()


class Tile(TapButton):
    """An agency: its colour, short name (wrapped or smaller when long), people waiting."""

    def __init__(self, accepts: Accepts, name: str, colour: str, metrics: ScreenMetrics) -> None:
        super().__init__(accepts, name="tile")
        self.setAccessibleName(name)
        self.colour = colour
        self.name = inner(FitLabel(name, "tileName", metrics.font(30)))
        self.count = inner(FitLabel("", "tileCount", metrics.font(23), wrap=False))
        self.name.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom)
        self.count.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        pad = metrics.px(10)
        column.setContentsMargins(pad, pad, pad, pad)
        column.setSpacing(metrics.px(4))
        column.addWidget(self.name, 3)
        column.addWidget(self.count, 2)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(metrics.touch, metrics.touch)
        self._closed: bool | None = None

    def show_count(self, text: str, closed: bool) -> None:
        self.count.setText(text)
        if closed != self._closed:
            self._closed = closed
            self.setStyleSheet(tile_style(self.colour, closed))


class ServiceButton(TapButton):
    """A service: its name and how long the line is (or why it takes no tickets)."""

    def __init__(self, accepts: Accepts, name: str, metrics: ScreenMetrics) -> None:
        super().__init__(accepts, name="service")
        self.setAccessibleName(name)
        left = Qt.AlignmentFlag.AlignLeft
        self.name = FitLabel(name, "serviceName", metrics.font(30), align=left)
        self.detail = FitLabel("", "serviceDetail", metrics.font(25), align=left)
        self.name.setAlignment(left | Qt.AlignmentFlag.AlignBottom)
        self.detail.setAlignment(left | Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.setContentsMargins(metrics.px(28), metrics.px(12), metrics.px(28), metrics.px(12))
        column.setSpacing(metrics.px(6))
        column.addWidget(inner(self.name), 3)
        column.addWidget(inner(self.detail), 2)
        self.setMinimumHeight(metrics.target(100))
        self.setMinimumWidth(metrics.touch)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_line(self, line: Line, language: str, opens: str = "") -> None:
        """``opens``: when a closed line opens next ("Buka Senin 07.30"), if known."""
        if not line.staffed:
            text, name = tr("services.unstaffed", language), "serviceClosed"
        elif not line.open:
            text, name = opens or tr("services.closed", language), "serviceClosed"
        elif line.full:
            text, name = tr("services.full", language), "serviceClosed"
        elif line.waiting == 0:
            text, name = tr("services.nobody", language), "serviceDetail"
        else:
            text = tr("services.waiting", language, n=line.waiting, m=line.estimated_wait_minutes)
            name = "serviceDetail"
        self.detail.setText(text)
        restyle(self.detail, name)
        self.setEnabled(line.selectable)


class AnswerButton(TapButton):
    """One answer to "Apakah Anda termasuk prioritas?": a pictogram and its words. All
    five answers are this same card, so none looks like the expected one."""

    def __init__(
        self, accepts: Accepts, kind: str, text: str, metrics: ScreenMetrics, *, across: bool
    ) -> None:
        super().__init__(accepts, name="answer")
        self.kind = kind
        self.setAccessibleName(text)
        self.picture = Pictogram(kind, INK)
        # "Lansia (60 tahun ke atas)": the group on its line, the bracket under it.
        self.words = FitLabel(text.replace(" (", "\n("), "answerText", metrics.font(34))
        self.words.whole_lines = True
        direction = QBoxLayout.Direction.LeftToRight if across else QBoxLayout.Direction.TopToBottom
        box = QBoxLayout(direction, self)
        pad = metrics.px(12)
        box.setContentsMargins(pad, pad, pad, pad)
        box.setSpacing(metrics.px(12))
        box.addWidget(inner(self.picture), 2 if across else 4)
        box.addWidget(inner(self.words), 5 if across else 3)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(metrics.touch, metrics.touch)
