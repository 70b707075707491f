"""Fixtures for the whole kiosk: a real server process, a printer on a 127.0.0.1 port, and
the real window, driven by taps on its buttons."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PyQt6.QtCore import QPoint, Qt
from PyQt6.QtWidgets import QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from kiosk.app import Kiosk
from kiosk.config import KioskConfig
from kiosk.flow import Screen
from kiosk.ui.window import KioskWindow
from server.models import Device, Ticket
from tests.e2e.live import LiveServer, running_server
from tests.kiosk.fake_printer import FakeNetworkPrinter

PUBLIC_URL = "http://antre.mpp.test"
ADMIN_PIN = "2468"
WAIT_MS = 10_000  # the longest any one step may take (server start-up excluded)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """``antre-server run`` over the small test hall (open all day), stopped afterwards."""
    with running_server(tmp_path) as live:
        yield live


# The server's clock for the check-in tests: a Monday morning, whatever the wall clock
# says (by it, a slot booked "about to start" at 23.45 is tomorrow's, whose check-in opens
# at midnight). The next slot is 10.30; its window has been open since 09.30.
MORNING = dt.datetime(2026, 11, 30, 10, 10, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture
def morning_server(tmp_path: Path) -> Iterator[LiveServer]:
    """``antre-server run`` over the small test hall, its clock set to ``MORNING``."""
    with running_server(tmp_path, clock_start=MORNING) as live:
        yield live


@pytest.fixture
def printer() -> Iterator[FakeNetworkPrinter]:
    with FakeNetworkPrinter() as fake:
        yield fake


def kiosk_config(server: LiveServer, printer_port: int, **changes: Any) -> KioskConfig:
    config = KioskConfig(
        server_url=server.url,
        token=server.hall.tokens["kiosk"],
        public_url=PUBLIC_URL,
        admin_pin=ADMIN_PIN,
        fullscreen=False,
        idle_seconds=600,
        ticket_seconds=600,
        # Short, to keep the suite quick (``tap`` waits for it as a visitor would); the
        # guard's own tests use the default.
        tap_guard_ms=100,
        printer={"kind": "network", "host": "127.0.0.1", "port": printer_port, "timeout": 1.0},
    )
    return replace(config, **changes)


StartKiosk = Callable[..., Kiosk]


@pytest.fixture
def start_kiosk(qtbot: QtBot) -> Iterator[StartKiosk]:
    """``start_kiosk(config, **kiosk_args)``: the kiosk shown at 1920x1080, its feed
    connected, its configuration loaded and its first page up; closed (feed stopped, workers
    joined) after.

    "Up" is waited for too: on a busy machine the feed's first attempt can fail, which puts
    the empty kiosk on "unavailable" until the reload that the reconnect asks for is back,
    a moment after the feed already reads as connected (CI saw a test look for the welcome
    page in that moment)."""
    kiosks: list[Kiosk] = []

    def start(config: KioskConfig, **kwargs: Any) -> Kiosk:
        kiosk = Kiosk(config, retry_seconds=0.5, **kwargs)
        kiosks.append(kiosk)
        qtbot.addWidget(kiosk.window)
        kiosk.window.resize(1920, 1080)
        kiosk.start()

        def up() -> bool:
            state = kiosk.flow.state
            return (
                state.loaded
                and kiosk.live.connected
                and state.online
                and state.screen is not Screen.UNAVAILABLE
            )

        qtbot.waitUntil(up, timeout=WAIT_MS)
        return kiosk

    yield start
    with contextlib.ExitStack() as cleanup:
        for kiosk in kiosks:
            cleanup.callback(kiosk.close)


# --- what a visitor sees and taps ----------------------------------------------------------


def _visible(widget: QWidget) -> bool:
    return widget.isVisible() and widget.width() > 0


def buttons(window: QWidget) -> list[QPushButton]:
    return [b for b in window.findChildren(QPushButton) if _visible(b)]


def find_button(window: QWidget, text: str) -> QPushButton | None:
    """The visible button showing ``text`` (its own text, or the name of a tile)."""
    for button in buttons(window):
        if text in (button.text(), button.accessibleName()):
            return button
    return None


def click(qtbot: QtBot, widget: QWidget, pos: QPoint | None = None) -> None:
    """One tap on ``widget`` (at its centre unless ``pos`` says where)."""
    where = pos if pos is not None else widget.rect().center()
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=where)


def tap(qtbot: QtBot, window: QWidget, text: str) -> QPushButton:
    """Wait for the button labelled ``text`` and tap it, as a finger would: once the
    screen has been shown for the tap guard's time."""
    found: list[QPushButton] = []
    flow = window.flow if isinstance(window, KioskWindow) else None

    def present() -> bool:
        button = find_button(window, text)
        settled = flow is None or flow.accepts_taps()
        if button is not None and button.isEnabled() and settled:
            found.append(button)
            return True
        return False

    qtbot.waitUntil(present, timeout=WAIT_MS)
    button = found[-1]
    click(qtbot, button)
    return button


def visible_texts(window: QWidget) -> list[str]:
    return [label.text() for label in window.findChildren(QLabel) if _visible(label)]


def shows(window: QWidget, text: str) -> bool:
    return any(text in label for label in visible_texts(window))


def wait_screen(qtbot: QtBot, kiosk: Kiosk, screen: Screen, timeout: int = WAIT_MS) -> None:
    qtbot.waitUntil(lambda: kiosk.flow.state.screen is screen, timeout=timeout)


def take_ticket(
    qtbot: QtBot,
    kiosk: Kiosk,
    agency: str = "Disdukcapil",
    service: str = "Perekaman KTP-el",
    priority: str = "Tidak, antrean umum",
) -> None:
    """A visitor from the welcome screen to the ticket screen."""
    window = kiosk.window
    tap(qtbot, window, "Sentuh untuk mulai")
    tap(qtbot, window, agency)
    tap(qtbot, window, service)
    tap(qtbot, window, priority)
    qtbot.waitUntil(lambda: kiosk.flow.state.screen is not Screen.ISSUING, timeout=WAIT_MS)


# --- what the server recorded ---------------------------------------------------------------


def tickets(server: LiveServer) -> list[tuple[str, bool | None]]:
    """Every ticket's number and whether the kiosk said it was printed."""
    with server.db.read() as session:
        return [(t.number, t.printed) for t in session.scalars(select(Ticket).order_by(Ticket.id))]


def kiosk_health(server: LiveServer) -> dict[str, Any]:
    with server.db.read() as session:
        device = session.scalar(select(Device).where(Device.name == "kiosk"))
        assert device is not None
        return dict(device.health or {})
