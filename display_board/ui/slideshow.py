"""Pictures from a folder the hall fills (service information, notices), one at a time.

The folder is read again at every change, so staff add or remove pictures without
restarting the board; a picture that cannot be read is skipped.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PyQt6.QtCore import QRectF, Qt, QTimer
from PyQt6.QtGui import QColor, QImage, QPainter, QPainterPath, QPaintEvent
from PyQt6.QtWidgets import QWidget

from . import style

log = logging.getLogger("antre.display")

PICTURES = (".png", ".jpg", ".jpeg", ".webp", ".bmp")


def pictures_in(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.suffix.lower() in PICTURES)
    except OSError as exc:
        log.warning("cannot read the slideshow folder %s: %s", folder, exc)
        return []


class Slideshow(QWidget):
    """The board's picture panel: the hall's pictures in turn, the folder read again at
    every change."""

    def __init__(self, folder: Path, seconds: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.index = -1
        self.image = QImage()
        self.shown: Path | None = None
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.advance)
        self._timer.start(int(seconds * 1000))
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.advance()

    def advance(self) -> None:
        pictures = pictures_in(self.folder)
        for _ in range(len(pictures)):
            self.index = (self.index + 1) % len(pictures)
            image = QImage(str(pictures[self.index]))
            if not image.isNull():
                self.image, self.shown = image, pictures[self.index]
                break
            log.warning("skipping unreadable picture %s", pictures[self.index])
        else:
            self.image, self.shown = QImage(), None
        self.update()

    def paintEvent(self, _event: QPaintEvent | None) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor(style.BACKGROUND))
        box = QRectF(self.rect())
        radius = max(4.0, min(box.width(), box.height()) * 0.04)
        clip = QPainterPath()
        clip.addRoundedRect(box, radius, radius)
        painter.fillPath(clip, QColor(style.PANEL))
        if not self.image.isNull():
            painter.setClipPath(clip)
            size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
            x = (self.width() - size.width()) / 2
            y = (self.height() - size.height()) / 2
            painter.drawImage(QRectF(x, y, size.width(), size.height()), self.image)
        painter.end()
