"""Waking a separate notice worker as soon as a command queued a notice.

``antre-server notify-worker`` runs beside the servers and would otherwise find a new
"called" notice only at its next round (``[notify] interval_seconds``, 2 s). A command
that queued one says so:

- **PostgreSQL**: ``NOTIFY antre_notices`` inside the command's own transaction
  (``announce_queued``): PostgreSQL delivers it at commit, and not at all on rollback,
  so a worker is never woken for a notice that does not exist. One statement, only in
  a command that queued a notice. The worker ``LISTEN``s on a connection of its own.
- **Redis** (SQLite with several processes and the Socket.IO message queue configured):
  the server publishes on ``<message_queue_channel>-notices`` after the commit
  (``publish_queued``); the worker subscribes.
- Otherwise the worker polls (and a single SQLite process wakes its in-server worker
  with an event: ``AppState.notices_queued``).

A wake only cuts the pause short; the worker still polls every interval, so a lost
wake, a listen connection that drops or a Redis restart delays a notice by the interval
at most. A waker that fails falls back to the plain pause and connects again at the
next wait (no more often than every ``RECONNECT_SECONDS``).
"""

from __future__ import annotations

import contextlib
import logging
import select
import time
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.orm import Session

log = logging.getLogger("antre.notify")

PG_CHANNEL = "antre_notices"
# After a failed connection, the worker polls for this long before trying again.
RECONNECT_SECONDS = 10.0


def announce_queued(session: Session) -> None:
    """Wake the listening workers when this transaction commits (PostgreSQL only)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {PG_CHANNEL}"))


def redis_channel(socketio_channel: str) -> str:
    return f"{socketio_channel}-notices"


def publish_queued(redis_url: str, channel: str) -> None:
    """Wake the subscribed workers (after the commit); a Redis that is down only costs
    the worker's interval, so it is logged, never raised into the command's answer."""
    try:
        _redis_client(redis_url).publish(channel, b"1")
    except Exception as exc:  # a wake is an optimisation; the worker polls anyway
        log.warning("notices: could not wake the worker through Redis (%s)", type(exc).__name__)


_REDIS_CLIENTS: dict[str, Any] = {}


def _redis_client(url: str) -> Any:
    """One client (with its connection pool) per URL for the process."""
    client = _REDIS_CLIENTS.get(url)
    if client is None:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=1.0, socket_connect_timeout=1.0)
        _REDIS_CLIENTS[url] = client
    return client


class Waker(Protocol):
    """The worker's pause: up to ``timeout`` seconds, less when woken (then True)."""

    def wait(self, timeout: float) -> bool: ...

    def close(self) -> None: ...


class Pause:
    """No wake available: the plain pause."""

    def wait(self, timeout: float) -> bool:
        time.sleep(timeout)
        return False

    def close(self) -> None:
        return None


class _Reconnecting:
    """Connects lazily, falls back to the pause while it cannot, and tries again later."""

    what = "wake"

    def __init__(self) -> None:
        self._retry_at = 0.0

    def wait(self, timeout: float) -> bool:
        if not self._connected() and time.monotonic() >= self._retry_at:
            try:
                self._connect()
                log.info("notices: the worker is woken by %s", self.what)
            except Exception as exc:
                self._lost(exc)
        if not self._connected():
            time.sleep(timeout)
            return False
        started = time.monotonic()
        try:
            return self._wait(timeout)
        except Exception as exc:
            self._lost(exc)
            # The rest of the pause: a dead connection must not make the worker spin.
            time.sleep(max(0.0, timeout - (time.monotonic() - started)))
            return False

    def _lost(self, exc: Exception) -> None:
        log.warning(
            "notices: %s unavailable (%s); polling, trying again in %.0f s",
            self.what,
            type(exc).__name__,
            RECONNECT_SECONDS,
        )
        self.close()
        self._retry_at = time.monotonic() + RECONNECT_SECONDS

    def _connected(self) -> bool:
        raise NotImplementedError

    def _connect(self) -> None:
        raise NotImplementedError

    def _wait(self, timeout: float) -> bool:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class PostgresListen(_Reconnecting):
    """``LISTEN antre_notices`` on a connection of the worker's own (autocommit)."""

    what = "PostgreSQL LISTEN"

    def __init__(self, dsn: str) -> None:
        super().__init__()
        self.dsn = dsn
        self._conn: Any = None

    def _connected(self) -> bool:
        return self._conn is not None

    def _connect(self) -> None:
        import psycopg2

        conn = psycopg2.connect(self.dsn, connect_timeout=5)
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(f"LISTEN {PG_CHANNEL}")
        self._conn = conn

    def _wait(self, timeout: float) -> bool:
        conn = self._conn
        deadline = time.monotonic() + timeout
        # Wakes that came during the last round are already buffered: no wait then.
        conn.poll()
        while not conn.notifies:
            # A connection the server ended (its FATAL read by the poll) is lost, not a
            # wake; anything else readable that is not a notify keeps the pause going.
            if conn.closed:
                raise ConnectionError("the LISTEN connection was closed")
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            ready, _, _ = select.select([conn], [], [], left)
            if not ready:
                return False
            conn.poll()
        conn.notifies.clear()
        return True

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):  # already gone
                conn.close()


class RedisSubscribe(_Reconnecting):
    """Subscribed to the server's notices channel on the Socket.IO message queue."""

    what = "Redis"

    def __init__(self, url: str, channel: str) -> None:
        super().__init__()
        self.url = url
        self.channel = channel
        self._pubsub: Any = None

    def _connected(self) -> bool:
        return self._pubsub is not None

    def _connect(self) -> None:
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=5.0)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        pubsub.subscribe(self.channel)
        self._pubsub = pubsub

    def _wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        woken = False
        while True:
            left = 0.0 if woken else max(0.0, deadline - time.monotonic())
            message = self._pubsub.get_message(timeout=left)
            if message is None:
                return woken
            woken = True  # and drain what else came, without waiting

    def close(self) -> None:
        pubsub, self._pubsub = self._pubsub, None
        if pubsub is not None:
            with contextlib.suppress(Exception):  # already gone
                pubsub.close()


def psycopg2_dsn(database_url: str) -> str:
    """libpq's form of an SQLAlchemy PostgreSQL URL (any driver name)."""
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    parts = {
        "host": url.host,
        "port": url.port,
        "dbname": url.database,
        "user": url.username,
        "password": url.password,
        **{k: v for k, v in url.query.items() if isinstance(v, str)},
    }
    return " ".join(f"{k}='{_quoted(str(v))}'" for k, v in parts.items() if v is not None)


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


def waker_for(database_url: str, message_queue: str | None, socketio_channel: str) -> Waker:
    """PostgreSQL's LISTEN where the notices are; else Redis where the servers publish;
    else the plain pause."""
    if database_url.startswith("postgresql"):
        return PostgresListen(psycopg2_dsn(database_url))
    if message_queue:
        return RedisSubscribe(message_queue, redis_channel(socketio_channel))
    return Pause()
