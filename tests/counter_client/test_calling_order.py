"""The waiting list is the calling order: the top row is the number "next" calls, each
row says why it stands there, and pressing Next walks down the list as shown. Against a
server whose clock is set to a Monday morning (``MORNING``): the bookings are due or not
by that clock, never by the wall clock's time of day (just after midnight a slot ten
minutes ago was yesterday's, late in the evening one two hours ahead tomorrow's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
from pytestqt.qtbot import QtBot

from counter_client.actions import Action
from counter_client.app import CounterApp
from tests.counter_client.conftest import (
    WAIT_MS,
    StartCounter,
    click,
    issue,
    start_working,
    wait_number,
    waiting_notes,
    waiting_numbers,
)
from tests.e2e.live import LiveServer, running_server

MORNING = dt.datetime(2026, 11, 30, 10, 10, tzinfo=ZoneInfo("Asia/Jakarta"))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """``antre-server run`` over the small test hall, its clock set to ``MORNING``."""
    with running_server(tmp_path, clock_start=MORNING) as live:
        yield live


def book(server: LiveServer, service_id: int, slot: dt.datetime) -> None:
    """A visitor with an online booking checks in (the counter staff issue it)."""
    with server.officer("petugas2.dk") as staff:
        answer = staff.post(
            "/api/v1/tickets",
            json={"service_id": service_id, "source": "booking", "booked_for": slot.isoformat()},
        )
        assert answer.status_code == 201, answer.text


def next_calls(qtbot: QtBot, app: CounterApp, count: int) -> list[str]:
    """Press Next ``count`` times; the numbers called, in turn."""
    called = []
    for _ in range(count):
        before = waiting_numbers(app)[0]
        click(qtbot, app, Action.NEXT)
        wait_number(qtbot, app, before)  # the top row is the one called
        qtbot.waitUntil(lambda gone=before: gone not in waiting_numbers(app), timeout=WAIT_MS)
        called.append(before)
    return called


def test_the_list_shows_who_next_calls_and_why(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    hall = server.hall
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", hall.c1)
    with server.officer("petugas2.dk") as colleague:  # Loket 2 sends one to Loket 1
        colleague.counter(hall.c2, "open")
        issue(server, hall.kk)  # DK-001
        colleague.counter(hall.c2, "next")
        sent = colleague.post(f"/api/v1/counters/{hall.c2}/transfer", json={"counter_id": hall.c1})
        assert sent.status_code == 200, sent.text
    issue(server, hall.ktp, 2)  # DK-002, DK-003
    issue(server, hall.kk, priority="elderly")  # DK-004
    now = server.now()
    book(server, hall.ktp, now - dt.timedelta(minutes=10))  # DK-005: the slot has come
    book(server, hall.ktp, now + dt.timedelta(hours=2))  # DK-006: not yet, in line order

    expected = ["DK-001", "DK-005", "DK-004", "DK-002", "DK-003", "DK-006"]
    qtbot.waitUntil(lambda: waiting_numbers(app) == expected, timeout=WAIT_MS)
    notes = waiting_notes(app)
    assert notes[:3] == ["→ loket ini", notes[1], "Lansia"]
    assert notes[1].startswith("Online ") and notes[3:] == ["", "", ""]

    assert next_calls(qtbot, app, 6) == expected


def test_priority_on_every_third_call_is_placed_where_it_will_be_called(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    with server.officer("admin") as admin:
        changed = requests.patch(
            f"{server.url}/api/v1/settings",
            json={"priority_every_n": 3},
            headers={"Authorization": f"Bearer {admin.token}"},
            timeout=10,
        )
        assert changed.status_code == 200, changed.text
    issue(server, server.hall.ktp, 3)  # DK-001..DK-003
    issue(server, server.hall.ktp, priority="pregnant")  # DK-004
    issue(server, server.hall.ktp)  # DK-005

    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    expected = ["DK-001", "DK-002", "DK-004", "DK-003", "DK-005"]
    qtbot.waitUntil(lambda: waiting_numbers(app) == expected, timeout=WAIT_MS)
    assert waiting_notes(app)[2] == "Ibu hamil"
    assert next_calls(qtbot, app, 5) == expected
