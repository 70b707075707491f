"""Choosing the counter to work at: the agency's counters with their live state."""

from __future__ import annotations

from collections.abc import Sequence

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import (
    QGridLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from counter_client.shift import CounterShift
from counter_client.texts import tr
from counter_client.ui.widgets import card
from shared import wire
from shared.qt_widgets import label, restyle

COLUMNS = 3


class PickerPage(QWidget):
    """The counter picker shown after login when the PC has no counter of its own: one
    button per counter of the agency."""

    def __init__(self, shift: CounterShift) -> None:
        super().__init__()
        self.shift = shift
        self.setObjectName("page")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 22, 28, 22)
        outer.setSpacing(6)
        self.title = label("", "pageTitle")
        self.subtitle = label("", "pageSubtitle", wrap=True)
        outer.addWidget(self.title)
        outer.addWidget(self.subtitle)
        outer.addSpacing(10)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        holder = QWidget()
        holder.setObjectName("page")
        self.grid = QGridLayout(holder)
        self.grid.setSpacing(14)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll.setWidget(holder)
        outer.addWidget(scroll, 1)
        self._shape: tuple[object, ...] = ()
        self.open_buttons: dict[int, QPushButton] = {}

    def refresh(self) -> None:
        shift, lang = self.shift, self.shift.language
        agency = shift.agency.get("short_name", "") if shift.agency else ""
        self.title.setText(tr("pick.title", lang))
        self.subtitle.setText(tr("pick.subtitle", lang, agency=agency))
        counters = shift.picker_counters()
        shape = (lang, tuple(int(c["id"]) for c in counters))
        if shape != self._shape:
            self._build(counters)
            self._shape = shape
        for counter in counters:
            self._update(counter)

    def _build(self, counters: Sequence[wire.Counter]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and item.widget() is not None:
                item.widget().deleteLater()  # type: ignore[union-attr]
        self.open_buttons.clear()
        self._parts: dict[int, tuple[QLabel, QLabel, QPushButton]] = {}
        lang = self.shift.language
        if not counters:
            self.grid.addWidget(label(tr("pick.none", lang), "pageSubtitle", wrap=True), 0, 0)
            return
        for index, counter in enumerate(counters):
            frame, layout, caption = card()
            caption.hide()
            frame.setFixedWidth(300)
            name = label(str(counter.get("label", "")), "counterLabel")
            services = label("", "hint", wrap=True)
            state = label("", "counterClosed")
            button = QPushButton(tr("pick.open", lang))
            button.setObjectName("primary")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            cid = int(counter["id"])
            button.clicked.connect(lambda _c=False, cid=cid: self.shift.choose_counter(cid))
            layout.addWidget(name)
            layout.addWidget(services)
            layout.addWidget(state, 0, Qt.AlignmentFlag.AlignLeft)
            layout.addSpacing(6)
            layout.addWidget(button)
            self.grid.addWidget(frame, index // COLUMNS, index % COLUMNS)
            self.open_buttons[cid] = button
            self._parts[cid] = (services, state, button)

    def _update(self, counter: wire.Counter) -> None:
        shift, lang = self.shift, self.shift.language
        services, state_label, button = self._parts[int(counter["id"])]
        names = [shift.hall.service_name(int(sid)) for sid in counter.get("service_ids", [])]
        services.setText(" · ".join(n for n in names if n))
        state = str(counter.get("state", "closed"))
        officer = counter.get("officer_id")
        me = shift.user.get("id") if shift.user else None
        text = tr(f"counter.{state}", lang)
        if state != "closed" and officer not in (None, me):
            text = f"{text} — {tr('pick.taken', lang)}"
        elif state != "closed" and officer == me:
            text = f"{text} — {tr('pick.mine', lang)}"
        state_label.setText(text)
        restyle(state_label, f"counter{state.capitalize()}")
        button.setEnabled(shift.busy is None)
