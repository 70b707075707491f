"""The transfer dialog: nothing chosen at first, the lines grouped by agency without the
visitor's own, a search, and a warning before sending a visitor to a line nobody calls."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_client.actions import Action
from counter_client.app import CounterApp
from counter_client.ui.transfer_dialog import TransferDialog
from tests.counter_client.conftest import (
    WAIT_MS,
    StartCounter,
    click,
    issue,
    press_key,
    settle,
    start_working,
    ticket_states,
    wait_number,
    wait_shows,
)
from tests.e2e.live import LiveServer


def the_dialog(qtbot: QtBot, app: CounterApp) -> TransferDialog:
    qtbot.waitUntil(lambda: isinstance(app.window.dialog, TransferDialog), timeout=WAIT_MS)
    dialog = app.window.dialog
    assert isinstance(dialog, TransferDialog) and dialog.isVisible()
    return dialog


def transferring_dk001(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> tuple[CounterApp, TransferDialog]:
    """Petugas DK at Loket 1 has called DK-001 and pressed F6: the dialog, nothing chosen."""
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    click(qtbot, app, Action.NEXT)
    wait_number(qtbot, app, "DK-001")
    press_key(qtbot, app, Action.TRANSFER)
    return app, the_dialog(qtbot, app)


def visible_names(dialog: TransferDialog) -> list[str]:
    tree = dialog.current_tree()
    return [item.text(0) for item in tree.items.values() if not item.isHidden()]


def test_f6_then_enter_sends_nobody_and_the_visitors_own_line_is_not_offered(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp)

    _, dialog = transferring_dk001(qtbot, start_counter, server)
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.isVisible() and not dialog.submit.isEnabled()
    assert dialog.chosen() is None
    assert ticket_states(server)["DK-001"] == "called"

    # Grouped by agency (the headings), without Perekaman KTP-el, where DK-001 is already.
    headings = [dialog.services.topLevelItem(i).text(0) for i in range(2)]  # type: ignore[union-attr]
    assert [h.split(" — ")[0] for h in headings] == ["Disdukcapil", "Samsat"]
    assert server.hall.ktp not in dialog.services.items
    assert set(dialog.services.items) == {server.hall.kk, server.hall.pkb}
    # No other counter is open: the empty list says why, and where to go instead.
    assert dialog.counters.items == {}
    dialog.tabs.setCurrentIndex(1)
    wait_shows(qtbot, dialog, "Tidak ada loket lain yang buka saat ini")


def test_typing_finds_a_line_and_a_line_without_an_open_counter_is_warned_of(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp)
    app, dialog = transferring_dk001(qtbot, start_counter, server)

    qtbot.keyClicks(dialog.search, "samsat pajak")
    assert visible_names(dialog) == ["Pajak kendaraan tahunan"]
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)  # takes the match, sends nothing yet
    assert dialog.chosen() is not None and dialog.isVisible()
    # Samsat's counters are all closed: the officer is told before sending.
    wait_shows(qtbot, dialog, "Belum ada loket yang buka untuk layanan ini")
    assert dialog.submit.text() == "Tetap alihkan"
    assert ticket_states(server)["DK-001"] == "called"

    qtbot.keyClick(dialog.current_tree(), Qt.Key.Key_Return)  # the second Enter sends
    settle(qtbot, app)
    wait_shows(qtbot, app.window, "DK-001 dialihkan ke Pajak kendaraan tahunan (Samsat)")
    assert ticket_states(server)["DK-001"] == "waiting"


def test_a_line_whose_counters_are_at_lunch_is_said_to_be_on_a_break(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp)
    samsat = server.officer("petugas.sm")
    samsat.post(f"/api/v1/counters/{server.hall.c3}/open")
    samsat.post(f"/api/v1/counters/{server.hall.c3}/pause")
    _, dialog = transferring_dk001(qtbot, start_counter, server)

    dialog.choose_service(server.hall.pkb)

    wait_shows(qtbot, dialog, "Loket layanan ini sedang istirahat")
    assert dialog.submit.text() == "Tetap alihkan"


def test_an_open_line_shows_its_counters_and_waiting_and_a_search_without_match_says_so(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    issue(server, server.hall.ktp)
    issue(server, server.hall.kk, 2)
    with server.officer("petugas2.dk") as colleague:
        colleague.counter(server.hall.c2, "open")
    app, dialog = transferring_dk001(qtbot, start_counter, server)

    qtbot.keyClicks(dialog.search, "paspor")
    wait_shows(qtbot, dialog, "Tidak ada yang cocok dengan “paspor”.")
    dialog.search.clear()
    dialog.choose_service(server.hall.kk)
    wait_shows(qtbot, dialog, "2 loket buka · 2 menunggu")  # Loket 1 and 2 serve KK
    assert dialog.submit.text() == "Alihkan"
    dialog.tabs.setCurrentIndex(1)
    assert list(dialog.counters.items) == [server.hall.c2]  # the open one, not this one
    qtbot.mouseClick(dialog.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: app.window.dialog is None, timeout=WAIT_MS)
    assert ticket_states(server)["DK-001"] == "called"
