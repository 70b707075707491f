"""The day's figures come from the server: the served count, the average service time and
the no-shows are still there after the window is restarted and the officer logs in again."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from counter_client.actions import Action
from counter_client.durations import clock_text
from tests.counter_client.conftest import (
    WAIT_MS,
    StartCounter,
    click,
    confirm_no_show,
    issue,
    start_working,
    wait_number,
    wait_shows,
)
from tests.e2e.live import LiveServer


def test_served_average_and_no_shows_survive_a_restart_of_the_window(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    hall = server.hall
    issue(server, hall.ktp, 4)
    first = start_counter()
    start_working(qtbot, first, "petugas.dk", hall.c1)
    click(qtbot, first, Action.NEXT)
    click(qtbot, first, Action.NEXT)  # DK-001 served
    click(qtbot, first, Action.FINISH)  # DK-002 served
    click(qtbot, first, Action.NEXT)
    wait_number(qtbot, first, "DK-003")
    click(qtbot, first, Action.RECALL)
    click(qtbot, first, Action.RECALL)
    confirm_no_show(qtbot, first)
    wait_number(qtbot, first, None)
    first.close()  # the PC restarts: nothing of this window is kept

    again = start_counter()
    start_working(qtbot, again, "petugas.dk", hall.c1)

    page = again.window.working_page
    wait_shows(qtbot, again.window, "Dilayani hari ini")
    qtbot.waitUntil(lambda: page.served.text() == "2", timeout=WAIT_MS)
    with server.officer("sup.dk") as supervisor:
        body = supervisor.get("/api/v1/agencies/DK/snapshot").json()
    c1 = next(c for c in body["counters"] if c["id"] == hall.c1)
    assert c1["today"]["served"] == 2
    assert page.average.text() == clock_text(c1["today"]["average_service_seconds"])
    assert [t["number"] for t in again.shift.no_shows()] == ["DK-003"]
    assert again.window.working_page.waiting.select_no_show(int(body["no_shows"][0]["id"]))
