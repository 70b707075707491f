"""The shared client library against a real server: retries that never make two
tickets, and a live feed that reconnects and resynchronises by itself."""

from __future__ import annotations

import socket
import threading
from typing import Any

import pytest
from sqlalchemy import func, select

from server.models import Ticket
from shared.api_client import ApiClient, ApiError
from shared.errors import ErrorCode
from shared.live import LiveFeed
from tests.e2e.live import LiveServer, free_port, wait_until


def read_http_message(sock: socket.socket) -> bytes:
    """One whole HTTP/1.1 request or response (head and Content-Length body), or b"" at EOF.

    Reading whole messages, not single ``recv`` calls, is what makes the relay
    deterministic: a body sent in a second TCP segment is still relayed with its head.
    """
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return b""
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


class DropFirstResponse:
    """A TCP relay to the server that lets the first request through but cuts the
    connection before its response reaches the client: a response lost on the LAN."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._listener.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            drop = self.connections == 1
            threading.Thread(target=self._relay, args=(client, drop), daemon=True).start()

    def _relay(self, client: socket.socket, drop: bool) -> None:
        upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
        client.settimeout(5)
        try:
            while True:  # one request, then its response, for as long as keep-alive lasts
                request = read_http_message(client)
                if not request:
                    break
                upstream.sendall(request)
                response = read_http_message(upstream)
                if drop or not response:
                    break  # the server answered in full; the client never hears it
                client.sendall(response)
        except OSError:
            pass
        finally:
            client.close()
            upstream.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._listener.close()


def count_tickets(server: LiveServer) -> int:
    with server.db.read() as session:
        return session.scalar(select(func.count()).select_from(Ticket)) or 0


def test_a_retry_after_a_lost_response_returns_the_same_ticket(live_server: LiveServer) -> None:
    relay = DropFirstResponse(live_server.port)
    client = ApiClient(f"http://127.0.0.1:{relay.port}", live_server.hall.tokens["kiosk"])
    try:
        issued = client.issue_ticket(live_server.hall.ktp, backoff=0.05)
    finally:
        client.close()
        relay.close()
    assert relay.connections >= 2  # the first response was really lost
    assert issued.replayed
    assert issued.ticket["number"] == "DK-001"
    assert count_tickets(live_server) == 1


def test_an_unreachable_server_is_an_error_and_no_ticket(live_server: LiveServer) -> None:
    client = ApiClient(f"http://127.0.0.1:{free_port()}", live_server.hall.tokens["kiosk"])
    with pytest.raises(ApiError) as caught:
        client.issue_ticket(live_server.hall.ktp, attempts=2, backoff=0.01)
    assert caught.value.code == ErrorCode.UNAVAILABLE
    assert caught.value.retryable


def test_a_refusal_carries_the_servers_code(live_server: LiveServer) -> None:
    display = ApiClient(live_server.url, live_server.hall.tokens["display-a"])
    with pytest.raises(ApiError) as caught:
        display.issue_ticket(live_server.hall.ktp)
    assert (caught.value.code, caught.value.status) == (ErrorCode.FORBIDDEN, 403)
    assert not caught.value.retryable


class Board:
    """A minimal display client built on LiveFeed: what a real board does, without Qt."""

    def __init__(self, server: LiveServer) -> None:
        self.api = ApiClient(server.url, server.hall.tokens["display-a"])
        self.calls: list[str] = []
        self.resyncs = 0
        self.online: list[bool] = []
        self.feed = LiveFeed(
            server.url,
            {"token": server.hall.tokens["display-a"]},
            on_event=self.on_event,
            on_resync=self.resync,
            on_status=self.online.append,
            retry_seconds=0.5,
        )

    def resync(self) -> None:
        try:
            snapshot = self.api.zone_snapshot("zona-a")
        except ApiError:
            return  # the server went away again; the next connect resyncs
        self.resyncs += 1
        self.calls = [c["number"] for c in reversed(snapshot["last_calls"])]
        self.feed.tracker.reset(f"zone:{snapshot['zone']['code']}", snapshot["seq"])

    def on_event(self, name: str, payload: dict[str, Any]) -> None:
        if name == "ticket.called":
            self.calls.append(payload["ticket"]["number"])


def test_the_feed_reconnects_after_a_restart_and_shows_what_it_missed(
    live_server: LiveServer,
) -> None:
    kiosk = live_server.device("kiosk")
    officer = live_server.officer("petugas.dk")
    for _ in range(3):
        kiosk.issue(live_server.hall.ktp)
    officer.counter(live_server.hall.c1, "open")
    board = Board(live_server)
    board.feed.start()
    try:
        wait_until(lambda: board.resyncs >= 1, 10, "the first snapshot")
        officer.counter(live_server.hall.c1, "next")
        wait_until(lambda: board.calls == ["DK-001"], 10, "DK-001 on the board")

        live_server.stop()
        wait_until(lambda: board.online[-1:] == [False], 10, "the board to notice")
        live_server.restart()
        officer = live_server.officer("petugas.dk")
        officer.counter(live_server.hall.c1, "next")  # made while the board may still be away

        wait_until(lambda: board.calls[-1:] == ["DK-002"], 15, "DK-002 after the restart")
        assert board.online[-1] is True
        assert board.resyncs >= 2
    finally:
        board.feed.stop()
