"""Marking a no-show asks first: it ends the visitor's turn and the server has no undo."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_client.actions import Action
from counter_client.app import CounterApp
from counter_client.ui.no_show_dialog import NoShowDialog
from tests.counter_client.conftest import (
    WAIT_MS,
    StartCounter,
    click,
    events_of,
    issue,
    press_key,
    settle,
    start_working,
    ticket_states,
    wait_number,
)
from tests.e2e.live import LiveServer


def called_three_times(qtbot: QtBot, app: CounterApp, number: str) -> None:
    click(qtbot, app, Action.NEXT)
    wait_number(qtbot, app, number)
    for _ in range(2):
        click(qtbot, app, Action.RECALL)


def question(qtbot: QtBot, app: CounterApp) -> NoShowDialog:
    qtbot.waitUntil(lambda: isinstance(app.window.dialog, NoShowDialog), timeout=WAIT_MS)
    dialog = app.window.dialog
    assert isinstance(dialog, NoShowDialog) and dialog.isVisible()
    return dialog


def test_no_show_asks_first_and_the_officer_can_stop_the_question_until_logout(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp, 2)
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    called_three_times(qtbot, app, "DK-001")

    press_key(qtbot, app, Action.NO_SHOW)
    dialog = question(qtbot, app)
    assert "DK-001" in dialog.windowTitle() and dialog.confirm.isDefault()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # pressed by mistake: nothing happens
    qtbot.waitUntil(lambda: app.window.dialog is None, timeout=WAIT_MS)
    assert ticket_states(server)["DK-001"] == "called"

    press_key(qtbot, app, Action.NO_SHOW)
    dialog = question(qtbot, app)
    dialog.dont_ask.setChecked(True)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    settle(qtbot, app)
    wait_number(qtbot, app, None)
    assert ticket_states(server)["DK-001"] == "no_show"
    assert events_of(server, "DK-001", "no_show") == 1

    called_three_times(qtbot, app, "DK-002")
    press_key(qtbot, app, Action.NO_SHOW)  # no question any more
    settle(qtbot, app)
    wait_number(qtbot, app, None)
    assert app.window.dialog is None
    assert ticket_states(server)["DK-002"] == "no_show"


def test_with_confirm_no_show_off_the_key_marks_at_once(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp)
    app = start_counter(confirm_no_show=False)
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    called_three_times(qtbot, app, "DK-001")
    press_key(qtbot, app, Action.NO_SHOW)
    settle(qtbot, app)
    wait_number(qtbot, app, None)
    assert app.window.dialog is None
    assert ticket_states(server)["DK-001"] == "no_show"


def test_the_question_goes_away_when_the_visitor_leaves_the_counter_meanwhile(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp)
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    called_three_times(qtbot, app, "DK-001")
    press_key(qtbot, app, Action.NO_SHOW)
    question(qtbot, app)

    # Finished from elsewhere (the officer's phone, a second window): the push arrives.
    with server.officer("petugas.dk") as same_officer:
        answer = same_officer.post(f"/api/v1/counters/{server.hall.c1}/finish", json={})
        assert answer.status_code == 200, answer.text
    wait_number(qtbot, app, None)
    qtbot.waitUntil(lambda: app.window.dialog is None, timeout=WAIT_MS)
    assert ticket_states(server)["DK-001"] == "done"
    assert events_of(server, "DK-001", "no_show") == 0
