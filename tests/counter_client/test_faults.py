"""When things go wrong: the server restarts, a key is pressed twice, a push is lost.
In every case no visitor is called, finished or skipped without the officer seeing it."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_client.actions import Action
from tests.counter_client.conftest import (
    WAIT_MS,
    StartCounter,
    click,
    events_of,
    issue,
    settle,
    start_working,
    ticket_states,
    wait_number,
    wait_shows,
)
from tests.e2e.live import LiveServer


def test_server_restart_mid_session_refuses_presses_while_away_and_recovers(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp, 3)
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    click(qtbot, app, Action.NEXT)
    wait_number(qtbot, app, "DK-001")

    server.stop()
    wait_shows(qtbot, app.window, "Terputus dari server")
    assert not app.window.working_page.buttons[Action.NEXT].isEnabled()
    qtbot.keyClick(app.window, Qt.Key.Key_F1)  # the officer tries anyway
    wait_shows(qtbot, app.window, "Tidak tersambung ke server: “Berikutnya” tidak dikirim.")

    server.start()
    qtbot.waitUntil(lambda: app.shift.online, timeout=WAIT_MS)
    wait_shows(qtbot, app.window, "Tersambung")
    qtbot.waitUntil(
        lambda: app.window.working_page.buttons[Action.NEXT].isEnabled(), timeout=WAIT_MS
    )
    # The refused press was not kept to be sent later: DK-001 is still at the counter.
    assert ticket_states(server) == {"DK-001": "called", "DK-002": "waiting", "DK-003": "waiting"}
    wait_number(qtbot, app, "DK-001")

    click(qtbot, app, Action.NEXT)
    wait_number(qtbot, app, "DK-002")
    assert ticket_states(server) == {"DK-001": "done", "DK-002": "called", "DK-003": "waiting"}
    assert events_of(server, "DK-001", "finished") == 1
    assert events_of(server, "DK-002", "called") == 1


def test_a_double_press_of_next_calls_only_one_visitor(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp, 3)
    app = start_counter(settle_seconds=60)  # a long "just called" window, for a slow machine
    start_working(qtbot, app, "petugas.dk", server.hall.c1)

    qtbot.keyClick(app.window, Qt.Key.Key_F1)
    qtbot.keyClick(app.window, Qt.Key.Key_F1)  # before the first one is answered
    wait_number(qtbot, app, "DK-001")
    settle(qtbot, app)
    qtbot.keyClick(app.window, Qt.Key.Key_F1)  # after it, while DK-001 just appeared
    wait_shows(qtbot, app.window, "DK-001 baru saja dipanggil")

    settle(qtbot, app)
    assert ticket_states(server) == {"DK-001": "called", "DK-002": "waiting", "DK-003": "waiting"}
    assert events_of(server, "DK-001", "called") == 1


def test_a_view_that_missed_a_change_never_finishes_a_visitor_it_did_not_show(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp, 3)
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    click(qtbot, app, Action.NEXT)
    wait_number(qtbot, app, "DK-001")

    # Pushes stop reaching the window, and the counter moves on elsewhere (another login
    # of the same officer presses next): the window still shows DK-001.
    app.live.received.disconnect(app.shift.apply_event)
    with server.officer("petugas.dk") as elsewhere:
        elsewhere.counter(server.hall.c1, "next")
    assert ticket_states(server)["DK-002"] == "called"
    assert app.shift.ticket is not None and app.shift.ticket["number"] == "DK-001"

    click(qtbot, app, Action.FINISH)  # meant for DK-001, which is already done
    wait_shows(qtbot, app.window, "Nomor di loket ini sudah berubah")
    wait_number(qtbot, app, "DK-002")  # the view reloaded what the server holds
    assert ticket_states(server) == {"DK-001": "done", "DK-002": "called", "DK-003": "waiting"}
