"""Writers of one server process take turns on a lock of their own before SQLite's
(server.db): in order, instead of polling SQLite's lock with growing sleeps; and on the
connection used last, whose page cache is still valid."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.exc import TimeoutError as PoolTimeout

import server.db
from server.db import Database, make_engine
from server.models import CatalogVersion


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


def test_writes_and_reads_in_turn_take_the_connection_used_last(app: Flask) -> None:
    """SQLite keeps a page cache per connection, valid until another connection writes.
    A pool that handed its connections out in turn gave every write a stale cache (each
    issue read its pages from disk again); the one used last is the one to take."""
    db: Database = app.extensions["antre"].db
    several = [db.engine.raw_connection() for _ in range(3)]
    for connection in several:  # the pool now holds three
        connection.close()
    taken: list[int] = []
    event.listen(db.engine, "checkout", lambda dbapi, *_: taken.append(id(dbapi)))
    for _ in range(2):
        with db.driver_write() as driver:
            driver.execute(select(CatalogVersion.version))
        with db.write() as session:
            session.execute(select(CatalogVersion.version))
        with db.read() as session:
            session.execute(select(CatalogVersion.version))
    assert len(taken) == 6
    assert len(set(taken)) == 1


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_keeps_the_pool_sqlalchemy_gives_it(url: str) -> None:
    """Its pool holds one connection and takes no order: asking for one refused the URL."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT 1").scalar() == 1
    finally:
        engine.dispose()
