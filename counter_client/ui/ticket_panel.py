"""The visitor at the counter: number, service, priority, state, and times that tick."""

from __future__ import annotations

import datetime as dt

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from counter_client.actions import SHORTCUTS, Action
from counter_client.durations import clock_text
from counter_client.shift import CounterShift
from counter_client.texts import tr
from counter_client.ui.widgets import card
from shared import wire
from shared.qt_widgets import label, restyle
from shared.timestamps import parse_time


def ticket_times(
    ticket: wire.Ticket, now: dt.datetime
) -> tuple[dt.timedelta | None, dt.timedelta | None, dt.timedelta | None]:
    """How long the visitor waited (queue to last call), since the call, and in service."""
    queued = parse_time(ticket.get("queued_at"))
    called = parse_time(ticket.get("called_at"))
    started = parse_time(ticket.get("started_at"))
    waited = called - queued if called and queued else None
    serving = ticket.get("state") == "serving"
    since_call = now - called if called and not serving else None
    service = now - started if started and serving else None
    return waited, since_call, service


class TicketPanel(QWidget):
    """The card of the visitor now at the counter, with the times that tick while they
    are served."""

    def __init__(self, shift: CounterShift) -> None:
        super().__init__()
        self.shift = shift
        frame, layout, self.caption = card()
        holder = QVBoxLayout(self)
        holder.setContentsMargins(0, 0, 0, 0)
        holder.addWidget(frame)
        layout.removeWidget(self.caption)
        self.counter_state = label("", "counterOpen")
        top = QHBoxLayout()
        top.addWidget(self.caption)
        top.addStretch(1)
        top.addWidget(self.counter_state)
        layout.addLayout(top)

        number_row = QHBoxLayout()
        number_row.setSpacing(16)
        self.number = label("", "bigNumber")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        badges = QVBoxLayout()
        badges.setSpacing(6)
        self.state = label("", "stateCalled")
        self.priority = label("", "priorityBadge")
        self.sent_here = label("", "sentBadge")
        for badge in (self.state, self.priority, self.sent_here):
            badges.addWidget(badge, 0, Qt.AlignmentFlag.AlignLeft)
        badges.addStretch(1)
        number_row.addWidget(self.number)
        number_row.addLayout(badges)
        number_row.addStretch(1)
        layout.addLayout(number_row)
        self.service = label("", "serviceName", wrap=True)
        self.agency = label("", "agencyName")
        self.hint = label("", "hint", wrap=True)
        layout.addWidget(self.service)
        layout.addWidget(self.agency)
        layout.addWidget(self.hint)

        times = QGridLayout()
        times.setHorizontalSpacing(28)
        self.time_captions = [label("", "timeCaption") for _ in range(3)]
        self.time_values = [label("", "timeValue") for _ in range(3)]
        for column, (caption, value) in enumerate(
            zip(self.time_captions, self.time_values, strict=True)
        ):
            times.addWidget(caption, 0, column)
            times.addWidget(value, 1, column)
        times.setColumnStretch(3, 1)
        self.times = QWidget()
        self.times.setLayout(times)
        layout.addWidget(self.times)
        layout.addStretch(1)

    def refresh(self) -> None:
        shift, lang = self.shift, self.shift.language
        counter = shift.counter
        state = str(counter.get("state", "closed") if counter else "closed")
        self.caption.setText(tr("ticket.current", lang).upper())
        self.counter_state.setText(tr(f"counter.{state}", lang))
        restyle(self.counter_state, f"counter{state.capitalize()}")
        ticket = shift.ticket
        for widget in (self.state, self.service, self.agency, self.times):
            widget.setVisible(ticket is not None)
        if ticket is None:
            self.number.setText(tr("ticket.none", lang))
            restyle(self.number, "noNumber")
            self.priority.hide()
            self.sent_here.hide()
            hint = "ticket.paused_hint" if state == "paused" else "ticket.none_hint"
            key = SHORTCUTS[Action.RESUME if state == "paused" else Action.NEXT]
            self.hint.setText(tr(hint, lang, shortcut=key))
            self.hint.show()
            return
        self.number.setText(str(ticket.get("number", "")))
        restyle(self.number, "bigNumber")
        if ticket.get("state") == "serving":
            self.state.setText(tr("ticket.serving", lang))
            restyle(self.state, "stateServing")
        else:
            self.state.setText(tr("ticket.called", lang, n=ticket.get("call_count") or 1))
            restyle(self.state, "stateCalled")
        priority = ticket.get("priority", "none")
        self.priority.setVisible(priority not in (None, "none"))
        if priority not in (None, "none"):
            kind = tr(f"priority.{priority}", lang)
            self.priority.setText(f"{tr('priority.mark', lang)} · {kind}")
        self.sent_here.setText(tr("ticket.sent_here", lang))
        self.sent_here.setVisible(self._was_sent_here(ticket))
        self.service.setText(str((ticket.get("service") or {}).get("name", "")))
        self.agency.setText(str((ticket.get("agency") or {}).get("short_name", "")))
        calls, needed = int(ticket.get("call_count") or 0), shift.hall.calls_before_no_show
        waiting_for_calls = ticket.get("state") == "called" and calls < needed
        self.hint.setText(tr("ticket.no_show_after", lang, n=needed))
        self.hint.setVisible(waiting_for_calls)
        self.tick()

    def _was_sent_here(self, ticket: wire.Ticket) -> bool:
        return bool(self.shift.transferred_here(int(ticket["id"])))

    def tick(self) -> None:
        """Every second: the times of the visitor at the counter."""
        ticket, lang = self.shift.ticket, self.shift.language
        if ticket is None:
            return
        waited, since_call, service = ticket_times(ticket, self.shift.clock.now())
        shown = [("ticket.waited", waited)]
        if ticket.get("state") == "serving":
            shown.append(("ticket.service_time", service))
        else:
            shown.append(("ticket.since_call", since_call))
        for index in range(3):
            present = index < len(shown)
            self.time_captions[index].setVisible(present)
            self.time_values[index].setVisible(present)
            if present:
                key, span = shown[index]
                self.time_captions[index].setText(tr(key, lang))
                self.time_values[index].setText(clock_text(span))
