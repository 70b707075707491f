"""Where to send the visitor: another service of any agency, or one counter; front or back."""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from counter_client.session import CounterSession
from counter_client.texts import tr
from counter_client.ui.widgets import label


class TransferDialog(QDialog):
    """``choice()`` gives the transfer body: ``service_id`` or ``counter_id``, ``position``."""

    def __init__(self, session: CounterSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        lang = session.language
        ticket = session.ticket or {}
        self.ticket_id: int | None = ticket.get("id")
        self.setWindowTitle(tr("transfer.title", lang, number=ticket.get("number", "")))
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 18)
        layout.setSpacing(10)
        layout.addWidget(
            label(tr("transfer.title", lang, number=ticket.get("number", "")), "pageTitle")
        )

        self.to_service = QRadioButton(tr("transfer.to_service", lang))
        self.services = QComboBox()
        current_service = (ticket.get("service") or {}).get("id")
        for service in session.hall.transfer_services():
            agency = session.hall.agency_name(service.get("agency_id"))
            self.services.addItem(f"{agency} — {service.get('name', '')}", int(service["id"]))
        for index in range(self.services.count()):
            if self.services.itemData(index) != current_service:
                self.services.setCurrentIndex(index)
                break

        self.to_counter = QRadioButton(tr("transfer.to_counter", lang))
        self.counters = QComboBox()
        own = (session.counter or {}).get("id")
        for counter in session.hall.counters.values():
            live = {**counter, **session.live_counters.get(int(counter["id"]), {})}
            if live["id"] == own or live.get("state") == "closed":
                continue  # a closed counter would never call the visitor
            agency = session.hall.agency_name(live.get("agency_id"))
            state = tr(f"counter.{live.get('state', 'open')}", lang)
            self.counters.addItem(f"{live.get('label', '')} — {agency} ({state})", int(live["id"]))
        self.to_counter.setEnabled(self.counters.count() > 0)

        target = QButtonGroup(self)
        for button in (self.to_service, self.to_counter):
            target.addButton(button)
        self.to_service.setChecked(True)
        for widget in (self.to_service, self.services, self.to_counter, self.counters):
            layout.addWidget(widget)
        self.to_service.toggled.connect(self._sync)
        self._sync()

        layout.addSpacing(6)
        layout.addWidget(label(tr("transfer.position", lang), "cardTitle"))
        self.back = QRadioButton(tr("transfer.back", lang))
        self.front = QRadioButton(tr("transfer.front", lang))
        position = QButtonGroup(self)
        position.addButton(self.back)
        position.addButton(self.front)
        self.back.setChecked(True)
        layout.addWidget(self.back)
        layout.addWidget(self.front)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.cancel = QPushButton(tr("transfer.cancel", lang))
        self.cancel.setObjectName("secondary")
        self.submit = QPushButton(tr("transfer.submit", lang))
        self.submit.setObjectName("primary")
        self.submit.setDefault(True)
        buttons.addWidget(self.cancel)
        buttons.addWidget(self.submit)
        layout.addSpacing(8)
        layout.addLayout(buttons)
        self.cancel.clicked.connect(self.reject)
        self.submit.clicked.connect(self.accept)

    def _sync(self) -> None:
        self.services.setEnabled(self.to_service.isChecked())
        self.counters.setEnabled(self.to_counter.isChecked())

    def choose_service(self, service_id: int) -> None:
        self.to_service.setChecked(True)
        self.services.setCurrentIndex(self.services.findData(service_id))

    def choose_counter(self, counter_id: int) -> None:
        self.to_counter.setChecked(True)
        self.counters.setCurrentIndex(self.counters.findData(counter_id))

    def choice(self) -> dict[str, Any]:
        position = "front" if self.front.isChecked() else "back"
        if self.to_counter.isChecked():
            return {"counter_id": self.counters.currentData(), "position": position}
        return {"service_id": self.services.currentData(), "position": position}
