"""The server process itself: both async modes serve, a port is never shared, the log
tells what happened without giving away a credential."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.live import REPO, LiveServer
from tests.factories import PASSWORD

pytestmark = pytest.mark.slow

MODES = ["eventlet", "threading"]


@pytest.mark.parametrize("live_server", MODES, indirect=True)
def test_each_async_mode_serves_a_whole_issue_and_call_cycle(live_server: LiveServer) -> None:
    hall = live_server.hall
    with live_server.device("kiosk") as kiosk, live_server.officer("petugas.dk") as officer:
        issued = kiosk.issue(hall.ktp)
        officer.counter(hall.c1, "open")

        called = officer.counter(hall.c1, "next")
        done = officer.counter(hall.c1, "next")

        status = kiosk.get(f"/api/v1/tickets/{issued['status_code']}").json()
    assert called["ticket"]["id"] == issued["id"]
    assert called["ticket"]["state"] == "called"
    assert called["ticket"]["counter"]["label"] == "Loket 1"
    assert done["ticket"] is None
    assert status["ticket"]["state"] == "done"


@pytest.mark.parametrize("live_server", MODES, indirect=True)
def test_the_server_runs_without_a_traceback_in_its_log(live_server: LiveServer) -> None:
    """Under eventlet a traceback at start means the standard library was patched too late
    (after Flask imported threading and socket): then locks and sockets created before
    the patch block the whole process instead of one green thread."""
    hall = live_server.hall
    with live_server.device("kiosk") as kiosk, live_server.officer("petugas.dk") as officer:
        kiosk.issue(hall.ktp)
        officer.counter(hall.c1, "open")
        officer.counter(hall.c1, "next")
    log = live_server.log_text()
    assert "Traceback" not in log, log
    assert "monkey_patch" not in log, log


@pytest.mark.parametrize("mode", MODES)
def test_a_second_server_on_a_served_port_refuses_to_start(
    live_server: LiveServer, mode: str
) -> None:
    second = subprocess.run(
        live_server.command(mode=mode),
        cwd=REPO,
        env=live_server.environment(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=10,
    )
    assert second.returncode != 0
    message = second.stdout + second.stderr
    assert "already served" in message or "in use" in message, message
    with live_server.device("kiosk") as kiosk:  # the first one is unharmed
        assert kiosk.issue(live_server.hall.ktp)["sequence"] == 1


@pytest.mark.parametrize("live_server", MODES, indirect=True)
def test_the_log_has_a_line_per_request_and_never_a_credential(live_server: LiveServer) -> None:
    hall = live_server.hall
    with live_server.device("kiosk") as kiosk, live_server.officer("petugas.dk") as officer:
        tickets = [kiosk.issue(hall.ktp) for _ in range(3)]
        officer.counter(hall.c1, "open")
        for _ in range(4):
            officer.counter(hall.c1, "next")
        refused = kiosk.post(f"/api/v1/counters/{hall.c1}/next")
        stranger = live_server.client("ant_u_" + "guessed-token").get("/api/v1/auth/me")
        with live_server.socket({"token": officer.token or ""}) as socket:
            socket.call("subscribe", {"room": f"counter:{hall.c1}"})
        officer_token = officer.token
    assert refused.status_code == 403
    assert stranger.status_code == 401

    # The line is written before the response leaves, so the log is complete by now.
    log = live_server.log_text()
    lines = [line for line in log.splitlines() if " antre.http " in line]
    assert sum(" POST /api/v1/tickets 201 " in line for line in lines) == len(tickets)
    assert sum(" POST /api/v1/auth/login 200 " in line for line in lines) == 1
    assert sum(f" POST /api/v1/counters/{hall.c1}/open 200 " in line for line in lines) == 1
    assert sum(f" POST /api/v1/counters/{hall.c1}/next 200 " in line for line in lines) == 4
    assert sum(f" POST /api/v1/counters/{hall.c1}/next 403 " in line for line in lines) == 1
    assert sum(" GET /api/v1/auth/me 401 " in line for line in lines) == 1
    # Each line names who asked (never with a token): the kiosk, the officer, nobody.
    issued = [line for line in lines if " POST /api/v1/tickets 201 " in line]
    assert all(":kiosk request_id=" in line and " device:" in line for line in issued)
    called = [line for line in lines if f"/counters/{hall.c1}/next 200 " in line]
    assert all(" user:" in line for line in called)
    assert all(" - request_id=" in line for line in lines if " /api/v1/auth/me 401 " in line)
    secrets = {
        "kiosk token": hall.tokens["kiosk"],
        "display token": hall.tokens["display-a"],
        "officer token": officer_token,
        "password": PASSWORD,
        "secret key": live_server.secret_key,
        "guessed token": "guessed-token",
    }
    leaked = [name for name, value in secrets.items() if value and value in log]
    assert leaked == [], f"the server log shows: {leaked}"
    assert not re.search(r"ant_[du]_[A-Za-z0-9_-]{8,}", log)


@pytest.mark.postgres
def test_a_plain_postgresql_url_is_enough(tmp_path: Path, pg_url: str) -> None:
    """Operators write ``postgresql://``, not a SQLAlchemy driver name (SQLAlchemy 2.1 maps
    it to psycopg 3, which Antre does not install)."""
    server = LiveServer(tmp_path, pg_admin_url=pg_url)
    server.prepare_database()
    server.server_database_url = server.database_url.replace(
        "postgresql+psycopg2://", "postgresql://"
    )
    try:
        server.start()
        with server.device("kiosk") as kiosk:
            assert kiosk.issue(server.hall.ktp)["number"] == "DK-001"
    finally:
        server.close()
