"""Whatever a socket sends, the server answers it cleanly: a refused connection or an
error ack, never a hang, never a traceback in the log.

The security review's probes against a real server: ``subscribe`` and ``unsubscribe``
with no argument or two raised ``TypeError`` (a traceback per call, any phone could flood
the log) and never answered; a lone surrogate in the connect ``auth`` logged a traceback,
and as a room it left the client waiting for its own timeout. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import socketio.exceptions

from tests.e2e.live import LiveServer, SocketListener
from tests.pg import ADMIN_URL, require_postgres

pytestmark = pytest.mark.slow

ERROR_ACK = {"ok": False, "error": "validation_error"}
HUGE = "x" * 200_000  # well inside the Socket.IO message limit (1 MB): the handler's turn

# What a client may send as the arguments of one event: python-socketio sends a tuple
# as several arguments, and None as none.
SHAPES: dict[str, Any] = {
    "no argument": None,
    "two arguments": ({"room": "hall"}, {"room": "hall"}),
    "a list": ["hall"],
    "a number": 7,
    "a huge string": HUGE,
    "null": (None,),
    "no room": {"kamar": "hall"},
    "a room that is a number": {"room": 1},
    "a huge room": {"room": HUGE},
    "a lone surrogate room": {"room": "ticket:\ud800"},
    "a NUL room": {"room": "ticket:\x00abc"},
    "a room with a surrogate key": {"room": "hall", "\udfff": 1},
}


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """One server per backend for the module: every probe here only reads."""
    admin = None
    if request.param == "postgres":
        require_postgres()
        admin = ADMIN_URL
    live = LiveServer(tmp_path_factory.mktemp(f"payloads-{request.param}"), pg_admin_url=admin)
    try:
        live.prepare_database()
        live.start()
        yield live
    finally:
        live.close()


@pytest.fixture
def board(server: LiveServer) -> Iterator[SocketListener]:
    with server.socket({"token": server.hall.tokens["display-a"]}) as socket:
        yield socket


class Log:
    """The server's log from the start of the test on (the server is shared by the module)."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.start = len(server.log_text())

    def tracebacks(self) -> list[str]:
        lines = self.server.log_text()[self.start :].splitlines()
        return [line for line in lines if "Traceback" in line or "TypeError" in line]


@pytest.fixture
def log(server: LiveServer) -> Log:
    return Log(server)


@pytest.mark.parametrize("event", ["subscribe", "unsubscribe"])
@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_every_payload_shape_gets_a_clean_error_ack(
    log: Log, board: SocketListener, event: str, shape: Any
) -> None:
    ack = board.client.call(event, shape, timeout=5)

    assert ack == ERROR_ACK
    assert board.client.connected
    assert log.tracebacks() == []


def test_the_socket_still_subscribes_after_every_bad_payload(
    server: LiveServer, board: SocketListener
) -> None:
    for shape in SHAPES.values():
        board.client.call("subscribe", shape, timeout=5)

    ack = board.call("subscribe", {"room": "zone:zona-a"})

    assert ack["ok"] is True and ack["room"] == "zone:zona-a"
    assert board.call("unsubscribe", {"room": "zone:zona-a"}) == {"ok": True}


@pytest.mark.parametrize(
    "auth",
    [
        {"ticket": "\ud800"},
        {"token": "\ud800"},
        {"ticket": "abc\x00def"},
        {"token": "ant_d_\x00"},
        {"ticket": "ok", "\udbff": "x"},
    ],
    ids=["surrogate ticket", "surrogate token", "NUL ticket", "NUL token", "surrogate key"],
)
def test_a_connect_auth_that_is_not_text_is_refused_without_a_traceback(
    server: LiveServer, log: Log, auth: Any
) -> None:
    assert refusal(server, auth) == "validation_error"
    assert log.tracebacks() == []


@pytest.mark.parametrize("auth", [["ticket"], 5, "ticket", None], ids=repr)
def test_a_connect_auth_of_another_shape_is_refused_as_unauthenticated(
    server: LiveServer, log: Log, auth: Any
) -> None:
    assert refusal(server, auth) == "unauthenticated"
    assert log.tracebacks() == []


def refusal(server: LiveServer, auth: Any) -> object:
    """Why the server refused a connection with this ``auth`` (its ``connect_error``)."""
    client = socketio.Client(reconnection=False)
    reasons: list[dict[str, Any]] = []
    client.on("connect_error", reasons.append)
    try:
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(server.url, auth=auth, transports=["websocket"], wait_timeout=5)
    finally:
        client.disconnect()
    assert len(reasons) == 1, reasons
    return reasons[0]["message"]
