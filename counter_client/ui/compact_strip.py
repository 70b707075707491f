"""The compact mode: a narrow always-on-top strip for officers whose screen belongs to
their agency's own application: the current number, Next, Recall, Finish, and the way
back to the full view.

Every key of the full view works here too (the window gives the strip its shortcuts);
what a key cannot do here is said on the strip's own message line, because the full
window, and its banner, is hidden meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QCloseEvent
from PyQt6.QtWidgets import QHBoxLayout, QLayout, QPushButton, QVBoxLayout, QWidget

from counter_client.actions import COMPACT_BUTTONS, COMPACT_SHORTCUT, SHORTCUTS, Action
from counter_client.shift import CounterShift, Message
from counter_client.texts import tr
from counter_client.ui.style import STYLESHEET
from counter_client.ui.widgets import ActionButton
from shared.qt_widgets import label, restyle

BUTTON_HEIGHT = 46


class CompactStrip(QWidget):
    """The narrow always-on-top strip the window folds into in compact mode, for a screen
    shared with the agency's own application."""

    def __init__(
        self,
        shift: CounterShift,
        press: Callable[[Action], None],
        expand: Callable[[], None],
    ) -> None:
        super().__init__(None, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.shift = shift
        self._expand = expand
        self._leaving = False
        self.setObjectName("strip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLESHEET)
        column = QVBoxLayout(self)
        # Exactly as large as its content: narrow, and never clipping a name in any language.
        column.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        column.setContentsMargins(10, 6, 8, 6)
        column.setSpacing(4)
        row = self.row = QHBoxLayout()
        row.setSpacing(6)
        texts = QVBoxLayout()
        texts.setSpacing(0)
        self.number = label("", "stripNumber")
        # Two short lines under the number (state and priority; how many wait) keep the
        # strip narrow where one long line would widen it.
        self.detail = label("", "stripDetail")
        self.waiting = label("", "stripDetail")
        for part in (self.number, self.detail, self.waiting):
            texts.addWidget(part)
        row.addLayout(texts, 1)
        self.status = label("", "online")
        row.addWidget(self.status, 0, Qt.AlignmentFlag.AlignVCenter)
        self.buttons: dict[Action, ActionButton] = {}
        for action in COMPACT_BUTTONS:
            button = ActionButton(
                SHORTCUTS[action],
                partial(press, action),
                primary=action is Action.NEXT,
                height=BUTTON_HEIGHT,
                small=True,
            )
            self.buttons[action] = button
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.expand = QPushButton()
        self.expand.setObjectName("stripExpand")
        self.expand.setCursor(Qt.CursorShape.PointingHandCursor)
        self.expand.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.expand.setFixedHeight(BUTTON_HEIGHT)
        self.expand.clicked.connect(lambda _c=False: expand())
        row.addWidget(self.expand, 0, Qt.AlignmentFlag.AlignVCenter)
        column.addLayout(row)
        self.message = label("", "stripInfo", wrap=True)
        self.message.hide()
        column.addWidget(self.message)

    def refresh(self) -> None:
        shift, lang = self.shift, self.shift.language
        ticket = shift.ticket
        self.setWindowTitle(f"{shift.counter_label()} — {tr('app.title', lang)}")
        self.number.setText(str(ticket["number"]) if ticket else tr("compact.none", lang))
        restyle(self.number, "stripNumber" if ticket else "stripDetail")
        parts = [shift.counter_label()]
        if ticket is not None:
            called = tr("ticket.called", lang, n=ticket.get("call_count") or 1)
            parts = [tr("ticket.serving", lang) if ticket.get("state") == "serving" else called]
            if ticket.get("priority") not in (None, "none"):
                parts.append(tr(f"priority.{ticket['priority']}", lang))
        self.detail.setText(" · ".join(parts))
        self.waiting.setText(tr("list.count", lang, n=len(shift.waiting())))
        self.status.setText(tr("status.offline_short", lang))
        self.status.setVisible(not shift.online)
        restyle(self.status, "online" if shift.online else "offline")
        allowed = shift.allowed() if shift.online else frozenset()
        for action, button in self.buttons.items():
            button.show_state(tr(f"action.{action.value}", lang), action in allowed)
        self.expand.setText(tr("compact.expand_short", lang))
        self.expand.setToolTip(f"{tr('compact.expand', lang)} ({COMPACT_SHORTCUT})")

    def show_message(self, message: Message | None) -> None:
        """The shift's latest message (the window decides how long it stays fresh),
        wrapped to the strip's width so a long refusal never widens the strip."""
        if message is None:
            self.message.hide()
            return
        restyle(self.message, "stripError" if message.error else "stripInfo")
        self.message.setText(message.text)
        width = self.row.sizeHint().width()
        self.message.setFixedWidth(width)
        self.message.setFixedHeight(self.message.heightForWidth(width))
        self.message.show()

    def close_for_good(self) -> None:
        """The application ends: the strip goes with it."""
        self._leaving = True
        self.close()

    def closeEvent(self, event: QCloseEvent | None) -> None:
        """Closing the strip brings the full view back; it never hides the counter."""
        if self._leaving:
            super().closeEvent(event)
            return
        if event is not None:
            event.ignore()
        self._expand()
