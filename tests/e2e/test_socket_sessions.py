"""An open socket lasts only as long as the login behind it: a real server re-checks its
sockets every ``socket_recheck_seconds`` (1 s here) and disconnects those whose officer
logged out, whose user was disabled, whose device token was revoked or whose console
session ended; sockets whose login still holds stay, and so do phones' ticket sockets."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio.exceptions
from sqlalchemy import select, update

from server.domain.devices import revoke_device
from server.domain.retention import Cutoff, prune
from server.models import Device, User
from tests.e2e.live import HTTP_TIMEOUT, LiveServer, SocketListener, wait_until
from tests.factories import PASSWORD

pytestmark = pytest.mark.slow

RECHECK_SECONDS = 1
# The bound a test allows: generous for a shared, busy machine; the server's promise
# (docs/fault-tolerance.md) is one re-check interval.
ENDS_WITHIN = 20.0


class RecheckingServer(LiveServer):
    """A server that re-checks its sockets every second instead of every 30."""

    def environment(self) -> dict[str, str]:
        env = super().environment()
        env["ANTRE_SOCKET_RECHECK_SECONDS"] = str(RECHECK_SECONDS)
        return env


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    live = RecheckingServer(tmp_path)
    try:
        live.prepare_database()
        live.start()
        yield live
    finally:
        live.close()


def disconnected(listener: SocketListener) -> bool:
    return not listener.client.connected


def wait_disconnected(listener: SocketListener, what: str) -> None:
    wait_until(lambda: disconnected(listener), ENDS_WITHIN, what, every=0.1)


def test_an_officers_socket_is_disconnected_after_the_logout(server: LiveServer) -> None:
    with (
        server.officer("petugas.dk") as officer,
        server.socket({"token": officer.token or ""}) as socket,
    ):
        assert socket.client.connected

        assert officer.post("/api/v1/auth/logout").status_code == 200

        wait_disconnected(socket, "the logged-out officer's socket to be disconnected")
        refused = server.socket({"token": officer.token or ""})
        with pytest.raises(socketio.exceptions.ConnectionError):
            refused.connect()
        refused.close()


def test_a_disabled_users_socket_is_disconnected(server: LiveServer) -> None:
    with (
        server.officer("petugas.dk") as officer,
        server.socket({"token": officer.token or ""}) as socket,
    ):
        with server.db.write() as session:
            session.execute(
                update(User).where(User.id == server.hall.users["petugas.dk"]).values(active=False)
            )

        wait_disconnected(socket, "the disabled officer's socket to be disconnected")


def test_a_revoked_display_is_disconnected_while_a_valid_one_stays_and_hears(
    server: LiveServer,
) -> None:
    hall = server.hall
    with (
        server.socket({"token": hall.tokens["display-a"]}) as revoked,
        server.socket({"token": hall.tokens["display-b"]}) as kept,
        server.device("kiosk") as kiosk,
    ):
        with server.db.write() as session:
            device = session.scalars(select(Device).where(Device.name == "display-a")).one()
            revoke_device(session, device)

        wait_disconnected(revoked, "the revoked display's socket to be disconnected")
        again = server.socket({"token": hall.tokens["display-a"]})
        with pytest.raises(socketio.exceptions.ConnectionError):
            again.connect()
        again.close()

        # Later re-check rounds leave the other board alone, and it still hears its zone.
        before = len(kept.received("queue.stats"))
        kiosk.issue(hall.pkb)
        wait_until(lambda: len(kept.received("queue.stats")) > before, 10, "zone B's stats")
        assert kept.client.connected


def test_a_phones_ticket_socket_stays_until_the_ticket_is_gone(server: LiveServer) -> None:
    hall = server.hall
    with server.device("kiosk") as kiosk:
        ticket = kiosk.issue(hall.ktp)
    code = ticket["status_code"]
    with server.socket({"ticket": code}) as phone:
        with server.socket({"token": hall.tokens["display-a"]}) as board:
            # A revoked device's disconnect marks a completed re-check round that
            # left the phone alone.
            with server.db.write() as session:
                device = session.scalars(select(Device).where(Device.name == "display-a")).one()
                revoke_device(session, device)
            wait_disconnected(board, "the revoked board's socket to be disconnected")
        assert phone.client.connected

        # Retention prunes it (a cutoff after today, as if the day were long past). Two
        # days on, not one: after 17.00 UTC the hall's day (Asia/Jakarta) is already
        # tomorrow in UTC, and a cutoff of tomorrow would keep the ticket.
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
        prune(server.db.write, Cutoff(date=later.date(), moment=later))

        wait_disconnected(phone, "the pruned ticket's phone socket to be disconnected")


def console_login(server: LiveServer, username: str) -> requests.Session:
    """Log in to the web console as a browser does: the login rides the session cookie."""
    browser = requests.Session()
    page = browser.get(f"{server.url}/login", timeout=HTTP_TIMEOUT)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    response = browser.post(
        f"{server.url}/login",
        data={"username": username, "password": PASSWORD, "csrf_token": found.group(1)},
        allow_redirects=False,
        timeout=HTTP_TIMEOUT,
    )
    assert response.status_code == 302, response.text
    return browser


def test_a_console_pages_socket_is_disconnected_after_the_console_logout(
    server: LiveServer,
) -> None:
    browser = console_login(server, "sup.dk")
    cookie = "; ".join(f"{c.name}={c.value}" for c in browser.cookies)
    page = socketio.Client(reconnection=False)
    try:
        page.connect(
            server.url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=5
        )
        assert page.connected
        home = browser.get(f"{server.url}/", timeout=HTTP_TIMEOUT)
        found = re.search(r'name="csrf_token" value="([^"]+)"', home.text) or re.search(
            r'csrf-token" content="([^"]+)"', home.text
        )
        assert found is not None, "no CSRF secret on the console's home page"
        logout = browser.post(
            f"{server.url}/logout",
            data={"csrf_token": found.group(1)},
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
        )
        assert logout.status_code == 302

        wait_until(lambda: not page.connected, ENDS_WITHIN, "the console page's socket to end")
    finally:
        page.disconnect()
        browser.close()
