"""Asking before a no-show: it ends the visitor's turn, and the server has no undo (a
returning visitor goes back in line a few places down, not to the counter).

Enter confirms, Esc cancels; the officer may stop the question until they log out, or
for good with ``confirm_no_show = false`` in the configuration.
"""

from __future__ import annotations

from PyQt6.QtWidgets import QCheckBox, QDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from counter_client.shift import CounterShift
from counter_client.texts import tr
from counter_client.ui.style import STYLESHEET
from shared.qt_widgets import label


class NoShowDialog(QDialog):
    """About the ticket at the counter when it opened (``ticket_id``)."""

    def __init__(self, shift: CounterShift, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(STYLESHEET)
        lang = shift.language
        ticket = shift.ticket
        self.ticket_id: int | None = ticket.get("id") if ticket else None
        number = ticket.get("number", "") if ticket else ""
        self.setWindowTitle(tr("noshow.confirm_title", lang, number=number))
        self.setFixedWidth(480)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(22, 18, 22, 18)
        layout.setSpacing(12)
        layout.addWidget(label(tr("noshow.confirm_title", lang, number=number), "pageTitle"))
        calls = int((ticket.get("call_count") if ticket else None) or 0)
        layout.addWidget(
            label(tr("noshow.confirm_text", lang, number=number, n=calls), "dialogText", wrap=True)
        )
        self.dont_ask = QCheckBox(tr("noshow.dont_ask", lang))
        layout.addWidget(self.dont_ask)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel = QPushButton(tr("noshow.cancel", lang))
        self.cancel.setObjectName("secondary")
        self.confirm = QPushButton(tr("noshow.confirm", lang))
        self.confirm.setObjectName("danger")
        self.confirm.setDefault(True)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.confirm)
        layout.addLayout(buttons)
        self.cancel.clicked.connect(self.reject)
        self.confirm.clicked.connect(self.accept)
