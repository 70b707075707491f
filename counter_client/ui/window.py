"""The counter window: header, messages, one page per phase, the keys, and the compact strip.

The window only shows the shift and forwards presses; the F-keys work wherever the
focus is inside the window (or the strip), and never while a dialog is open.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from functools import partial

from PyQt6.QtCore import QPoint, QRect, QSize, Qt, QTimer
from PyQt6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut
from PyQt6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from counter_client.actions import COMPACT_SHORTCUT, SHORTCUTS, Action
from counter_client.shift import CounterShift, Message, Phase
from counter_client.texts import tr
from counter_client.ui.compact_strip import CompactStrip
from counter_client.ui.login_page import LoginPage
from counter_client.ui.no_show_dialog import NoShowDialog
from counter_client.ui.picker_page import PickerPage
from counter_client.ui.style import STYLESHEET
from counter_client.ui.transfer_dialog import TransferDialog
from counter_client.ui.working_page import WorkingPage
from shared.qt_widgets import label, restyle

INFO_SECONDS = 10.0  # an information line fades after this; an error stays until replaced
DEFAULT_SIZE = QSize(1366, 768)
# A window manager's title bar and borders (unknown before the window is first shown).
FRAME_ALLOWANCE = QSize(16, 40)


def opening_size(free: QRect) -> QSize | None:
    """The window's first size on a screen whose free area (without the taskbar) is
    ``free``: 1366x768 where it fits with its frame; None where it does not (a 1366x768
    screen): then the window opens maximised, exactly filling the free area."""
    needed = DEFAULT_SIZE + FRAME_ALLOWANCE
    if needed.width() <= free.width() and needed.height() <= free.height():
        return DEFAULT_SIZE
    return None


class CounterWindow(QMainWindow):
    """The counter client's one window: it shows the shift's page and messages and
    sends every press and key to the shift."""

    def __init__(self, shift: CounterShift, on_close: Callable[[], None] = lambda: None) -> None:
        super().__init__()
        self.shift = shift
        self._on_close = on_close
        self.setStyleSheet(STYLESHEET)
        self.resize(DEFAULT_SIZE)
        # No minimum height beyond the layout's own: at 1366x768 the window is shorter
        # than the free screen, day's figures included.
        self.setMinimumWidth(1000)
        central = QWidget()
        central.setObjectName("page")
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self._header())
        self.offline = label("", "bannerOffline", wrap=True)
        self.banner = label("", "bannerInfo", wrap=True)
        column.addWidget(self.offline)
        column.addWidget(self.banner)
        self.pages = QStackedWidget()
        self.login_page = LoginPage(shift)
        self.picker_page = PickerPage(shift)
        self.working_page = WorkingPage(shift, self.press)
        for page in (self.login_page, self.picker_page, self.working_page):
            self.pages.addWidget(page)
        column.addWidget(self.pages, 1)
        self.setCentralWidget(central)

        self.strip = CompactStrip(shift, self.press, self.show_full)
        self.compact = False
        self.dialog: TransferDialog | NoShowDialog | None = None
        self._shown_phase: Phase | None = None
        self._message: Message | None = None
        self._message_at = 0.0
        self._keys(self, SHORTCUTS)
        self._keys(self.strip, SHORTCUTS)  # every key works in both views
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.tick)
        self.timer.start(1000)

    def place_on_screen(self) -> None:
        """Open at 1366x768, centred, where that fits the screen; maximised where not."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        free = screen.availableGeometry()
        size = opening_size(free)
        if size is None:
            self.setWindowState(Qt.WindowState.WindowMaximized)
            return
        self.resize(size)
        self.move(free.center() - QPoint(size.width() // 2, size.height() // 2))

    def _header(self) -> QWidget:
        header = QWidget()
        header.setObjectName("header")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        header.setFixedHeight(56)
        row = QHBoxLayout(header)
        row.setContentsMargins(18, 0, 14, 0)
        row.setSpacing(10)
        self.title = label("", "headerTitle")
        self.status = label("", "online")
        self.officer = label("", "headerOfficer")
        row.addWidget(self.title)
        row.addWidget(self.status, 0, Qt.AlignmentFlag.AlignVCenter)
        self.sending = label("", "headerOfficer")
        row.addWidget(self.sending)
        row.addStretch(1)
        row.addWidget(self.officer)
        self.language = self._header_button(self._toggle_language)
        self.compact_button = self._header_button(self.show_compact)
        self.logout_button = self._header_button(self.shift.logout)
        for button in (self.language, self.compact_button, self.logout_button):
            row.addWidget(button)
        return header

    def _header_button(self, on_click: Callable[[], object]) -> QPushButton:
        button = QPushButton()
        button.setObjectName("headerButton")
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        button.clicked.connect(lambda _c=False: on_click())
        return button

    def _keys(self, owner: QWidget, keys: Mapping[Action, str]) -> None:
        for action, key in keys.items():
            shortcut = QShortcut(QKeySequence(key), owner)
            shortcut.activated.connect(partial(self.press, action))
        toggle = QShortcut(QKeySequence(COMPACT_SHORTCUT), owner)
        toggle.activated.connect(self.toggle_compact)

    # --- what a press does --------------------------------------------------------------

    def press(self, action: Action) -> None:
        """A button or key, from the full view or the strip: the transfer asks where to, a
        no-show asks first (unless turned off), a list action takes the list's choice."""
        shift = self.shift
        if shift.phase is not Phase.WORK:
            return
        if action is Action.TRANSFER or shift.asks_before(action):
            if not shift.check(action):
                return  # no dialog for a press that would be refused: the message says why
            if action is Action.TRANSFER:
                self.open_transfer()
            else:
                self.ask_no_show()
        elif action in (Action.CALL, Action.REQUEUE):
            self._press_chosen(action)
        else:
            shift.press(action)

    def _press_chosen(self, action: Action) -> None:
        """F10/F11 take the number chosen in the full view's lists, which the strip hides:
        there the key says where to choose instead of acting on an unseen choice."""
        shift, waiting = self.shift, self.working_page.waiting
        if self.compact:
            name = tr(f"action.{action.value}", shift.language)
            shift.say(tr("compact.choose_in_full", shift.language, action=name), error=True)
        elif action is Action.CALL:
            shift.press(action, ticket_id=waiting.selected_ticket())
        else:
            shift.press(action, ticket_id=waiting.selected_no_show())

    def _dialog_parent(self) -> QWidget:
        # Over the strip while it stands in for the window: never behind it, never hidden.
        return self.strip if self.compact else self

    def open_transfer(self) -> TransferDialog:
        if self.compact:
            self.show_full()
        dialog = TransferDialog(self.shift, self)
        dialog.setStyleSheet(STYLESHEET)
        dialog.accepted.connect(
            lambda: self.shift.press(
                Action.TRANSFER, transfer=dialog.choice(), about=dialog.ticket_id
            )
        )
        self._show_dialog(dialog)
        return dialog

    def ask_no_show(self) -> NoShowDialog:
        dialog = NoShowDialog(self.shift, self._dialog_parent())
        dialog.accepted.connect(lambda: self._no_show_confirmed(dialog))
        self._show_dialog(dialog)
        return dialog

    def _no_show_confirmed(self, dialog: NoShowDialog) -> None:
        if dialog.dont_ask.isChecked():
            self.shift.stop_asking_no_show()
        self.shift.press(Action.NO_SHOW, about=dialog.ticket_id)

    def _show_dialog(self, dialog: TransferDialog | NoShowDialog) -> None:
        dialog.finished.connect(lambda _r: self._dialog_closed(dialog))
        self.dialog = dialog
        dialog.open()

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _toggle_language(self) -> None:
        self.shift.set_language("en" if self.shift.language == "id" else "id")

    # --- compact mode -----------------------------------------------------------------

    def toggle_compact(self) -> None:
        if self.compact:
            self.show_full()
        else:
            self.show_compact()

    def show_compact(self) -> None:
        if self.shift.phase is not Phase.WORK:
            return
        self.compact = True
        self.strip.refresh()
        geometry = self.geometry()
        self.strip.move(geometry.x(), geometry.y())
        self.strip.show()
        self.strip.raise_()
        self.strip.activateWindow()  # the keys work on the strip at once
        self.hide()

    def show_full(self) -> None:
        self.compact = False
        self.strip.hide()
        self.show()
        self.raise_()
        self.activateWindow()

    # --- showing the shift ----------------------------------------------------------

    def refresh(self) -> None:
        shift, lang = self.shift, self.shift.language
        phase = shift.phase
        pages: dict[Phase, LoginPage | PickerPage | WorkingPage] = {
            Phase.LOGIN: self.login_page,
            Phase.PICK: self.picker_page,
            Phase.WORK: self.working_page,
        }
        page = pages[phase]
        if phase is not Phase.WORK and self.compact:
            self.show_full()
        if self.dialog is not None and (
            phase is not Phase.WORK
            or (shift.ticket.get("id") if shift.ticket else None) != self.dialog.ticket_id
        ):
            self.dialog.reject()  # about a visitor no longer at the counter
        elif isinstance(self.dialog, TransferDialog):
            self.dialog.refresh()  # a line's outlook may have come
        self.pages.setCurrentWidget(page)
        self._render_header()
        self._render_banners()
        page.refresh()
        if self.compact:
            self.strip.refresh()
        if phase is not self._shown_phase:
            self._shown_phase = phase
            if phase is Phase.LOGIN:
                self.login_page.focus()
            else:
                self.setFocus()
        self.setWindowTitle(
            f"{shift.counter_label()} — {tr('app.title', lang)}"
            if phase is Phase.WORK
            else tr("app.title", lang)
        )

    def _render_header(self) -> None:
        shift, lang = self.shift, self.shift.language
        agency = shift.agency.get("short_name", "") if shift.agency else ""
        if shift.phase is Phase.WORK:
            self.title.setText(f"{shift.counter_label()}  ·  {agency}")
        elif shift.phase is Phase.PICK:
            self.title.setText(f"{tr('app.title', lang)}  ·  {agency}")
        else:
            self.title.setText(tr("app.title", lang))
        logged_in = shift.phase is not Phase.LOGIN
        self.status.setVisible(logged_in)
        self.status.setText(tr("status.online" if shift.online else "status.offline_short", lang))
        restyle(self.status, "online" if shift.online else "offline")
        self.sending.setText(tr("status.sending", lang))
        self.sending.setVisible(shift.busy is not None)
        user = shift.user
        name = (user.get("display_name") or user.get("username", "")) if user else ""
        self.officer.setText(tr("header.officer", lang, name=name))
        self.officer.setVisible(logged_in)
        self.language.setText(tr("header.language", lang))
        self.compact_button.setText(f"{tr('header.compact', lang)}  ({COMPACT_SHORTCUT})")
        self.compact_button.setVisible(shift.phase is Phase.WORK)
        self.logout_button.setText(tr("header.logout", lang))
        self.logout_button.setVisible(logged_in)

    def _render_banners(self) -> None:
        shift, lang = self.shift, self.shift.language
        logged_in = shift.phase is not Phase.LOGIN
        self.offline.setText(tr("status.offline", lang))
        self.offline.setVisible(logged_in and not shift.online)
        message = shift.message
        if message is not self._message:
            self._message, self._message_at = message, time.monotonic()
        fresh = message is not None and (
            message.error or time.monotonic() - self._message_at < INFO_SECONDS
        )
        # The login form shows its own messages beside the fields.
        self.banner.setVisible(logged_in and fresh)
        if message is not None:
            self.banner.setText(message.text)
            restyle(self.banner, "bannerError" if message.error else "bannerInfo")
        if self.compact:
            self.strip.show_message(message if fresh else None)

    def tick(self) -> None:
        self.shift.tick()
        if self.shift.phase is Phase.WORK:
            self.working_page.tick()
        self._render_banners()

    def closeEvent(self, event: QCloseEvent | None) -> None:
        self.timer.stop()
        self.strip.hide()
        self._on_close()
        super().closeEvent(event)
