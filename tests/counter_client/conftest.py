"""Fixtures for the counter client: a real server process, and real windows driven by
clicks on their buttons and presses of their keys."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QLabel, QWidget
from pytestqt.exceptions import TimeoutError as QtTimeoutError
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from counter_client.actions import SHORTCUTS, Action
from counter_client.app import CounterApp
from counter_client.config import CounterConfig
from counter_client.shift import Phase
from counter_client.ui.no_show_dialog import NoShowDialog
from counter_client.ui.waiting_panel import NOTE, NUMBER
from server.models import Ticket, TicketEvent
from shared.api_client import ApiClient
from tests.e2e.live import LiveServer, running_server
from tests.factories import PASSWORD

WAIT_MS = 10_000  # the longest any one step may take (server start-up excluded)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """``antre-server run`` over a fresh copy of the test hall (open all day), stopped after."""
    with running_server(tmp_path) as live:
        yield live


StartCounter = Callable[..., CounterApp]


@pytest.fixture
def start_counter(qtbot: QtBot, server: LiveServer) -> Iterator[StartCounter]:
    """``start_counter(**config)``: a counter client window at 1366x768 on the login page;
    closed (feed stopped, worker joined) after the test. Double-press protection is off
    unless the test asks for it (``settle_seconds``), so steps can follow each other;
    ``api`` is the REST client to use (one that counts its requests, say)."""
    apps: list[CounterApp] = []

    def start(
        *, settle_seconds: float = 0.0, api: ApiClient | None = None, **changes: Any
    ) -> CounterApp:
        config = CounterConfig(server_url=server.url, retry_seconds=0.3, **changes)
        app = CounterApp(config, settle_seconds=settle_seconds, api=api)
        apps.append(app)
        qtbot.addWidget(app.window)
        app.window.resize(1366, 768)
        app.start()
        return app

    yield start
    with contextlib.ExitStack() as cleanup:
        for app in apps:
            cleanup.callback(close_when_connected, qtbot, app)


def close_when_connected(qtbot: QtBot, app: CounterApp) -> None:
    """Close the client, first letting a feed that is still connecting finish (bounded):
    one stopped in the middle of its first connect waits out the 5 s connect timeout."""
    with contextlib.suppress(QtTimeoutError):
        qtbot.waitUntil(lambda: app.live.feed is None or app.live.connected, timeout=3000)
    app.close()


# --- what an officer does ---------------------------------------------------------------


def log_in(qtbot: QtBot, app: CounterApp, username: str, password: str = PASSWORD) -> None:
    """Type the user name and password and click the login button."""
    page = app.window.login_page
    page.username.clear()
    qtbot.keyClicks(page.username, username)
    page.password.clear()
    qtbot.keyClicks(page.password, password)
    qtbot.mouseClick(page.submit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not app.shift.logging_in, timeout=WAIT_MS)


def open_counter(qtbot: QtBot, app: CounterApp, counter_id: int) -> None:
    """Log-in done: click "Buka loket" on the counter's card and wait for the working view."""
    qtbot.waitUntil(lambda: app.shift.phase is Phase.PICK, timeout=WAIT_MS)
    button = app.window.picker_page.open_buttons[counter_id]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.shift.busy is None, timeout=WAIT_MS)


def start_working(qtbot: QtBot, app: CounterApp, username: str, counter_id: int) -> None:
    """Log in, open the counter, and wait until the live feed is connected."""
    log_in(qtbot, app, username)
    open_counter(qtbot, app, counter_id)
    qtbot.waitUntil(lambda: app.shift.phase is Phase.WORK and app.shift.online, timeout=WAIT_MS)


def click(qtbot: QtBot, app: CounterApp, action: Action) -> None:
    """Click the action's button once the press would be sent (the button enabled, the
    live feed connected, no command in flight), then wait for the server's answer. On a
    busy machine the feed may be reconnecting for a moment, and a press then is refused
    with a message: that fails here, saying so, instead of as a later step's timeout."""
    button = app.window.working_page.buttons[action]
    shift = app.shift
    qtbot.waitUntil(
        lambda: button.isEnabled() and shift.online and shift.busy is None, timeout=WAIT_MS
    )
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    refused = shift.busy is None and shift.message is not None and shift.message.error
    assert not refused, f"{action.value} was refused: {shift.message.text if shift.message else ''}"
    settle(qtbot, app)


def confirm_no_show(qtbot: QtBot, app: CounterApp) -> None:
    """Click "Tidak hadir", then "Ya, tidak hadir" in the question it asks."""
    button = app.window.working_page.buttons[Action.NO_SHOW]
    qtbot.waitUntil(button.isEnabled, timeout=WAIT_MS)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(app.window.dialog, NoShowDialog), timeout=WAIT_MS)
    dialog = app.window.dialog
    assert isinstance(dialog, NoShowDialog)
    qtbot.mouseClick(dialog.confirm, Qt.MouseButton.LeftButton)
    settle(qtbot, app)


def press_key(qtbot: QtBot, app: CounterApp, action: Action) -> None:
    """Press the action's function key on the window, as an officer's finger would (the
    window first becomes the active one, as it is under the officer's eyes: offscreen, a
    closed dialog hands the activation back to nobody)."""
    key = getattr(Qt.Key, f"Key_{SHORTCUTS[action]}")
    app.window.activateWindow()
    qtbot.waitUntil(app.window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(app.window, key)


def settle(qtbot: QtBot, app: CounterApp) -> None:
    """Wait until no command is in flight."""
    qtbot.waitUntil(lambda: app.shift.busy is None, timeout=WAIT_MS)


def current_number(app: CounterApp) -> str | None:
    ticket = app.shift.ticket
    return None if ticket is None else str(ticket["number"])


def wait_number(qtbot: QtBot, app: CounterApp, number: str | None) -> None:
    qtbot.waitUntil(lambda: current_number(app) == number, timeout=WAIT_MS)


def waiting_numbers(app: CounterApp) -> list[str]:
    """The numbers in the waiting table, top to bottom, as shown."""
    table = app.window.working_page.waiting.table
    return [table.item(row, NUMBER).text() for row in range(table.rowCount())]  # type: ignore[union-attr]


def waiting_notes(app: CounterApp) -> list[str]:
    """The "Keterangan" column (why each stands where it does), top to bottom."""
    table = app.window.working_page.waiting.table
    return [table.item(row, NOTE).text() for row in range(table.rowCount())]  # type: ignore[union-attr]


def visible_texts(window: QWidget) -> list[str]:
    return [
        label.text() for label in window.findChildren(QLabel) if label.isVisible() and label.text()
    ]


def shows(window: QWidget, text: str) -> bool:
    return any(text in shown for shown in visible_texts(window))


def wait_shows(qtbot: QtBot, window: QWidget, text: str) -> None:
    try:
        qtbot.waitUntil(lambda: shows(window, text), timeout=WAIT_MS)
    except (AssertionError, QtTimeoutError):
        raise AssertionError(f"{text!r} not shown; visible: {visible_texts(window)}") from None


# --- the hall -----------------------------------------------------------------------------


def issue(server: LiveServer, service_id: int, count: int = 1, **body: Any) -> list[str]:
    """Tickets taken at the kiosk; returns their numbers."""
    kiosk = server.device("kiosk")
    numbers = []
    for _ in range(count):
        response = kiosk.post("/api/v1/tickets", json={"service_id": service_id, **body})
        assert response.status_code == 201, response.text
        numbers.append(response.json()["ticket"]["number"])
    kiosk.close()
    return numbers


def ticket_states(server: LiveServer) -> dict[str, str]:
    """Every ticket's number and state, as committed."""
    with server.db.read() as session:
        return {t.number: t.state.value for t in session.scalars(select(Ticket))}


def events_of(server: LiveServer, number: str, kind: str) -> int:
    """How many times the log recorded ``kind`` for the ticket ``number``."""
    with server.db.read() as session:
        return int(
            session.scalar(
                select(func.count())
                .select_from(TicketEvent)
                .join(Ticket, Ticket.id == TicketEvent.ticket_id)
                .where(Ticket.number == number, TicketEvent.kind == kind)
            )
            or 0
        )
