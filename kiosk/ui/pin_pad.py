"""The admin PIN pad laid over the kiosk after the hidden exit gesture."""

from __future__ import annotations

from PyQt6.QtCore import Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.exit_gesture import PinEntry
from kiosk.screen_metrics import ScreenMetrics
from kiosk.texts import tr

IDLE_MS = 30_000  # a pad left open by someone who walked away closes by itself


class PinPad(QWidget):
    """Covers its parent; ``accepted`` when the configured PIN is entered."""

    accepted = pyqtSignal()

    def __init__(self, entry: PinEntry, parent: QWidget) -> None:
        super().__init__(parent)
        self.entry = entry
        self.language = "id"
        self.setObjectName("pinOverlay")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(IDLE_MS)
        self._idle.timeout.connect(self.close_pad)
        outer = QVBoxLayout(self)
        outer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.panel = QWidget()
        self.panel.setObjectName("pinPanel")
        outer.addWidget(self.panel, 0, Qt.AlignmentFlag.AlignCenter)
        column = QVBoxLayout(self.panel)
        self.title = QLabel()
        self.title.setObjectName("pinTitle")
        self.digits = QLabel()
        self.digits.setObjectName("pinDigits")
        self.message = QLabel()
        self.message.setObjectName("pinMessage")
        for label in (self.title, self.digits, self.message):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(label)
        self.grid = QGridLayout()
        grid = self.grid
        self.keys: dict[str, QPushButton] = {}
        for index, key in enumerate("123456789"):
            grid.addWidget(
                self._key(key, lambda _=False, k=key: self._press(k)), index // 3, index % 3
            )
        grid.addWidget(self._key("erase", self._erase), 3, 0)
        grid.addWidget(self._key("0", lambda: self._press("0")), 3, 1)
        grid.addWidget(self._key("ok", self._submit), 3, 2)
        column.addLayout(grid)
        self.cancel = QPushButton()
        self.cancel.setObjectName("pinCancel")
        self.cancel.clicked.connect(self.close_pad)
        column.addWidget(self.cancel)
        self.apply_metrics(ScreenMetrics(1920, 1080))
        self.hide()

    def apply_metrics(self, m: ScreenMetrics) -> None:
        """Sizes for the screen: every key at least 15 mm, the pad inside the screen."""
        key_w, key_h = m.target(140), m.target(92)
        self.panel.setFixedWidth(3 * key_w + 2 * m.px(12) + 2 * m.px(40))
        column = self.panel.layout()
        assert column is not None
        column.setContentsMargins(m.px(40), m.px(28), m.px(40), m.px(28))
        column.setSpacing(m.px(14))
        self.grid.setSpacing(m.px(12))
        for key in self.keys.values():
            key.setMinimumSize(key_w, key_h)
        self.cancel.setMinimumSize(m.touch, m.target(76))

    def _key(self, key: str, on_click: object) -> QPushButton:
        button = QPushButton(key if key.isdigit() else "")
        button.setObjectName("pinKey" if key.isdigit() else "pinWord")
        button.clicked.connect(on_click)  # type: ignore[arg-type]
        self.keys[key] = button
        return button

    def open_pad(self, language: str) -> None:
        self.language = language
        self.entry.clear()
        self.message.setText("")
        self._refresh()
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())
        self.show()
        self.raise_()
        self._idle.start()

    def close_pad(self) -> None:
        self.entry.clear()
        self._idle.stop()
        self.hide()

    def _refresh(self) -> None:
        lang = self.language
        self.title.setText(f"{tr('pin.title', lang)}\n{tr('pin.prompt', lang)}")
        self.digits.setText(self.entry.masked or " ")
        self.keys["erase"].setText(tr("pin.erase", lang))
        self.keys["ok"].setText(tr("pin.ok", lang))
        self.cancel.setText(tr("pin.cancel", lang))

    def _press(self, digit: str) -> None:
        self._idle.start()
        self.message.setText("")
        self.entry.press(digit)
        self._refresh()

    def _erase(self) -> None:
        self._idle.start()
        self.entry.erase()
        self._refresh()

    def _submit(self) -> None:
        self._idle.start()
        if self.entry.submit():
            self.close_pad()
            self.accepted.emit()
            return
        self.message.setText(tr("pin.wrong", self.language))
        self._refresh()
