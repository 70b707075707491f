"""Small building blocks of the counter window: labelled action buttons and cards."""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import QSize, Qt
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from shared.qt_widgets import label, restyle


def card(title: str = "") -> tuple[QFrame, QVBoxLayout, QLabel]:
    """A white panel with a small caption; returns the frame, its layout and the caption."""
    frame = QFrame()
    frame.setObjectName("card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 12, 16, 14)
    layout.setSpacing(8)
    caption = label(title, "cardTitle")
    layout.addWidget(caption)
    return frame, layout, caption


class ActionButton(QPushButton):
    """A button showing its action's name and, beside it, the key that does the same."""

    def __init__(
        self,
        key: str,
        on_click: Callable[[], None],
        *,
        primary: bool = False,
        height: int = 56,
        small: bool = False,
    ) -> None:
        super().__init__()
        self.primary = primary
        self.height_hint = height
        self.setObjectName("primaryAction" if primary else "action")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the shortcuts, not a button
        row = self._row = QHBoxLayout(self)
        row.setContentsMargins(*((10, 4, 8, 4) if small else (14, 6, 12, 6)))
        row.setSpacing(6 if small else 10)
        self.name = label("", "actionName")
        self.key = label(key, "keyBadge")
        # The compact strip's smaller type (the stylesheet's [small="true"] rules).
        for part in (self.name, self.key):
            part.setProperty("small", small)
        for part in (self.name, self.key):
            part.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        row.addWidget(self.name, 1)
        row.addWidget(self.key, 0, Qt.AlignmentFlag.AlignVCenter)
        self.clicked.connect(lambda _checked=False: on_click())

    def sizeHint(self) -> QSize:
        """As wide as its name and key need (QPushButton alone ignores its inner layout)."""
        return self._fit(self._row.sizeHint())

    def minimumSizeHint(self) -> QSize:
        return self._fit(self._row.minimumSize())

    def _fit(self, inner: QSize) -> QSize:
        return QSize(inner.width(), max(inner.height(), self.height_hint))

    def show_state(self, name: str, enabled: bool) -> None:
        self.name.setText(name)
        self.setAccessibleName(name)
        self.setToolTip(f"{name} ({self.key.text()})")
        self.setEnabled(enabled)
        self.updateGeometry()  # the name's width may have changed (language)
        suffix = "Primary" if self.primary and enabled else ("" if enabled else "Off")
        restyle(self.name, f"actionName{suffix}")
        restyle(self.key, f"keyBadge{suffix}")
