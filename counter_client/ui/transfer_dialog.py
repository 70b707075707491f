"""Where to send the visitor: a service of any agency, or one counter; front or back.

Nothing is chosen when it opens, so F6 then Enter sends nobody anywhere. The officer
types to narrow the lists (Enter takes the first match, a second Enter sends), or walks
them with the arrow keys. Choosing a service asks the server how that line stands and
warns when it will not call the visitor soon. The rules are in
``counter_client.transfer_choice``; this widget only shows them.
"""

from __future__ import annotations

from PyQt6.QtCore import QEvent, QObject, Qt
from PyQt6.QtGui import QBrush, QColor, QFont, QKeyEvent
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QStackedWidget,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from counter_client.shift import CounterShift
from counter_client.texts import tr
from counter_client.transfer_choice import (
    AgencyGroup,
    Outlook,
    Target,
    TransferBody,
    counter_groups,
    counter_outlook,
    line_outlook,
    matches,
    service_groups,
)
from counter_client.ui.style import MUTED
from shared.api_client import ApiError
from shared.errors import ErrorCode
from shared.qt_widgets import label, restyle

TARGET_ROLE = Qt.ItemDataRole.UserRole


class TargetTree(QTreeWidget):
    """Agencies (headings, never chosen) with their services or counters underneath."""

    def __init__(self, groups: list[AgencyGroup], unavailable: str) -> None:
        super().__init__()
        self.setColumnCount(2)
        self.setHeaderHidden(True)
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.header()
        assert header is not None
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        bold = QFont()
        bold.setBold(True)
        self.groups = groups
        self.items: dict[int, QTreeWidgetItem] = {}
        self.no_match = label("", "hint", wrap=True)  # under the tree: a search found nothing
        self.no_match.hide()
        for group in groups:
            heading = QTreeWidgetItem([group.name, ""])
            heading.setFont(0, bold)
            heading.setFlags(Qt.ItemFlag.ItemIsEnabled)  # a heading is never chosen
            heading.setForeground(0, QBrush(QColor(MUTED)))
            self.addTopLevelItem(heading)
            for target in group.targets:
                heading.addChild(self._leaf(target, unavailable))
            heading.setExpanded(True)

    def _leaf(self, target: Target, unavailable: str) -> QTreeWidgetItem:
        note = target.detail if target.available else unavailable
        item = QTreeWidgetItem([target.name, note])
        item.setData(0, TARGET_ROLE, target)
        if not target.available:
            item.setFlags(Qt.ItemFlag.NoItemFlags)  # shown, so the officer knows why not
            item.setForeground(0, QBrush(QColor(MUTED)))
        item.setForeground(1, QBrush(QColor(MUTED)))
        self.items[target.id] = item
        return item

    def filter(self, query: str) -> int:
        """Show what matches ``query``; how many choosable targets are left."""
        left = 0
        for index, group in enumerate(self.groups):
            heading = self.topLevelItem(index)
            assert heading is not None
            shown = 0
            for child, target in zip(_children(heading), group.targets, strict=True):
                hit = matches(target, group, query)
                child.setHidden(not hit)
                shown += hit
                left += hit and target.available
            heading.setHidden(shown == 0)
        return left

    def first_choosable(self) -> QTreeWidgetItem | None:
        for item in self.items.values():
            target = item.data(0, TARGET_ROLE)
            if not item.isHidden() and target.available:
                return item
        return None

    def chosen(self) -> Target | None:
        item = self.currentItem()
        if item is None or not item.isSelected():
            return None
        target = item.data(0, TARGET_ROLE)
        return target if isinstance(target, Target) and target.available else None


def _children(item: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    return [child for i in range(item.childCount()) if (child := item.child(i)) is not None]


class TransferDialog(QDialog):
    """``choice()`` gives the transfer body: ``service_id`` or ``counter_id``, ``position``."""

    def __init__(self, shift: CounterShift, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shift = shift
        lang = shift.language
        ticket = shift.ticket
        self.ticket_id: int | None = ticket.get("id") if ticket else None
        number = ticket.get("number", "") if ticket else ""
        self.setWindowTitle(tr("transfer.title", lang, number=number))
        self.setMinimumSize(660, 560)
        shift.forget_lines()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(8)
        layout.addWidget(label(tr("transfer.title", lang, number=number), "pageTitle"))
        service = ticket.get("service") if ticket else None
        agency = ticket.get("agency") if ticket else None
        where = [
            str(service.get("name") or "") if service else "",
            str(agency.get("short_name") or "") if agency else "",
        ]
        now = tr("transfer.from", lang, where=" · ".join(part for part in where if part))
        layout.addWidget(label(now, "hint"))
        self.search = QLineEdit()
        self.search.setPlaceholderText(tr("transfer.search", lang))
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        layout.addWidget(self.search)

        current_service = service.get("id") if service else None
        unstaffed = tr("transfer.unstaffed", lang)
        self.services = TargetTree(service_groups(shift.hall, current_service), unstaffed)
        own = shift.counter.get("id") if shift.counter else None
        self.counters = TargetTree(counter_groups(shift.hall, shift.live_counters, own), unstaffed)
        self.tabs = QTabWidget()
        no_counters = tr("transfer.no_counters", lang) if not self.counters.items else ""
        for tree, key, empty in (
            (self.services, "transfer.to_service", ""),
            (self.counters, "transfer.to_counter", no_counters),
        ):
            self.tabs.addTab(self._with_note(tree, empty), f"{tr(key, lang)} ({len(tree.items)})")
        layout.addWidget(self.tabs, 1)
        self.outlook = label("", "dialogNote", wrap=True)
        layout.addWidget(self.outlook)
        layout.addLayout(self._position_row(lang))
        layout.addLayout(self._buttons(lang))

        self.search.textChanged.connect(self._filter)
        self.search.returnPressed.connect(self._take_first_match)
        self.tabs.currentChanged.connect(lambda _i: self._chosen_changed())
        for tree in (self.services, self.counters):
            tree.itemSelectionChanged.connect(self._chosen_changed)
            tree.itemActivated.connect(lambda _item, _col: self._send())
        self.search.setFocus()
        self.refresh()

    # --- building -----------------------------------------------------------------------

    def _with_note(self, tree: TargetTree, empty_note: str) -> QWidget:
        """The tree, or the reason it is empty; plus a line when a search finds nothing."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 6, 0, 0)
        pages = QStackedWidget()
        pages.addWidget(tree)
        note = label(empty_note, "dialogNote", wrap=True)
        note.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        pages.addWidget(note)
        pages.setCurrentIndex(0 if tree.items else 1)
        column.addWidget(pages, 1)
        column.addWidget(tree.no_match)
        return holder

    def _position_row(self, lang: str) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(label(tr("transfer.position", lang), "cardTitle"))
        self.back = QRadioButton(tr("transfer.back", lang))
        self.front = QRadioButton(tr("transfer.front", lang))
        position = QButtonGroup(self)
        for button in (self.back, self.front):
            position.addButton(button)
            row.addWidget(button)
        self.back.setChecked(True)
        row.addStretch(1)
        return row

    def _buttons(self, lang: str) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel = QPushButton(tr("transfer.cancel", lang))
        self.cancel.setObjectName("secondary")
        self.submit = QPushButton(tr("transfer.submit", lang))
        self.submit.setObjectName("primary")
        # No default button: Enter in the search picks a match, never sends by itself.
        for button in (self.cancel, self.submit):
            button.setAutoDefault(False)
            button.setDefault(False)
            row.addWidget(button)
        self.cancel.clicked.connect(self.reject)
        self.submit.clicked.connect(self._send)
        return row

    # --- choosing -----------------------------------------------------------------------

    def current_tree(self) -> TargetTree:
        return self.services if self.tabs.currentIndex() == 0 else self.counters

    def other_tree(self) -> TargetTree:
        return self.counters if self.current_tree() is self.services else self.services

    def chosen(self) -> Target | None:
        return self.current_tree().chosen()

    def _filter(self, query: str) -> None:
        left = {}
        for tree in (self.services, self.counters):
            left[id(tree)] = tree.filter(query)
            tree.no_match.setText(tr("transfer.no_match", self.shift.language, query=query.strip()))
            tree.no_match.setVisible(bool(tree.items and query.strip()) and not left[id(tree)])
            current = tree.currentItem()
            if current is not None and current.isHidden():
                tree.clearSelection()
        if not left[id(self.current_tree())] and left[id(self.other_tree())]:
            self.tabs.setCurrentIndex(1 - self.tabs.currentIndex())  # the matches are there

    def _take_first_match(self) -> None:
        """Enter in the search: the first match is chosen (a second Enter sends)."""
        if not self.search.text().strip():
            return
        item = self.current_tree().first_choosable()
        if item is not None:
            self.current_tree().setCurrentItem(item)
            self.current_tree().setFocus()

    def eventFilter(self, watched: QObject | None, event: QEvent | None) -> bool:
        """Arrow down from the search walks into the list."""
        if (
            watched is self.search
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
        ):
            tree = self.current_tree()
            item = tree.first_choosable()
            if item is not None:
                tree.setCurrentItem(item)
            tree.setFocus()
            return True
        return super().eventFilter(watched, event)

    def _chosen_changed(self) -> None:
        target = self.chosen()
        if target is not None and target.kind == "service":
            self.shift.look_up_line(target.id)
        self.refresh()

    def choose_service(self, service_id: int) -> None:
        self.tabs.setCurrentIndex(0)
        self.services.setCurrentItem(self.services.items[service_id])

    def choose_counter(self, counter_id: int) -> None:
        self.tabs.setCurrentIndex(1)
        self.counters.setCurrentItem(self.counters.items[counter_id])

    def choice(self) -> TransferBody:
        target = self.chosen()
        assert target is not None, "the dialog is accepted only with a target chosen"
        return target.body("front" if self.front.isChecked() else "back")

    def _send(self) -> None:
        if self.chosen() is not None:
            self.accept()

    # --- what the officer is told ---------------------------------------------------------

    def refresh(self) -> None:
        """The outlook of the chosen target (the shift's answers arrive meanwhile)."""
        lang = self.shift.language
        target = self.chosen()
        outlook = self._outlook(target)
        warning = outlook is not None and outlook.warning
        text = self._pending_text(target) if outlook is None else ""
        if outlook is not None:
            text = tr(outlook.key, lang, **outlook.params)
        self.outlook.setText(text)
        self.outlook.setVisible(bool(text))
        restyle(self.outlook, "dialogWarning" if warning else "dialogNote")
        self.submit.setEnabled(target is not None)
        self.submit.setText(tr("transfer.submit_anyway" if warning else "transfer.submit", lang))

    def _outlook(self, target: Target | None) -> Outlook | None:
        if target is None:
            return None
        if target.kind == "counter":
            return counter_outlook(target)
        answer = self.shift.lines.get(target.id)
        if isinstance(answer, ApiError) or answer is None:
            return None
        return line_outlook(answer)

    def _pending_text(self, target: Target | None) -> str:
        lang = self.shift.language
        if target is None:
            return tr("transfer.choose", lang)
        answer = self.shift.lines.get(target.id)
        if not isinstance(answer, ApiError):
            return tr("transfer.checking", lang)
        # A server without the query (404): nothing known, nothing claimed.
        return "" if answer.code == ErrorCode.NOT_FOUND else tr("transfer.unknown", lang)
