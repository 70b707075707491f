"""A push never fails the command that made it: with the Redis message queue gone, a
real server still answers "next" with 200, its own boards still hear the call, and its
socket connections are refused cleanly (not with a traceback) while the database is away."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import socketio.exceptions
from sqlalchemy.engine import make_url

from server.config import ServerConfig
from server.push import message_queue_manager
from tests.cluster.services import RedisProcess
from tests.e2e.live import LiveServer, _pg_admin, wait_until

pytestmark = pytest.mark.slow


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisProcess]:
    redis = RedisProcess(tmp_path)
    redis.start()
    try:
        yield redis
    finally:
        redis.stop()


def test_with_redis_gone_next_still_answers_200_and_local_boards_hear_it(
    tmp_path: Path, redis_server: RedisProcess
) -> None:
    server = LiveServer(tmp_path, message_queue=redis_server.url)
    try:
        server.prepare_database()
        server.start()
        hall = server.hall
        with (
            server.socket({"token": hall.tokens["display-a"]}) as board,
            server.device("kiosk") as kiosk,
            server.officer("petugas.dk") as officer,
        ):
            first = kiosk.issue(hall.ktp)
            second = kiosk.issue(hall.ktp)
            officer.counter(hall.c1, "open")
            board.wait_for("queue.stats")  # the queue works while Redis runs

            redis_server.stop()

            called = officer.counter(hall.c1, "next")  # 200, or this fails
            assert called["ticket"]["id"] == first["id"]
            heard = board.wait_for("ticket.called", timeout=10)
            assert heard["ticket"]["id"] == first["id"]
            again = officer.counter(hall.c1, "next")
            assert again["ticket"]["id"] == second["id"]
            board.wait_for("ticket.called", lambda e: e["ticket"]["id"] == second["id"])
        log = server.log_text()
        assert "Traceback" not in log
        assert " 500 " not in log
    finally:
        server.close()


def test_while_the_database_is_away_a_socket_is_refused_as_unavailable(
    tmp_path: Path, pg_url: str
) -> None:
    server = LiveServer(tmp_path, pg_admin_url=pg_url)
    try:
        server.prepare_database()
        server.start()
        name = make_url(server.database_url).database
        token = server.hall.tokens["display-a"]

        with _database_closed(pg_url, str(name)):
            refused = server.socket({"token": token})
            reasons: list[object] = []
            refused.client.on("connect_error", reasons.append)
            with pytest.raises(socketio.exceptions.ConnectionError):
                refused.connect()
            refused.close()
            assert reasons == [{"message": "unavailable", "data": {"retry_after": 2}}]

        # Back: the same process accepts the board again, nobody restarted anything.
        def connects() -> bool:
            listener = server.socket({"token": token})
            try:
                listener.connect()
            except socketio.exceptions.ConnectionError:
                return False
            listener.close()
            return True

        wait_until(connects, 20, "the board to connect once the database is back", every=0.5)
        log = server.log_text()
        assert "socket refused, database unavailable" in log
        assert "Traceback" not in log
    finally:
        server.close()


class _database_closed:  # a context manager named as it reads: with _database_closed(...)
    """The server's database refuses connections and its open ones are ended, as in a
    restart, without touching the machine's shared PostgreSQL server or other databases."""

    def __init__(self, admin_url: str, name: str) -> None:
        self.admin_url = admin_url
        self.name = name

    def _run(self, sql: str) -> None:
        conn = _pg_admin(self.admin_url)
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
        finally:
            conn.close()

    def __enter__(self) -> None:
        self._run(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS false')
        self._run(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{self.name}' AND pid <> pg_backend_pid()"
        )

    def __exit__(self, *_: object) -> None:
        self._run(f'ALTER DATABASE "{self.name}" WITH ALLOW_CONNECTIONS true')


def test_the_redis_queue_bounds_its_connect_time_but_not_its_reads() -> None:
    """A read timeout would end the idle subscriber's blocking read: connect only."""
    config = ServerConfig(message_queue="redis://127.0.0.1:1/0", message_queue_channel="hall-x")
    manager = message_queue_manager(config)
    assert manager is not None
    assert manager.channel == "hall-x"
    manager._redis_connect()  # builds the client; connects lazily, on first use
    options = manager.redis.connection_pool.connection_kwargs
    assert options["socket_connect_timeout"] == 2.0
    assert options.get("socket_timeout") is None
    assert message_queue_manager(ServerConfig()) is None
