"""Writers of one server process take turns on a lock of their own before SQLite's
(server.db): in order, instead of polling SQLite's lock with growing sleeps."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy.exc import TimeoutError as PoolTimeout

import server.db
from server.db import Database


@pytest.mark.parametrize("writer", ["write", "driver_write"], ids=["session", "driver"])
def test_a_writer_that_gets_no_turn_in_time_is_turned_away(
    app: Flask, monkeypatch: pytest.MonkeyPatch, writer: str
) -> None:
    """The turn is waited for as long as SQLite would wait for its lock; then the request
    is answered 503 (as an exhausted pool is), and the caller may retry. A transaction on
    the driver (server.driver_session) takes the same turn as a session."""
    db: Database = app.extensions["antre"].db
    monkeypatch.setattr(server.db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    holding, done = threading.Event(), threading.Event()

    def long_writer() -> None:
        with db.write():
            holding.set()
            done.wait(timeout=10)

    other = threading.Thread(target=long_writer)
    other.start()
    try:
        assert holding.wait(timeout=10)
        with pytest.raises(PoolTimeout), getattr(db, writer)():
            pass
    finally:
        done.set()
        other.join(timeout=10)
    with getattr(db, writer)():  # the turn is free again
        pass
