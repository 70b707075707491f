"""Small widget helpers the PyQt6 clients share: restyling by name, labels, a centred row,
and a window that really fills its screen."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QGuiApplication, QScreen
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QWidget


def restyle(widget: QWidget, name: str) -> bool:
    """Switch ``widget`` to another stylesheet rule (its object name); Qt applies a rule
    chosen by name only after the style is polished again. True when it changed."""
    if widget.objectName() == name:
        return False
    widget.setObjectName(name)
    style = widget.style()
    if style is not None:
        style.unpolish(widget)
        style.polish(widget)
    return True


def label(text: str = "", name: str = "", *, wrap: bool = False, centred: bool = False) -> QLabel:
    """A label styled by the stylesheet rule ``name`` (its object name)."""
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    if centred:
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return widget


def centred(widget: QWidget) -> QHBoxLayout:
    """A row holding ``widget`` in its middle at its own width."""
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(widget)
    row.addStretch(1)
    return row


def fill_screen(window: QWidget) -> QScreen | None:
    """Show ``window`` full screen, and give it its screen's whole geometry, now and
    whenever the screen changes (rotated, another resolution): ``showFullScreen`` is only
    a request to a window manager, and a kiosk or board PC that starts X with the client
    alone has none, which would leave the window at its size hint in a corner. Returns the
    screen followed (``unfollow_screen`` when the window goes), None when there is none."""
    screen = window.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        window.setGeometry(screen.geometry())
        screen.geometryChanged.connect(window.setGeometry)
    window.showFullScreen()
    return screen


def unfollow_screen(window: QWidget, screen: QScreen | None) -> None:
    """Stop following the screen ``fill_screen`` returned."""
    if screen is not None:
        screen.geometryChanged.disconnect(window.setGeometry)
