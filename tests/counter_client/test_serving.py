"""Serving at the counter: every action from its button, the live waiting list, the keys."""

from __future__ import annotations

import re

from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from counter_client.actions import Action
from counter_client.app import CounterApp
from counter_client.shift import Phase
from counter_client.ui.transfer_dialog import TransferDialog
from server.models import Ticket
from tests.counter_client.conftest import (
    WAIT_MS,
    StartCounter,
    click,
    confirm_no_show,
    current_number,
    events_of,
    issue,
    settle,
    start_working,
    ticket_states,
    wait_number,
    wait_shows,
    waiting_notes,
    waiting_numbers,
)
from tests.e2e.live import LiveServer


def enabled(app: CounterApp, action: Action) -> bool:
    return app.window.working_page.buttons[action].isEnabled()


def test_next_recall_start_finish_and_no_show_from_the_buttons(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp, 3)
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    assert waiting_numbers(app) == ["DK-001", "DK-002", "DK-003"]
    assert enabled(app, Action.NEXT) and not enabled(app, Action.RECALL)

    click(qtbot, app, Action.NEXT)
    wait_number(qtbot, app, "DK-001")
    wait_shows(qtbot, app.window, "Dipanggil (1×)")
    assert not enabled(app, Action.NO_SHOW), "no-show waits for the third call"
    click(qtbot, app, Action.RECALL)
    click(qtbot, app, Action.RECALL)
    wait_shows(qtbot, app.window, "Dipanggil (3×)")
    confirm_no_show(qtbot, app)
    wait_number(qtbot, app, None)
    qtbot.waitUntil(
        lambda: [t["number"] for t in app.shift.no_shows()] == ["DK-001"], timeout=WAIT_MS
    )

    click(qtbot, app, Action.NEXT)
    wait_number(qtbot, app, "DK-002")
    click(qtbot, app, Action.START)
    wait_shows(qtbot, app.window, "Sedang dilayani")
    wait_shows(qtbot, app.window, "Lama layanan")
    assert not enabled(app, Action.RECALL) and not enabled(app, Action.START)
    click(qtbot, app, Action.FINISH)
    wait_number(qtbot, app, None)
    qtbot.waitUntil(lambda: app.window.working_page.served.text() == "1", timeout=WAIT_MS)

    assert ticket_states(server) == {"DK-001": "no_show", "DK-002": "done", "DK-003": "waiting"}
    assert events_of(server, "DK-001", "recalled") == 2
    assert events_of(server, "DK-002", "finished") == 1
    assert waiting_numbers(app) == ["DK-003"]


def test_the_waiting_list_is_live_with_counts_priority_and_longest_wait(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    wait_shows(qtbot, app.window, "Tidak ada yang menunggu")

    issue(server, server.hall.ktp)
    issue(server, server.hall.kk, priority="elderly")
    issue(server, server.hall.pkb)  # Samsat's line: not this counter's

    # In the order "next" takes them: the priority visitor first, and why.
    def listed_in_calling_order() -> None:
        # Asserted, not compared: a timeout then says what the table and the shift held.
        assert waiting_numbers(app) == ["DK-002", "DK-001"], (
            f"table {waiting_numbers(app)}, line {[t['number'] for t in app.shift.waiting()]},"
            f" online {app.shift.online}, stale {app.shift.stale}"
        )

    qtbot.waitUntil(listed_in_calling_order, timeout=WAIT_MS)
    assert waiting_notes(app) == ["Lansia", ""]
    summary = app.window.working_page.waiting.summary
    # The longest wait, whatever it is by now on a loaded machine (no timing asserted).
    qtbot.waitUntil(
        lambda: re.fullmatch(r"2 menunggu · terlama \d+:\d\d", summary.text()) is not None,
        timeout=WAIT_MS,
    )
    wait_shows(qtbot, app.window, "Perekaman KTP-el: 1")
    wait_shows(qtbot, app.window, "Perubahan KK: 1")

    click(qtbot, app, Action.NEXT)  # the priority ticket is called first
    wait_number(qtbot, app, "DK-002")
    wait_shows(qtbot, app.window, "PRIORITAS · Lansia")
    qtbot.waitUntil(lambda: waiting_numbers(app) == ["DK-001"], timeout=WAIT_MS)


def test_calling_a_chosen_ticket_and_putting_a_returning_no_show_back(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp, 5)
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    waiting = app.window.working_page.waiting

    assert not waiting.call.isEnabled(), "nothing chosen: the button is greyed out"
    qtbot.keyClick(app.window, Qt.Key.Key_F10)  # and the key says why
    wait_shows(qtbot, app.window, "Pilih dulu nomor di daftar.")
    assert waiting.select_ticket(ticket_id(server, "DK-003"))
    assert waiting.call.isEnabled()
    qtbot.mouseClick(waiting.call, Qt.MouseButton.LeftButton)
    wait_number(qtbot, app, "DK-003")
    settle(qtbot, app)
    for _ in range(2):
        click(qtbot, app, Action.RECALL)
    confirm_no_show(qtbot, app)
    qtbot.waitUntil(lambda: bool(app.shift.no_shows()), timeout=WAIT_MS)

    assert not waiting.requeue.isEnabled(), "no no-show chosen yet"
    # The visitor comes back: choose the number under "Tidak hadir hari ini" and put it back.
    assert waiting.select_no_show(ticket_id(server, "DK-003"))
    assert waiting.requeue.isEnabled()
    qtbot.mouseClick(waiting.requeue, Qt.MouseButton.LeftButton)
    wait_shows(qtbot, app.window, "DK-003 dikembalikan ke antrean")
    # Three places down from the front: behind DK-001, DK-002 and DK-004.
    qtbot.waitUntil(
        lambda: waiting_numbers(app) == ["DK-001", "DK-002", "DK-004", "DK-003", "DK-005"],
        timeout=WAIT_MS,
    )
    assert ticket_states(server)["DK-003"] == "waiting"
    assert not app.shift.no_shows()


def test_transfer_to_another_agencys_service_and_to_one_counter(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp, 2)
    with server.officer("petugas2.dk") as colleague:
        colleague.counter(server.hall.c2, "open")
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)

    click(qtbot, app, Action.NEXT)
    wait_number(qtbot, app, "DK-001")
    dialog = open_transfer(qtbot, app)
    dialog.choose_service(server.hall.pkb)
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    settle(qtbot, app)
    wait_shows(qtbot, app.window, "DK-001 dialihkan ke Pajak kendaraan tahunan (Samsat)")
    wait_number(qtbot, app, None)

    click(qtbot, app, Action.NEXT)
    wait_number(qtbot, app, "DK-002")
    dialog = open_transfer(qtbot, app)
    dialog.choose_counter(server.hall.c2)
    qtbot.mouseClick(dialog.front, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.submit, Qt.MouseButton.LeftButton)
    settle(qtbot, app)
    wait_shows(qtbot, app.window, "DK-002 dialihkan ke Loket 2 (Disdukcapil)")

    with server.db.read() as session:
        moved = {t.number: t for t in session.scalars(select(Ticket))}
        assert (moved["DK-001"].state.value, moved["DK-001"].service_id) == (
            "waiting",
            server.hall.pkb,
        )
        assert (moved["DK-002"].state.value, moved["DK-002"].target_counter_id) == (
            "waiting",
            server.hall.c2,
        )


def test_pause_resume_and_close_with_their_keys(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp)
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    assert app.window.working_page.buttons[Action.PAUSE].key.text() == "F7"

    qtbot.keyClick(app.window, Qt.Key.Key_F7)
    wait_shows(qtbot, app.window, "Loket sedang istirahat")
    assert not enabled(app, Action.NEXT) and enabled(app, Action.RESUME)
    # The push may show the new state before the command's answer comes: a key pressed
    # meanwhile is refused as busy (the one command in flight), so wait for the answer.
    settle(qtbot, app)
    qtbot.keyClick(app.window, Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: enabled(app, Action.NEXT), timeout=WAIT_MS)
    settle(qtbot, app)

    qtbot.keyClick(app.window, Qt.Key.Key_F1)
    wait_number(qtbot, app, "DK-001")
    assert not enabled(app, Action.CLOSE), "a counter holding a visitor cannot close"
    settle(qtbot, app)
    qtbot.keyClick(app.window, Qt.Key.Key_F4)
    wait_number(qtbot, app, None)
    settle(qtbot, app)
    qtbot.keyClick(app.window, Qt.Key.Key_F9)
    wait_shows(qtbot, app.window, "Loket 1 ditutup")
    assert app.shift.phase is Phase.PICK
    assert ticket_states(server) == {"DK-001": "done"}


def test_two_counters_pressing_next_at_once_get_different_tickets(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.kk, 2)
    first, second = start_counter(), start_counter()
    start_working(qtbot, first, "petugas.dk", server.hall.c1)
    start_working(qtbot, second, "petugas2.dk", server.hall.c2)

    for app in (first, second):  # both clicks before either answer arrives
        qtbot.mouseClick(app.window.working_page.buttons[Action.NEXT], Qt.MouseButton.LeftButton)
    for app in (first, second):
        qtbot.waitUntil(lambda app=app: current_number(app) is not None, timeout=WAIT_MS)
    assert {current_number(first), current_number(second)} == {"DK-001", "DK-002"}
    assert events_of(server, "DK-001", "called") == 1
    assert events_of(server, "DK-002", "called") == 1


def open_transfer(qtbot: QtBot, app: CounterApp) -> TransferDialog:
    click(qtbot, app, Action.TRANSFER)
    qtbot.waitUntil(lambda: app.window.dialog is not None, timeout=WAIT_MS)
    dialog = app.window.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def ticket_id(server: LiveServer, number: str) -> int:
    with server.db.read() as session:
        found = session.scalar(select(Ticket.id).where(Ticket.number == number))
        assert found is not None
        return int(found)
