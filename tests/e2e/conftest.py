"""Fixtures for end-to-end tests: real server processes on 127.0.0.1, each over its own
seeded database, always stopped (and their PostgreSQL databases dropped) at teardown."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.e2e.live import LiveServer, Prepare
from tests.pg import ADMIN_URL, postgres_available

StartServer = Callable[..., LiveServer]


@pytest.fixture
def pg_url() -> str:
    """The PostgreSQL server to create test databases on: skipped on a developer's
    machine without it, a failure in CI (where it is part of the contract)."""
    if not postgres_available():
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL is not reachable at {ADMIN_URL}")
        pytest.skip(f"PostgreSQL is not reachable at {ADMIN_URL}")
    return ADMIN_URL


@pytest.fixture
def start_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[StartServer]:
    """Start servers: ``start_server(mode="threading", backend="postgres", prepare=fn)``."""
    servers: list[LiveServer] = []

    def start(
        *, mode: str = "eventlet", backend: str = "sqlite", prepare: Prepare | None = None
    ) -> LiveServer:
        admin = request.getfixturevalue("pg_url") if backend == "postgres" else None
        workdir = tmp_path / f"server{len(servers)}"
        workdir.mkdir()
        server = LiveServer(workdir, mode=mode, pg_admin_url=admin, prepare=prepare)
        servers.append(server)
        server.prepare_database()
        server.start()
        return server

    yield start
    with contextlib.ExitStack() as cleanup:  # every server, even when one fails to stop
        for server in servers:
            cleanup.callback(server.close)


@pytest.fixture
def live_server(start_server: StartServer, request: pytest.FixtureRequest) -> LiveServer:
    """A server over SQLite in the async mode the test parametrises (eventlet by default)."""
    mode = getattr(request, "param", "eventlet")
    return start_server(mode=mode)
