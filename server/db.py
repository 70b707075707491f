"""Engine and sessions: the embedded SQLite default and PostgreSQL behave alike here.

Two things make concurrent writers safe on SQLite: WAL (readers never wait for the
writer) and ``BEGIN IMMEDIATE`` for write transactions, so two writers queue on the
database lock at their first statement instead of deadlocking when both try to
upgrade a read lock. On PostgreSQL, row locks (``FOR UPDATE``) do that job.

SQLite has one writer at a time anyway, and the writers of this process queue for it
on a lock of their own before ``BEGIN IMMEDIATE``: SQLite's busy handler would make them
poll with sleeps of up to 100 ms, letting newcomers overtake those asleep (seconds of
tail latency in threading mode). Under eventlet the lock is green, and hardly ever
waited for: nothing in a transaction on SQLite yields to another greenlet.

Two things tried and left out (docs/benchmarks.md): committing on an OS thread under
eventlet, so that the event loop goes on while the disk syncs (the hand-over and the
GIL going back and forth cost about 1 ms of CPU per ticket and held the write turn
longer), and checkpointing the WAL from a thread of the server's instead of in the
commit that finds it long (no measurable gain here).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import InterfaceError, OperationalError, SADeprecationWarning
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from server.driver_session import DriverSession, driver_transaction

SQLITE_BUSY_TIMEOUT_MS = 30_000
# What a database restarting, gone, locked too long, or with every connection busy
# raises: expected in a hall's life, retried, and logged in one line, not as a fault.
DATABASE_AWAY = (OperationalError, InterfaceError, PoolTimeout)
_WRITE = "antre_write"


def make_engine(url: str, *, sqlite_synchronous: str = "full", **kwargs: Any) -> Engine:
    """Create the engine for ``url`` with the settings Antre relies on.

    ``sqlite_synchronous="full"`` (the default) syncs the WAL to disk at every commit:
    a power cut then never takes back a ticket the kiosk already printed. "normal"
    is faster but may lose the last commits on a power cut (not on a process crash).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if _queue_pooled(parsed, kwargs):
            # The connection used last is handed out next. Each SQLite connection keeps
            # its own page cache, valid only until another connection writes: taken in
            # turn (the pool's default), every issue found its connection's cache stale
            # and read its ~70 pages again (docs/benchmarks.md, the ninth pass).
            kwargs.setdefault("pool_use_lifo", True)
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **kwargs,
        )
        _install_sqlite_hooks(engine, sqlite_synchronous)
        return engine
    if parsed.drivername == "postgresql":
        # SQLAlchemy 2.1 would pick psycopg 3; Antre uses psycopg2, which psycogreen makes
        # cooperative under eventlet.
        url = parsed.set(drivername="postgresql+psycopg2").render_as_string(hide_password=False)
    kwargs.setdefault("pool_pre_ping", True)
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 20)
    return create_engine(url, **kwargs)


def _queue_pooled(parsed: URL, kwargs: dict[str, Any]) -> bool:
    """Whether the engine gets SQLAlchemy's ``QueuePool`` (a database file); an
    in-memory database gets a pool of its own, which takes no order."""
    if "pool" in kwargs:
        return False  # the caller's own pool, in the caller's order
    if "poolclass" in kwargs:
        return issubclass(kwargs["poolclass"], QueuePool)
    with warnings.catch_warnings():
        # Asked again by create_engine, which says it then, if it has to (mode=memory).
        warnings.simplefilter("ignore", SADeprecationWarning)
        dialect: Any = parsed.get_dialect()  # DefaultDialect's, not in the interface
        return issubclass(dialect.get_pool_class(parsed), QueuePool)


def _install_sqlite_hooks(engine: Engine, synchronous: str) -> None:
    if synchronous not in ("full", "normal"):
        raise ValueError(f"sqlite synchronous must be full or normal, not {synchronous!r}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when a transaction starts.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous.upper()}")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """The engine plus a session factory; one per application."""

    def __init__(self, url: str, **engine_kwargs: Any) -> None:
        """``engine_kwargs`` go to ``make_engine`` (e.g. ``sqlite_synchronous``)."""
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._sqlite = self.engine.dialect.name == "sqlite"
        # Created after eventlet patched the standard library (server.entry), so a
        # greenlet waiting here lets the others run.
        self._writer = threading.Lock()

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction may write; committed on success, rolled back on error."""
        with self._one_writer(), self._sessions() as session:
            session.connection(execution_options={_WRITE: True})
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    @property
    def driver_writes(self) -> bool:
        """Whether ``driver_write`` can run here (SQLite through Python's own sqlite3)."""
        return self._sqlite and self.engine.dialect.driver == "pysqlite"

    @contextmanager
    def driver_write(self) -> Iterator[DriverSession]:
        """A write transaction on the driver itself, in this process's write turn, for a
        command that may run without the ORM session (``server.driver_session``)."""
        with self._one_writer(), driver_transaction(self.engine) as session:
            yield session

    @contextmanager
    def _one_writer(self) -> Iterator[None]:
        """This process's turn to write (SQLite); PostgreSQL writers need no turns."""
        if not self._sqlite:
            yield
            return
        if not self._writer.acquire(timeout=SQLITE_BUSY_TIMEOUT_MS / 1000):
            # As long as SQLite itself would have waited: a stuck writer, answered with 503.
            raise PoolTimeout("no turn to write to the database")
        try:
            yield
        finally:
            self._writer.release()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only session: one consistent view (a snapshot with its seq must agree)."""
        with self._sessions() as session:
            if self.engine.dialect.name == "postgresql":
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            try:
                yield session
            finally:
                session.rollback()

    def dispose(self) -> None:
        self.engine.dispose()
