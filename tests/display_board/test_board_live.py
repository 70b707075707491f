"""The board against a real server: calls made through the REST API, as a counter makes
them, appear on screen and are announced, in order, all of them, also across a restart."""

from __future__ import annotations

import subprocess
from pathlib import Path

from pytestqt.qtbot import QtBot

from display_board.announcements import Heard
from tests.display_board.conftest import (
    WAIT_MS,
    ZONE,
    People,
    StartBoard,
    board_config,
    heard_numbers,
    queued_numbers,
    quiet_sound,
    shown_at,
    sound_plays,
    wait_heard,
)
from tests.e2e.live import REPO, ApiClient, LiveServer, free_port, wait_until
from tests.factories import PASSWORD


def test_a_call_made_at_a_counter_is_shown_and_queued_with_its_words(
    server: LiveServer,
    people: People,
    start_board: StartBoard,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    hall = server.hall
    board = start_board(board_config(server, hall.tokens["display-a"], quiet_sound(tmp_path)))
    assert board.window.header.zone == "Zona A"
    qtbot.waitUntil(lambda: shown_at(board, hall.c1) == "Tutup", timeout=WAIT_MS)
    people.kiosk.issue(hall.ktp)
    officer = people.officer("petugas.dk")
    officer.counter(hall.c1, "open")
    called = officer.counter(hall.c1, "next")["ticket"]["number"]

    qtbot.waitUntil(lambda: shown_at(board, hall.c1) == "DK-001", timeout=WAIT_MS)
    assert called == "DK-001"
    assert board.model.latest_call is not None
    assert board.model.latest_call.number == "DK-001"
    (announcement,) = board.announcer.queue.queued
    assert announcement.counter_label == "Loket 1"
    assert announcement.text("id") == (
        "Nomor antrean, de ka, satu, silakan menuju loket satu, Disdukcapil"
    )
    assert announcement.text("en") == (
        "Ticket number, D K, one, please go to counter one, Disdukcapil"
    )
    qtbot.waitUntil(lambda: heard_numbers(board) == ["DK-001"], timeout=WAIT_MS)
    assert board.window.call.call is not None and board.window.call.call.number == "DK-001"
    assert board.window.overflowing_text() == []


def test_ten_fast_calls_are_announced_in_order_none_lost_none_overlapping(
    server: LiveServer,
    people: People,
    start_board: StartBoard,
    qtbot: QtBot,
    tmp_path: Path,
    clip_folder: Path,
) -> None:
    hall = server.hall
    sound = quiet_sound(
        tmp_path, speech=("clips",), clips_folder=clip_folder, chime=True, gap_seconds=0.05
    )
    board = start_board(board_config(server, hall.tokens["display-a"], sound))
    steps: list[tuple[str, str]] = []
    board.announcer.started.connect(lambda a: steps.append(("start", a.number)))
    board.announcer.finished.connect(lambda h: steps.append(("end", h.announcement.number)))
    kiosk = people.kiosk
    for service in [hall.ktp] * 4 + [hall.kk] * 3 + [hall.pkb] * 3:
        kiosk.issue(service)
    dk, sm = people.officer("petugas.dk"), people.officer("petugas.sm")
    for officer, counter in ((dk, hall.c1), (dk, hall.c2), (sm, hall.c3)):
        officer.counter(counter, "open")

    calls = []  # ten presses of "next" in a row, across three counters of two agencies
    for officer, counter in [(dk, hall.c1), (dk, hall.c2), (sm, hall.c3)] * 3 + [(dk, hall.c1)]:
        calls.append(officer.counter(counter, "next")["ticket"]["number"])

    qtbot.waitUntil(lambda: len(board.announcer.queue.heard) == 10, timeout=20_000)
    assert heard_numbers(board) == calls
    assert len(set(calls)) == 10
    assert steps == [(step, n) for n in calls for step in ("start", "end")]
    for heard in board.announcer.queue.heard:
        assert heard.spoken_by == ("clips:id",), heard
        if sound_plays():  # else every call is still shown and queued, silently
            assert heard.problems == (), heard
    assert board.announcer.queue.idle
    assert [c.number for c in board.model.last_calls[:5]] == calls[::-1][:5]


def call_elsewhere(server: LiveServer, workdir: Path) -> str:
    """Call the next number at counter 1 through another server process over the same
    database, on another port: the board, waiting for its own port, cannot have heard it."""
    port = free_port()
    log = (workdir / "elsewhere.log").open("wb")
    process = subprocess.Popen(
        server.command(port=port), cwd=REPO, env=server.environment(), stdout=log, stderr=log
    )
    try:
        with ApiClient(f"http://127.0.0.1:{port}") as elsewhere:

            def up() -> bool:
                try:
                    elsewhere.post("/api/v1/auth/login", json={})
                except OSError:
                    return False
                return True

            wait_until(up, 15, "the second server process")
            body = {"username": "petugas.dk", "password": PASSWORD}
            elsewhere.token = elsewhere.post("/api/v1/auth/login", json=body).json()["token"]
            return str(elsewhere.counter(server.hall.c1, "next")["ticket"]["number"])
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_a_call_made_while_the_server_was_away_is_shown_and_announced_after_it_returns(
    server: LiveServer,
    people: People,
    start_board: StartBoard,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    hall = server.hall
    board = start_board(board_config(server, hall.tokens["display-a"], quiet_sound(tmp_path)))
    kiosk = people.kiosk
    for _ in range(3):
        kiosk.issue(hall.ktp)
    officer = people.officer("petugas.dk")
    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "next")
    qtbot.waitUntil(lambda: heard_numbers(board) == ["DK-001"], timeout=WAIT_MS)

    server.stop()
    qtbot.waitUntil(lambda: board.window.header.online is False, timeout=WAIT_MS)
    assert board.window.counters.painted[hall.c1][0] == "DK-001"  # the last known state stays
    missed = call_elsewhere(server, tmp_path)
    assert missed == "DK-002"
    server.start()  # the same port and database

    qtbot.waitUntil(lambda: shown_at(board, hall.c1) == "DK-002", timeout=15_000)
    qtbot.waitUntil(lambda: heard_numbers(board) == ["DK-001", "DK-002"], timeout=WAIT_MS)
    assert board.window.header.online is True
    assert board.model.latest_call is not None and board.model.latest_call.number == "DK-002"
    heard: Heard = board.announcer.queue.heard[-1]
    assert heard.announcement.text("id") == (
        "Nomor antrean, de ka, dua, silakan menuju loket satu, Disdukcapil"
    )

    # and live again: the next call comes by push
    people.forget()  # the sessions were cut with the server
    officer = people.officer("petugas.dk")
    officer.counter(hall.c1, "next")
    qtbot.waitUntil(lambda: shown_at(board, hall.c1) == "DK-003", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: heard_numbers(board)[-1:] == ["DK-003"], timeout=WAIT_MS)


def test_two_boards_of_one_zone_both_announce_every_call_and_the_recall(
    server: LiveServer,
    people: People,
    start_board: StartBoard,
    qtbot: QtBot,
    tmp_path: Path,
) -> None:
    hall = server.hall
    first = start_board(board_config(server, hall.tokens["display-a"], quiet_sound(tmp_path)))
    second = start_board(
        board_config(server, server.extra, quiet_sound(tmp_path / "2"), zone=ZONE),
        size=(1080, 1920),
    )
    kiosk = people.kiosk
    kiosk.issue(hall.ktp)
    kiosk.issue(hall.pkb)
    dk, sm = people.officer("petugas.dk"), people.officer("petugas.sm")
    dk.counter(hall.c1, "open")
    sm.counter(hall.c3, "open")
    dk.counter(hall.c1, "next")
    dk.counter(hall.c1, "recall")
    sm.counter(hall.c3, "next")

    expected = ["DK-001", "DK-001", "SM-001"]
    for board in (first, second):
        wait_heard(qtbot, board, expected)
        assert queued_numbers(board) == expected
        recalls = [a.recall for a in board.announcer.queue.queued]
        assert recalls == [False, True, False]
        assert shown_at(board, hall.c3) == "SM-001"
    assert first.window.layout_now is not None and first.window.layout_now.orientation == (
        "landscape"
    )
    assert second.window.layout_now is not None and second.window.layout_now.orientation == (
        "portrait"
    )
