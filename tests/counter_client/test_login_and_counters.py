"""Logging in, choosing a counter, and the ways a shift ends: the officer's view."""

from __future__ import annotations

import re

from PyQt6.QtCore import Qt
from pytestqt.qtbot import QtBot

from counter_client.actions import Action
from counter_client.shift import Phase
from server.models import Counter
from tests.counter_client.conftest import (
    WAIT_MS,
    StartCounter,
    click,
    log_in,
    open_counter,
    shows,
    start_working,
    wait_shows,
)
from tests.e2e.live import LiveServer


def counter_state(server: LiveServer, counter_id: int) -> str:
    with server.db.read() as session:
        counter = session.get(Counter, counter_id)
        assert counter is not None
        return counter.state.value


def test_the_officers_agency_counters_are_offered_after_login(
    qtbot: QtBot, start_counter: StartCounter
) -> None:
    app = start_counter()
    wait_shows(qtbot, app.window, "Masuk petugas loket")
    log_in(qtbot, app, "petugas.dk")
    qtbot.waitUntil(lambda: app.shift.phase is Phase.PICK, timeout=WAIT_MS)
    wait_shows(qtbot, app.window, "Pilih loket")
    wait_shows(qtbot, app.window, "Loket 1")
    wait_shows(qtbot, app.window, "Loket 2")
    assert not shows(app.window, "Loket 3"), "another agency's counters are not offered"


def test_wrong_passwords_are_refused_clearly_and_repeated_ones_lock_the_login(
    qtbot: QtBot, start_counter: StartCounter
) -> None:
    app = start_counter()
    log_in(qtbot, app, "petugas.dk", "salah-sandi")
    wait_shows(qtbot, app.window, "Nama pengguna atau kata sandi salah.")
    assert app.shift.phase is Phase.LOGIN
    for _ in range(4):
        log_in(qtbot, app, "petugas.dk", "tebakan")
    log_in(qtbot, app, "petugas.dk")  # even the right password waits out the lock
    wait_shows(qtbot, app.window, "Terlalu banyak percobaan")
    assert app.shift.phase is Phase.LOGIN
    assert app.shift.message is not None
    # How long, from the server's ``retry_after``: 30 s for a first lock.
    assert re.search(r"coba lagi dalam (30|29|28) detik\.", app.shift.message.text)


def test_an_officer_cannot_open_another_agencys_counter(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    app = start_counter(counter_id=server.hall.c3)  # this PC is set to a Samsat counter
    log_in(qtbot, app, "petugas.dk")
    wait_shows(qtbot, app.window, "Loket ini milik instansi lain")
    assert app.shift.phase is Phase.PICK
    assert counter_state(server, server.hall.c3) == "closed"


def test_a_counter_in_use_or_taken_over_by_another_officer_is_said_clearly(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    with server.officer("petugas2.dk") as colleague:
        colleague.counter(server.hall.c2, "open")
    app = start_counter()
    log_in(qtbot, app, "petugas.dk")
    wait_shows(qtbot, app.window, "Dipakai petugas lain")
    open_counter(qtbot, app, server.hall.c2)
    wait_shows(qtbot, app.window, "Loket ini sedang dipakai petugas lain")
    assert app.shift.phase is Phase.PICK

    open_counter(qtbot, app, server.hall.c1)
    qtbot.waitUntil(lambda: app.shift.phase is Phase.WORK, timeout=WAIT_MS)
    with server.officer("admin") as admin:
        response = admin.post(f"/api/v1/counters/{server.hall.c1}/open", json={"takeover": True})
        assert response.status_code == 200, response.text
    wait_shows(qtbot, app.window, "Loket 1 diambil alih oleh admin atau supervisor.")
    assert app.shift.phase is Phase.PICK


def counter_holder(server: LiveServer, counter_id: int) -> int | None:
    with server.db.read() as session:
        counter = session.get(Counter, counter_id)
        assert counter is not None
        return counter.officer_id


def test_after_a_supervisors_takeover_the_officers_window_lets_the_counter_go(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    with server.officer("sup.dk") as supervisor:
        response = supervisor.post(
            f"/api/v1/counters/{server.hall.c1}/open", json={"takeover": True}
        )
        assert response.status_code == 200, response.text
    wait_shows(qtbot, app.window, "Loket 1 diambil alih oleh admin atau supervisor.")
    assert app.shift.phase is Phase.PICK

    # Logging out now closes nothing: the counter is the supervisor's, and stays so.
    qtbot.mouseClick(app.window.logout_button, Qt.MouseButton.LeftButton)
    wait_shows(qtbot, app.window, "Anda sudah keluar.")
    with server.officer("sup.dk") as supervisor:
        body = supervisor.get(f"/api/v1/counters/{server.hall.c1}").json()
    assert body["counter"]["state"] == "open"
    assert counter_holder(server, server.hall.c1) == server.hall.users["sup.dk"]


def test_logging_out_closes_the_counter_and_ends_the_token(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    token = app.api.token
    qtbot.mouseClick(app.window.logout_button, Qt.MouseButton.LeftButton)
    wait_shows(qtbot, app.window, "Anda sudah keluar.")
    assert app.shift.phase is Phase.LOGIN

    def closed_and_revoked() -> bool:
        with server.client(token) as old:
            revoked = old.get("/api/v1/auth/me").status_code == 401
        return revoked and counter_state(server, server.hall.c1) == "closed"

    qtbot.waitUntil(closed_and_revoked, timeout=WAIT_MS)


def test_an_expired_session_returns_to_the_login_with_a_message(
    qtbot: QtBot, start_counter: StartCounter, server: LiveServer
) -> None:
    app = start_counter()
    start_working(qtbot, app, "petugas.dk", server.hall.c1)
    # The token ends on the server (as at its expiry time); the next command finds out.
    with server.client(app.api.token) as same_token:
        assert same_token.post("/api/v1/auth/logout").status_code == 200
    click(qtbot, app, Action.PAUSE)
    wait_shows(qtbot, app.window, "Sesi Anda sudah berakhir. Silakan masuk lagi.")
    assert app.shift.phase is Phase.LOGIN
