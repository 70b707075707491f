"""Who waits for this counter (live), in the order "next" calls them and why, and
today's no-shows who may come back.

Rows are rebuilt only when the order changes (a push, or a booked slot falling due as
the clock runs); the waiting times tick in place, and the officer's selection stays on
the same ticket across pushes.
"""

from __future__ import annotations

from collections.abc import Callable

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QBrush, QColor, QFont
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_client.actions import SHORTCUTS, Action
from counter_client.durations import clock_text, time_of_day
from counter_client.hall import Hall
from counter_client.shift import CounterShift
from counter_client.texts import tr
from counter_client.ui.style import BOOKING, BRAND, PRIORITY
from counter_client.ui.widgets import ActionButton, card
from shared import wire
from shared.calling_order import Reason
from shared.qt_widgets import label
from shared.timestamps import parse_time

ID_ROLE = Qt.ItemDataRole.UserRole
TURN, NUMBER, SERVICE, NOTE, WAITING = range(5)
HEADERS = ("list.turn", "list.number", "list.service", "list.note", "list.waiting")
REASON_COLOURS = {
    Reason.TRANSFERRED: BRAND,
    Reason.BOOKING: BOOKING,
    Reason.PRIORITY: PRIORITY,
}


def service_name(ticket: wire.Ticket) -> str:
    service = ticket.get("service")
    return str(service.get("name", "")) if service else ""


def _chip_name(hall: Hall, service_id: int) -> str:
    """The service's name on its count chip (its id when the configuration lacks it)."""
    service = hall.services.get(service_id)
    return str(service.get("name", service_id)) if service else str(service_id)


class WaitingPanel(QWidget):
    """The waiting list in calling order with the reason of each place, and today's
    no-shows the officer may take back."""

    def __init__(self, shift: CounterShift, press: Callable[[Action], None]) -> None:
        super().__init__()
        self.shift = shift
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)

        frame, layout, self.caption = card()
        self.summary = label("", "summary")
        self.order_hint = label("", "chips", wrap=True)
        self.chips = label("", "chips", wrap=True)
        self.table = QTableWidget(0, len(HEADERS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)  # type: ignore[union-attr]
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(False)
        header = self.table.horizontalHeader()
        assert header is not None
        header.setSectionResizeMode(SERVICE, QHeaderView.ResizeMode.Stretch)
        for col in (TURN, NUMBER, NOTE, WAITING):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _index: press(Action.CALL))
        self.table.itemSelectionChanged.connect(self._show_buttons)
        self.call = ActionButton(SHORTCUTS[Action.CALL], lambda: press(Action.CALL), height=44)
        layout.addWidget(self.summary)
        layout.addWidget(self.order_hint)
        layout.addWidget(self.chips)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.call)
        column.addWidget(frame, 3)

        frame, layout, self.no_show_caption = card()
        self.no_show_list = QListWidget()
        self.no_show_list.setMaximumHeight(72)  # three names; the list scrolls
        self.requeue = ActionButton(
            SHORTCUTS[Action.REQUEUE], lambda: press(Action.REQUEUE), height=44
        )
        self.no_show_list.itemSelectionChanged.connect(self._show_buttons)
        layout.addWidget(self.no_show_list)
        layout.addWidget(self.requeue)
        column.addWidget(frame)  # as tall as it needs: the rest goes to the waiting list
        # What the rows show but the ticking waits: redrawn when it changes.
        self._rows: tuple[object, ...] = ()
        self._no_shows: tuple[object, ...] = ()

    # --- what the officer chose -------------------------------------------------------

    def selected_ticket(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()  # type: ignore[union-attr]
        if not rows:
            return None
        item = self.table.item(rows[0].row(), NUMBER)
        return int(item.data(ID_ROLE)) if item is not None else None

    def selected_no_show(self) -> int | None:
        item = self.no_show_list.currentItem()
        if item is None or not item.isSelected():
            return None
        return int(item.data(ID_ROLE))

    def select_ticket(self, ticket_id: int) -> bool:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, NUMBER)
            if item is not None and item.data(ID_ROLE) == ticket_id:
                self.table.selectRow(row)
                return True
        return False

    def select_no_show(self, ticket_id: int) -> bool:
        for row in range(self.no_show_list.count()):
            item = self.no_show_list.item(row)
            if item is not None and item.data(ID_ROLE) == ticket_id:
                self.no_show_list.setCurrentItem(item)
                return True
        return False

    # --- showing the lines ------------------------------------------------------------

    def refresh(self) -> None:
        shift, lang = self.shift, self.shift.language
        self.caption.setText(tr("list.title", lang).upper())
        self.order_hint.setText(tr("list.order_hint", lang))
        self.table.setHorizontalHeaderLabels([tr(k, lang) for k in HEADERS])
        counts = shift.line.counts_by_service()
        names = [f"{_chip_name(shift.hall, sid)}: {n}" for sid, n in sorted(counts.items())]
        self.chips.setText("   ·   ".join(names))
        self.chips.setVisible(bool(names))

        no_shows = shift.no_shows()
        self.no_show_caption.setText(tr("noshow.title", lang).upper())
        keys = (*((int(t["id"]), service_name(t)) for t in no_shows), lang)
        if keys != self._no_shows:
            self._fill_no_shows(no_shows)
            self._no_shows = keys
        self.tick()
        self._show_buttons()

    def _show_buttons(self) -> None:
        """F10 and F11 act on the chosen number: enabled only once one is chosen (the key
        pressed without a choice says to choose first)."""
        shift, lang = self.shift, self.shift.language
        allowed = shift.allowed() if shift.online else frozenset()
        call = Action.CALL in allowed and self.selected_ticket() is not None
        self.call.show_state(tr("action.call", lang), call)
        requeue = Action.REQUEUE in allowed and self.selected_no_show() is not None
        self.requeue.show_state(tr("action.requeue", lang), requeue)

    def _fill_table(self, order: list[tuple[wire.Ticket, Reason]]) -> None:
        chosen = self.selected_ticket()
        self.table.setRowCount(len(order))
        bold = QFont()
        bold.setBold(True)
        for row, (ticket, reason) in enumerate(order):
            turn = QTableWidgetItem(str(row + 1))
            turn.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            number = QTableWidgetItem(str(ticket.get("number", "")))
            number.setData(ID_ROLE, int(ticket["id"]))
            text, why = self._reason_text(ticket, reason)
            note = QTableWidgetItem(text)
            note.setToolTip(why)
            for item in (number, note):
                item.setFont(bold)
            if reason in REASON_COLOURS:
                note.setForeground(QBrush(QColor(REASON_COLOURS[reason])))
            items = [turn, number, QTableWidgetItem(service_name(ticket)), note]
            for column, item in enumerate([*items, QTableWidgetItem("")]):
                self.table.setItem(row, column, item)
        if chosen is not None:
            self.select_ticket(chosen)

    def _reason_text(self, ticket: wire.Ticket, reason: Reason) -> tuple[str, str]:
        """Why the ticket stands where it does, short for the row and long for the tip."""
        hall, lang = self.shift.hall, self.shift.language
        if reason is Reason.PRIORITY:
            return tr(f"priority.{ticket.get('priority')}", lang), tr("list.why.priority", lang)
        if reason is Reason.BOOKING:
            slot = parse_time(ticket.get("booked_for"))
            time = time_of_day(slot, hall.timezone, lang) if slot else ""
            short = tr("list.reason.booking", lang, time=time)
            return short, tr("list.why.booking", lang, time=time)
        if reason is Reason.TRANSFERRED:
            return tr("list.reason.transferred", lang), tr("list.why.transferred", lang)
        return "", ""

    def _fill_no_shows(self, no_shows: list[wire.Ticket]) -> None:
        chosen = self.selected_no_show()
        lang = self.shift.language
        self.no_show_list.clear()
        if not no_shows:
            empty = QListWidgetItem(tr("noshow.empty", lang))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.no_show_list.addItem(empty)
        for ticket in no_shows:
            text = tr(
                "noshow.entry",
                lang,
                number=ticket.get("number", ""),
                service=service_name(ticket),
            )
            item = QListWidgetItem(text)
            item.setData(ID_ROLE, int(ticket["id"]))
            self.no_show_list.addItem(item)
        if chosen is not None:
            self.select_no_show(chosen)

    def tick(self) -> None:
        """Every second: the order (a booked slot may have fallen due), the waiting times
        and the longest wait."""
        shift, lang = self.shift, self.shift.language
        order = shift.calling_order()
        # Everything a row shows but the ticking wait: a service renamed in the console
        # (config.updated, then a fresh snapshot) redraws the rows of the same tickets.
        rows = tuple(
            (int(t["id"]), reason, t.get("priority"), service_name(t), lang) for t, reason in order
        )
        if rows != self._rows:
            self._fill_table(order)
            self._rows = rows
        now = shift.clock.now()
        for row, (ticket, _reason) in enumerate(order[: self.table.rowCount()]):
            queued = parse_time(ticket.get("queued_at"))
            item = self.table.item(row, WAITING)
            if item is not None:
                item.setText(clock_text(now - queued if queued else None))
        if order:
            longest = clock_text(shift.line.longest_wait(now))
            self.summary.setText(tr("list.summary", lang, n=len(order), wait=longest))
        else:
            self.summary.setText(tr("list.empty", lang))
        self.order_hint.setVisible(bool(order))
