"""The compact mode: a narrow always-on-top strip for officers whose screen belongs to
their agency's own application: the current number, Next, Recall, Finish, and the way
back to the full view."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QCloseEvent
from PyQt6.QtWidgets import QHBoxLayout, QLayout, QPushButton, QVBoxLayout, QWidget

from counter_client.actions import COMPACT_BUTTONS, COMPACT_SHORTCUT, SHORTCUTS, Action
from counter_client.session import CounterSession
from counter_client.texts import tr
from counter_client.ui.style import STYLESHEET
from counter_client.ui.widgets import ActionButton, label, restyle


class CompactStrip(QWidget):
    def __init__(
        self,
        session: CounterSession,
        press: Callable[[Action], None],
        expand: Callable[[], None],
    ) -> None:
        super().__init__(None, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.session = session
        self._expand = expand
        self._leaving = False
        self.setObjectName("strip")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(STYLESHEET)
        row = QHBoxLayout(self)
        # Exactly as large as its content: narrow, and never clipping a name in any language.
        row.setSizeConstraint(QLayout.SizeConstraint.SetFixedSize)
        row.setContentsMargins(12, 8, 10, 8)
        row.setSpacing(8)
        texts = QVBoxLayout()
        texts.setSpacing(0)
        self.number = label("", "stripNumber")
        self.number.setMinimumWidth(150)
        self.detail = label("", "stripDetail")
        texts.addWidget(self.number)
        texts.addWidget(self.detail)
        row.addLayout(texts, 1)
        self.status = label("", "online")
        row.addWidget(self.status, 0, Qt.AlignmentFlag.AlignVCenter)
        self.buttons: dict[Action, ActionButton] = {}
        for action in COMPACT_BUTTONS:
            button = ActionButton(
                SHORTCUTS[action],
                partial(press, action),
                primary=action is Action.NEXT,
                height=52,
            )
            self.buttons[action] = button
            row.addWidget(button)
        self.expand = QPushButton()
        self.expand.setObjectName("secondary")
        self.expand.setCursor(Qt.CursorShape.PointingHandCursor)
        self.expand.setMinimumHeight(52)
        self.expand.clicked.connect(lambda _c=False: expand())
        row.addWidget(self.expand)

    def refresh(self) -> None:
        session, lang = self.session, self.session.language
        ticket = session.ticket
        self.setWindowTitle(f"{session.counter_label()} — {tr('app.title', lang)}")
        self.number.setText(str(ticket["number"]) if ticket else tr("ticket.none", lang))
        restyle(self.number, "stripNumber" if ticket else "stripDetail")
        waiting = len(session.waiting())
        state = priority = ""
        if ticket is not None:
            state = (
                tr("ticket.serving", lang)
                if ticket.get("state") == "serving"
                else tr("ticket.called", lang, n=ticket.get("call_count") or 1)
            )
            if ticket.get("priority") not in (None, "none"):
                priority = tr(f"priority.{ticket['priority']}", lang)
        summary = tr("list.count", lang, n=waiting)
        parts = (session.counter_label(), state, priority, summary)
        self.detail.setText(" · ".join(part for part in parts if part))
        self.status.setText(tr("status.offline_short", lang))
        self.status.setVisible(not session.online)
        restyle(self.status, "online" if session.online else "offline")
        allowed = session.allowed() if session.online else frozenset()
        for action, button in self.buttons.items():
            button.show_state(tr(f"action.{action.value}", lang), action in allowed)
        self.expand.setText(f"{tr('compact.expand', lang)}  ({COMPACT_SHORTCUT})")
        self.expand.setToolTip(tr("compact.expand", lang))

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
