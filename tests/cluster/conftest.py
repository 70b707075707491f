"""Fixtures for the large-hall set-up: two ``antre-server run`` processes on different
ports over one PostgreSQL database, talking through a Redis message queue.

Every test gets its own database and its own ``redis-server`` (Socket.IO's channel is
global to a Redis server, whatever the db number, so two runs on the machine's Redis
would hear each other's events). Select these tests with ``-m cluster``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.cluster.services import PostgresCluster, RedisProcess
from tests.e2e.live import LiveServer, Prepare
from tests.pg import ADMIN_URL, require_postgres


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "cluster: several server processes on PostgreSQL + Redis, with faults (tests/cluster)",
    )


@dataclass
class Cluster:
    """The processes of one installation, and the services they share."""

    servers: list[LiveServer]
    redis: RedisProcess
    pg: PostgresCluster | None = None

    @property
    def first(self) -> LiveServer:
        return self.servers[0]

    @property
    def ports(self) -> list[int]:
        return [server.port for server in self.servers]


StartCluster = Callable[..., Cluster]


@pytest.fixture
def redis_mq(tmp_path: Path) -> Iterator[RedisProcess]:
    """A Redis server of this test's own (the message queue it may stop and start)."""
    server = RedisProcess(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def own_postgres() -> Iterator[PostgresCluster]:
    """A throwaway PostgreSQL cluster this test may restart (never the machine's)."""
    cluster = PostgresCluster()
    try:
        cluster.init()
        cluster.start()
    except Exception:
        cluster.remove()
        raise
    yield cluster
    cluster.remove()


@pytest.fixture
def start_cluster(
    tmp_path: Path, redis_mq: RedisProcess, request: pytest.FixtureRequest
) -> Iterator[StartCluster]:
    """``start_cluster(processes=2, postgres=None, prepare=fn)``: seed a fresh database
    (on the machine's PostgreSQL, or on ``postgres`` when given), then start the processes."""
    started: list[LiveServer] = []

    def start(
        *,
        processes: int = 2,
        postgres: PostgresCluster | None = None,
        prepare: Prepare | None = None,
    ) -> Cluster:
        if postgres is None:
            require_postgres()
        admin = postgres.admin_url if postgres is not None else ADMIN_URL
        first_dir = tmp_path / "server0"
        first_dir.mkdir()
        first = LiveServer(
            first_dir, pg_admin_url=admin, prepare=prepare, message_queue=redis_mq.url
        )
        started.append(first)
        first.prepare_database()
        servers = [first]
        for i in range(1, processes):
            workdir = tmp_path / f"server{i}"
            workdir.mkdir()
            other = LiveServer.sharing(first, workdir)
            started.append(other)
            servers.append(other)
        for server in servers:
            server.start()
        return Cluster(servers=servers, redis=redis_mq, pg=postgres)

    yield start
    with contextlib.ExitStack() as cleanup:  # the database's owner last: it drops it
        for server in started:
            cleanup.callback(server.close)
