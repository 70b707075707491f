"""Each application re-checks the logins behind its own sockets only: one process may
hold several applications (the tests do), each with its own database."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from server.app import create_app
from server.config import ServerConfig
from server.extensions import socketio
from server.realtime import recheck_sockets
from server.state import AppState
from tests.conftest import FakeClock
from tests.factories import Hall


@pytest.fixture
def other_app(tmp_path: Path, schema_template: Path, clock: FakeClock) -> Iterator[Flask]:
    """A second application in this process, on an empty database of its own."""
    path = tmp_path / "other.sqlite3"
    shutil.copy(schema_template, path)
    config = ServerConfig(
        database_url=f"sqlite:///{path}", async_mode="threading", secret_key="y" * 32
    )
    other = create_app(config, clock=clock)
    yield other
    state: AppState = other.extensions["antre"]
    state.db.dispose()


def test_another_applications_recheck_leaves_this_ones_sockets_alone(
    app: Flask, hall: Hall, other_app: Flask
) -> None:
    board = socketio.test_client(app, auth={"token": hall.tokens["display-a"]})
    assert board.is_connected()

    # Its database knows no such display: before, it disconnected the board.
    assert recheck_sockets(other_app) == 0
    assert recheck_sockets(app) == 0

    assert board.is_connected()
    board.disconnect()
