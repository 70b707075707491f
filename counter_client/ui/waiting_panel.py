"""Who waits for this counter (live), and today's no-shows who may come back.

Rows are rebuilt only when the list changes; the waiting times tick in place, and the
officer's selection stays on the same ticket across pushes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

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
from counter_client.durations import clock_text
from counter_client.hall import parse_time
from counter_client.session import CounterSession
from counter_client.texts import tr
from counter_client.ui.style import BRAND, PRIORITY
from counter_client.ui.widgets import ActionButton, card, label

ID_ROLE = Qt.ItemDataRole.UserRole
NUMBER, SERVICE, NOTE, WAITING = range(4)


def service_name(ticket: Mapping[str, Any]) -> str:
    return str((ticket.get("service") or {}).get("name", ""))


class WaitingPanel(QWidget):
    def __init__(self, session: CounterSession, press: Callable[[Action], None]) -> None:
        super().__init__()
        self.session = session
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(12)

        frame, layout, self.caption = card()
        self.summary = label("", "summary")
        self.chips = label("", "chips", wrap=True)
        self.table = QTableWidget(0, 4)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)  # type: ignore[union-attr]
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(False)
        header = self.table.horizontalHeader()
        assert header is not None
        header.setSectionResizeMode(SERVICE, QHeaderView.ResizeMode.Stretch)
        for col in (NUMBER, NOTE, WAITING):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _index: press(Action.CALL))
        self.table.itemSelectionChanged.connect(self._show_buttons)
        self.call = ActionButton(SHORTCUTS[Action.CALL], lambda: press(Action.CALL), height=44)
        layout.addWidget(self.summary)
        layout.addWidget(self.chips)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.call)
        column.addWidget(frame, 3)

        frame, layout, self.no_show_caption = card()
        self.no_show_list = QListWidget()
        self.no_show_list.setMaximumHeight(120)
        self.requeue = ActionButton(
            SHORTCUTS[Action.REQUEUE], lambda: press(Action.REQUEUE), height=44
        )
        self.no_show_list.itemSelectionChanged.connect(self._show_buttons)
        layout.addWidget(self.no_show_list)
        layout.addWidget(self.requeue)
        column.addWidget(frame, 1)
        self._rows: tuple[Any, ...] = ()
        self._no_shows: tuple[Any, ...] = ()

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
        session, lang = self.session, self.session.language
        waiting = session.waiting()
        self.caption.setText(tr("list.title", lang).upper())
        self.table.setHorizontalHeaderLabels(
            [tr(k, lang) for k in ("list.number", "list.service", "list.note", "list.waiting")]
        )
        # Everything a row shows but the ticking wait: a service renamed in the console
        # (config.updated, then a fresh snapshot) redraws the rows of the same tickets.
        rows = tuple(
            (int(t["id"]), t.get("priority"), t.get("target_counter_id"), service_name(t), lang)
            for t in waiting
        )
        if rows != self._rows:
            self._fill_table(waiting)
            self._rows = rows
        counts = session.line.counts_by_service()
        names = [
            f"{session.hall.services.get(sid, {}).get('name', sid)}: {n}"
            for sid, n in sorted(counts.items())
        ]
        self.chips.setText("   ·   ".join(names))
        self.chips.setVisible(bool(names))

        no_shows = session.no_shows()
        self.no_show_caption.setText(tr("noshow.title", lang).upper())
        keys = (*((int(t["id"]), service_name(t)) for t in no_shows), lang)
        if keys != self._no_shows:
            self._fill_no_shows(no_shows)
            self._no_shows = keys
        self._show_buttons()
        self.tick()

    def _show_buttons(self) -> None:
        """F10 and F11 act on the chosen number: enabled only once one is chosen (the key
        pressed without a choice says to choose first)."""
        session, lang = self.session, self.session.language
        allowed = session.allowed() if session.online else frozenset()
        call = Action.CALL in allowed and self.selected_ticket() is not None
        self.call.show_state(tr("action.call", lang), call)
        requeue = Action.REQUEUE in allowed and self.selected_no_show() is not None
        self.requeue.show_state(tr("action.requeue", lang), requeue)

    def _fill_table(self, waiting: list[Mapping[str, Any]]) -> None:
        chosen = self.selected_ticket()
        lang = self.session.language
        self.table.setRowCount(len(waiting))
        bold = QFont()
        bold.setBold(True)
        for row, ticket in enumerate(waiting):
            number = QTableWidgetItem(str(ticket.get("number", "")))
            number.setData(ID_ROLE, int(ticket["id"]))
            number.setFont(bold)
            service = service_name(ticket)
            priority = ticket.get("priority") or "none"
            note = QTableWidgetItem("")
            note.setFont(bold)
            if priority != "none":
                note.setText(tr(f"priority.{priority}", lang))
                note.setForeground(QBrush(QColor(PRIORITY)))
            elif ticket.get("target_counter_id") is not None:
                note.setText(tr("list.here", lang))
                note.setForeground(QBrush(QColor(BRAND)))
            items = [number, QTableWidgetItem(service), note, QTableWidgetItem("")]
            for column, item in enumerate(items):
                self.table.setItem(row, column, item)
        if chosen is not None:
            self.select_ticket(chosen)

    def _fill_no_shows(self, no_shows: list[Mapping[str, Any]]) -> None:
        chosen = self.selected_no_show()
        lang = self.session.language
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
        """Every second: waiting times and the longest wait."""
        session, lang = self.session, self.session.language
        now = session.clock.now()
        waiting = session.waiting()
        for row, ticket in enumerate(waiting[: self.table.rowCount()]):
            queued = parse_time(ticket.get("queued_at"))
            item = self.table.item(row, WAITING)
            if item is not None:
                item.setText(clock_text(now - queued if queued else None))
        if waiting:
            longest = clock_text(session.line.longest_wait(now))
            self.summary.setText(tr("list.summary", lang, n=len(waiting), wait=longest))
        else:
            self.summary.setText(tr("list.empty", lang))
