"""The booked visitor's check-in at the desk: the code typed (or scanned with a USB
scanner, which types it and presses Enter) into one field."""

from __future__ import annotations

from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QPushButton

from counter_client.shift import CounterShift
from counter_client.texts import tr

# A scanned status link is longer than a code; shared.booking_code.read_code takes either.
MAX_TYPED = 300


class CheckInField(QFrame):
    """A code field and its button; the shift says how it went in the message line."""

    def __init__(self, shift: CounterShift) -> None:
        super().__init__()
        self.shift = shift
        self.setObjectName("card")
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 8, 12, 8)
        row.setSpacing(8)
        self.code = QLineEdit()
        self.code.setObjectName("bookingCode")
        self.code.setMaxLength(MAX_TYPED)
        self.code.returnPressed.connect(self.submit)
        self.button = QPushButton()
        self.button.setObjectName("action")
        self.button.clicked.connect(self.submit)
        row.addWidget(self.code, 1)
        row.addWidget(self.button)

    def submit(self) -> None:
        if self.shift.check_in(self.code.text()):
            self.code.clear()

    def refresh(self) -> None:
        lang = self.shift.language
        self.code.setPlaceholderText(tr("check_in.field", lang))
        self.button.setText(tr("check_in.button", lang))
        self.button.setEnabled(self.shift.online)
