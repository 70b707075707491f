"""The counter PC as its registered device: with ``[device] token`` the hall monitor sees
it alive; with a token the server refuses, the window says so; without one, nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pytestqt.qtbot import QtBot

from counter_client.device_presence import DevicePresence, Presence
from server.domain.context import Actor, Ctx
from server.domain.monitor import hall_monitor
from server.domain.settings import load_settings
from shared.api_client import ApiError
from shared.errors import ErrorCode
from tests.counter_client.conftest import WAIT_MS, StartCounter, start_working, wait_shows
from tests.e2e.live import LiveServer

PC = "counter-pc-1"  # the test hall's counter terminal at Loket 1


def monitor_entry(server: LiveServer, name: str) -> dict[str, Any]:
    """The hall monitor's line for one device, as an admin's monitor page would show it."""
    with server.db.read() as session:
        ctx = Ctx(session, dt.datetime.now(dt.UTC), load_settings(session), Actor())
        picture = hall_monitor(ctx)
    return next(d for d in picture["devices"] if d["name"] == name)


def test_with_its_device_token_the_counter_pc_checks_in_on_the_monitor(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    assert monitor_entry(server, PC)["never_seen"], "a fresh hall has never heard of the PC"

    app = start_counter(device_token=server.hall.tokens[PC])
    qtbot.waitUntil(lambda: app.shift.device is Presence.SEEN, timeout=WAIT_MS)

    entry = monitor_entry(server, PC)
    assert not entry["silent"] and not entry["never_seen"] and entry["last_seen_at"]
    # Reported before anyone logs in: the PC is on, whoever works at it.
    assert app.shift.user is None


def test_a_refused_device_token_is_said_on_the_login_page(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    app = start_counter(device_token="ant_d_not-a-registered-token")
    qtbot.waitUntil(lambda: app.shift.device is Presence.REFUSED, timeout=WAIT_MS)
    wait_shows(qtbot, app.window, "Token perangkat PC ini ([device] token) ditolak server")


def test_without_a_device_token_the_client_reports_nothing(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    assert app.presence is None and app.shift.device is Presence.UNKNOWN
    assert monitor_entry(server, PC)["last_seen_at"] is None


def test_a_report_says_what_the_server_said_and_only_a_change_is_passed_on() -> None:
    """``report`` runs on the device's worker and touches nothing; ``take`` keeps the outcome
    on the GUI thread and tells the shift only when it changed."""
    answers: list[Exception | None] = [
        None,
        None,
        ApiError(ErrorCode.UNAVAILABLE, "unreachable"),
        ApiError(ErrorCode.UNAUTHENTICATED, "revoked", 401),
    ]

    def send() -> None:
        answer = answers.pop(0)
        if answer is not None:
            raise answer

    changes: list[Presence] = []
    presence = DevicePresence(send, on_change=changes.append)
    found = [presence.report() for _ in range(4)]
    assert found == [Presence.SEEN, Presence.SEEN, Presence.UNREACHABLE, Presence.REFUSED]
    assert presence.state is Presence.UNKNOWN and changes == []  # the worker changed nothing

    for outcome in found:
        presence.take(outcome)
    assert changes == [Presence.SEEN, Presence.UNREACHABLE, Presence.REFUSED]
    assert presence.state is Presence.REFUSED
