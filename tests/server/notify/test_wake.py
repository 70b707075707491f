"""A separate notice worker is woken when a command queues a notice (server/notify/wake.py):
PostgreSQL's NOTIFY at commit, Redis pub/sub, and the plain pause when neither is there
or the connection drops (then it connects again)."""

from __future__ import annotations

import dataclasses
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import text

from server.commands import run_command
from server.db import Database
from server.domain.context import SYSTEM, Ctx
from server.domain.notices.queueing import subscribe
from server.notify import wake
from server.notify.wake import Pause, PostgresListen, RedisSubscribe, psycopg2_dsn, waker_for
from server.state import AppState
from tests.e2e.live import REPO, running_server
from tests.pg import ADMIN_URL, fresh_database, require_postgres

from .fake_provider import FakeProvider, fonnte_ok, wait_for

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def pg_url() -> Iterator[str]:
    with fresh_database() as url:
        yield url


@pytest.fixture
def listener(pg_url: str) -> Iterator[PostgresListen]:
    waiting = PostgresListen(psycopg2_dsn(pg_url))
    assert waiting.wait(0.01) is False  # connects and listens
    yield waiting
    waiting.close()


def timed(waker: wake.Waker, timeout: float) -> tuple[bool, float]:
    started = time.monotonic()
    woken = waker.wait(timeout)
    return woken, time.monotonic() - started


def test_a_committed_notify_wakes_the_listening_worker_at_once(
    pg_url: str, listener: PostgresListen
) -> None:
    db = Database(pg_url)
    try:
        with db.write() as session:
            wake.announce_queued(session)
            assert listener.wait(0.2) is False  # not before the commit
        woken, took = timed(listener, 10)
        assert woken and took < 1.0
        assert timed(listener, 0.2)[0] is False  # one wake, consumed
    finally:
        db.dispose()


def test_a_rolled_back_command_wakes_nobody(pg_url: str, listener: PostgresListen) -> None:
    db = Database(pg_url)
    try:
        with pytest.raises(RuntimeError), db.write() as session:
            wake.announce_queued(session)
            raise RuntimeError("the command failed")
        assert listener.wait(0.3) is False
    finally:
        db.dispose()


def test_a_dropped_listen_connection_falls_back_to_polling_and_listens_again(
    pg_url: str, listener: PostgresListen, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(wake, "RECONNECT_SECONDS", 0.0)
    db = Database(pg_url)
    try:
        with db.write() as session:
            session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE query LIKE 'LISTEN%' AND datname = current_database()"
                )
            )
        woken, took = timed(listener, 0.3)  # the connection is gone: a plain pause
        assert not woken and took >= 0.25
        assert listener.wait(0.01) is False  # connects again
        with db.write() as session:
            wake.announce_queued(session)
        assert timed(listener, 10)[0]
    finally:
        db.dispose()


def test_an_unreachable_database_only_means_polling() -> None:
    waiting = PostgresListen("host=127.0.0.1 port=1 dbname=none connect_timeout=1")
    woken, took = timed(waiting, 0.2)
    assert not woken and took >= 0.15
    waiting.close()


def test_announcing_on_sqlite_runs_no_statement(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    try:
        with db.write() as session:
            wake.announce_queued(session)  # would fail on SQLite if it ran NOTIFY
    finally:
        db.dispose()


def redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except Exception:
        return False


def test_a_publish_on_the_message_queue_wakes_the_subscribed_worker() -> None:
    if not redis_up():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    channel = f"antre-test-{secrets.token_hex(4)}-notices"
    waiting = RedisSubscribe(REDIS_URL, channel)
    try:
        assert waiting.wait(0.05) is False
        wake.publish_queued(REDIS_URL, channel)
        woken, took = timed(waiting, 10)
        assert woken and took < 1.0

        # Two wakes already there when the worker looks are one round, not two (on a
        # busy machine the second may still be on its way: give it time to arrive).
        wake.publish_queued(REDIS_URL, channel)
        wake.publish_queued(REDIS_URL, channel)
        time.sleep(0.3)
        assert waiting.wait(1.0) is True
        assert waiting.wait(0.1) is False
    finally:
        waiting.close()


def test_redis_down_means_polling_and_the_command_is_not_troubled() -> None:
    wake.publish_queued("redis://127.0.0.1:1/0", "x")  # logged, not raised
    woken, took = timed(RedisSubscribe("redis://127.0.0.1:1/0", "x"), 0.2)
    assert not woken and took >= 0.15


def test_which_waker_a_worker_gets() -> None:
    assert isinstance(waker_for("postgresql://a@b/c", None, "s"), PostgresListen)
    assert isinstance(waker_for("postgresql://a@b/c", REDIS_URL, "s"), PostgresListen)
    assert isinstance(waker_for("sqlite:///x", REDIS_URL, "s"), RedisSubscribe)
    assert isinstance(waker_for("sqlite:///x", None, "s"), Pause)


def test_the_dsn_keeps_host_port_user_and_quotes_the_password() -> None:
    dsn = psycopg2_dsn("postgresql+psycopg2://antre:it's@db.local:5433/antre?sslmode=require")
    assert "host='db.local'" in dsn and "port='5433'" in dsn and "dbname='antre'" in dsn
    assert "password='it\\'s'" in dsn and "sslmode='require'" in dsn


@pytest.mark.slow
def test_a_call_reaches_the_provider_within_a_second_through_a_separate_worker_on_postgresql(
    tmp_path: Path,
) -> None:
    """The issue's case: ``notify-worker`` beside the server (``in_server = false``),
    pausing 30 s between rounds; the call's NOTIFY wakes it."""
    require_postgres()
    fonnte = FakeProvider(fonnte_ok)
    env = {
        "ANTRE_NOTIFY_FONNTE_TOKEN": "fonnte-SECRET",
        "ANTRE_NOTIFY_FONNTE_URL": fonnte.url,
        "ANTRE_NOTIFY_INTERVAL_SECONDS": "30",
        "ANTRE_NOTIFY_IN_SERVER": "false",
    }
    worker: subprocess.Popen[bytes] | None = None
    try:
        with running_server(tmp_path, pg_admin_url=ADMIN_URL, env=env) as live:
            ticket = live.device("kiosk").issue(live.hall.ktp)
            with live.db.write() as session:
                subscribe(
                    session,
                    channel="whatsapp",
                    address="081234567890",
                    now=live.now(),
                    ticket_id=ticket["id"],
                )
            with open(tmp_path / "worker.log", "wb") as log:
                worker = subprocess.Popen(
                    [sys.executable, "-m", "server.entry", "notify-worker"],
                    cwd=REPO,
                    env={**live.environment(), "PYTHONPATH": str(REPO)},
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            listening = tmp_path / "worker.log"
            assert wait_for(
                lambda: b"woken by PostgreSQL LISTEN" in listening.read_bytes(), timeout=15
            ), listening.read_text()
            officer = live.officer("petugas.dk")
            officer.counter(live.hall.c1, "open")
            called_at = time.monotonic()
            assert officer.counter(live.hall.c1, "next")["ticket"]["id"] == ticket["id"]
            assert wait_for(lambda: len(fonnte.received) >= 1, timeout=5), "no message"
            took = time.monotonic() - called_at
            assert "Silakan ke Loket 1 sekarang" in fonnte.received[0].fields["message"]
            assert took < 1.0, f"{took:.2f} s"
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(10)
        fonnte.close()


def queue_one(ctx: Ctx) -> None:
    ctx.notices_queued += 1  # what a trigger does after queueing a notice


def test_a_command_that_queued_a_notice_wakes_the_in_server_worker_by_its_event(
    app: Flask,
) -> None:
    state: AppState = app.extensions["antre"]
    state.notices_queued.clear()
    with app.app_context():
        run_command(SYSTEM, lambda ctx: None)
        assert not state.notices_queued.is_set()
        run_command(SYSTEM, queue_one)
    assert state.notices_queued.is_set()


def test_on_sqlite_a_separate_worker_is_woken_through_the_redis_message_queue(
    app: Flask,
) -> None:
    if not redis_up():
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    state: AppState = app.extensions["antre"]
    channel = f"antre-test-{secrets.token_hex(4)}"
    state.config = dataclasses.replace(
        state.config,
        notify_in_server=False,
        message_queue=REDIS_URL,
        message_queue_channel=channel,
    )
    waiting = RedisSubscribe(REDIS_URL, wake.redis_channel(channel))
    try:
        assert waiting.wait(0.05) is False
        with app.app_context():
            run_command(SYSTEM, lambda ctx: None)
            assert waiting.wait(0.2) is False  # nothing queued, nobody woken
            run_command(SYSTEM, queue_one)
        woken, took = timed(waiting, 10)
        assert woken and took < 1.0
        assert not state.notices_queued.is_set()  # no worker in this process
    finally:
        waiting.close()
