"""Backup, then restore into an empty database: a server started on it serves the same hall.

The check is made the way the hall would notice: a real ``antre-server run`` process over
the restored database answers each visitor's ticket page, the counter's line and the
kiosk's next number exactly as the original did.
"""

from __future__ import annotations

import datetime as dt
import shutil
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask import Flask

from server.app import create_app
from server.cli import cli
from server.config import ServerConfig, load_config
from server.db import make_engine
from server.domain.identity import PersonalDataKey
from server.migrate import head_revision, upgrade
from server.state import AppState
from tests import pg
from tests.conftest import Api, FakeClock
from tests.e2e.live import LiveServer
from tests.factories import Hall, build_hall

needs_pg_tools = pytest.mark.skipif(
    shutil.which("pg_restore") is None, reason="pg_dump/pg_restore are not installed"
)


# Given, so a command over PostgreSQL does not keep a made-up one in ./instance/.
CLI_SECRET = "the test commands' secret key"


def invoke(url: str, *args: str) -> Result:
    return CliRunner().invoke(
        cli, list(args), env={"ANTRE_DATABASE_URL": url, "ANTRE_SECRET_KEY": CLI_SECRET}
    )


@contextmanager
def empty_database(backend: str, tmp_path: Path, name: str) -> Iterator[str]:
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / name}"
    else:
        with pg.fresh_database() as url:
            yield url


@contextmanager
def busy_hall(url: str) -> Iterator[tuple[Flask, Hall]]:
    """A hall on the real clock (the restored server runs on it): four tickets issued,
    one called to Loket 1."""
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    clock = FakeClock(dt.datetime.now(dt.UTC))
    app = create_app(
        ServerConfig(database_url=url, async_mode="threading", secret_key="x" * 32), clock=clock
    )
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        hall = build_hall(session, clock())
    api = Api(app.test_client(), hall)
    kiosk = api.as_device("kiosk")
    for service in (hall.ktp, hall.ktp, hall.kk, hall.pkb):
        kiosk.issue(service)
    officer = api.as_user("petugas.dk")
    assert officer.counter(hall.c1, "open").status_code == 200
    assert officer.counter(hall.c1, "next").status_code == 200
    try:
        yield app, hall
    finally:
        state.db.dispose()


def what_the_hall_sees(get: Any, codes: list[str], queue: dict[str, Any]) -> dict[str, Any]:
    """Each ticket page's number and state, and the counter's line (estimates left out:
    they move with the clock)."""
    pages = {code: get(f"/api/v1/tickets/{code}")["ticket"] for code in codes}
    return {
        "pages": {code: (page["number"], page["state"]) for code, page in pages.items()},
        "line": [t["number"] for t in queue["tickets"]],
        "waiting": {line["service_id"]: line["waiting"] for line in queue["lines"]},
        "counter": (queue["counter"]["state"], queue["seq"]),
    }


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_a_restored_backup_serves_the_same_tickets(backend: str, tmp_path: Path) -> None:
    if backend == "postgresql":
        import shutil

        if shutil.which("pg_restore") is None:
            pytest.skip("pg_restore is not installed")
    backup = tmp_path / ("antre.dump" if backend == "postgresql" else "antre-backup.sqlite3")
    with empty_database(backend, tmp_path, "source.sqlite3") as source_url:
        with busy_hall(source_url) as (app, hall):
            api = Api(app.test_client(), hall)
            codes = [t["status_code"] for t in _tickets(app)]
            officer = api.as_user("petugas.dk")
            before = what_the_hall_sees(
                lambda path: api.get(path).get_json(),
                codes,
                officer.get(f"/api/v1/counters/{hall.c1}/queue").get_json(),
            )
            made = invoke(source_url, "backup", str(backup))
            assert made.exit_code == 0, made.output

        with empty_database(backend, tmp_path, "restored.sqlite3") as restored_url:
            restored = invoke(restored_url, "restore", str(backup))
            assert restored.exit_code == 0, restored.output
            assert head_revision() in restored.output

            refused = invoke(restored_url, "restore", str(backup))
            assert refused.exit_code != 0
            assert "not empty" in refused.output

            server = LiveServer(tmp_path)
            server.database_url = restored_url
            server.hall = hall
            server.start()
            try:
                staff = server.officer("petugas.dk")
                after = what_the_hall_sees(
                    lambda path: server.client().get(path).json(),
                    codes,
                    staff.get(f"/api/v1/counters/{hall.c1}/queue").json(),
                )
                assert after == before
                # numbering goes on from the backup: the fourth DK ticket of the day
                assert server.device("kiosk").issue(hall.kk)["number"] == "DK-004"
            finally:
                server.close()


def _tickets(app: Flask) -> list[dict[str, Any]]:
    from sqlalchemy import select

    from server.models import Ticket

    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        return [
            {"status_code": t.status_code, "number": t.number}
            for t in session.scalars(select(Ticket).order_by(Ticket.id))
        ]


def test_a_sqlite_restore_may_replace_a_database_only_when_asked(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'source.sqlite3'}"
    target = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    with busy_hall(source):
        assert invoke(source, "backup", str(tmp_path / "copy.sqlite3")).exit_code == 0
    assert invoke(target, "db", "upgrade").exit_code == 0
    assert invoke(target, "restore", str(tmp_path / "copy.sqlite3")).exit_code != 0
    replaced = invoke(target, "restore", "--replace", str(tmp_path / "copy.sqlite3"))
    assert replaced.exit_code == 0, replaced.output


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database" * 100)
    result = invoke(f"sqlite:///{tmp_path / 'target.sqlite3'}", "restore", str(junk))
    assert result.exit_code != 0
    assert "not an SQLite database" in result.output


@pytest.mark.postgres
@needs_pg_tools
def test_a_postgresql_restore_is_refused_while_a_server_still_uses_the_database(
    tmp_path: Path,
) -> None:
    with pg.fresh_database() as source, pg.fresh_database() as target:
        with busy_hall(source):
            assert invoke(source, "backup", str(tmp_path / "copy.dump")).exit_code == 0
        still_running = make_engine(target)
        try:
            with still_running.connect():
                refused = invoke(target, "restore", str(tmp_path / "copy.dump"))
        finally:
            still_running.dispose()
        assert refused.exit_code != 0
        assert "stop every server process" in refused.output

        restored = invoke(target, "restore", str(tmp_path / "copy.dump"))
        assert restored.exit_code == 0, restored.output


@pytest.mark.postgres
@needs_pg_tools
def test_a_session_that_is_just_leaving_does_not_refuse_the_restore(tmp_path: Path) -> None:
    """A connection closed a moment before (the command's own checks, a console just
    shut) is still listed by PostgreSQL for a little while; a server's sessions stay."""
    with pg.fresh_database() as source, pg.fresh_database() as target:
        with busy_hall(source):
            assert invoke(source, "backup", str(tmp_path / "copy.dump")).exit_code == 0
        leaving = make_engine(target)
        connection = leaving.connect()
        closer = threading.Timer(0.5, leaving.dispose)
        closer.start()
        try:
            connection.close()  # back to the pool: the session stays until disposed
            restored = invoke(target, "restore", str(tmp_path / "copy.dump"))
        finally:
            closer.cancel()
            closer.join()
            leaving.dispose()
        assert restored.exit_code == 0, restored.output


@pytest.mark.postgres
@needs_pg_tools
def test_a_pg_dump_of_another_database_is_not_restored(tmp_path: Path) -> None:
    with pg.fresh_database() as other, pg.fresh_database() as target:
        assert invoke(other, "backup", str(tmp_path / "other.dump")).exit_code == 0
        result = invoke(target, "restore", str(tmp_path / "other.dump"))
    assert result.exit_code != 0
    assert "not an Antre backup" in result.output


def invoke_with_lasting_secret(url: str, *args: str) -> Result:
    """A command with no secret configured: the server keeps its own ``antre.secret``."""
    env: dict[str, str | None] = {"ANTRE_DATABASE_URL": url, "ANTRE_SECRET_KEY": None}
    return CliRunner().invoke(cli, list(args), env=env)


def server_key(url: str) -> PersonalDataKey:
    app = create_app(load_config(env={"ANTRE_DATABASE_URL": url, "ANTRE_ASYNC_MODE": "threading"}))
    state: AppState = app.extensions["antre"]
    state.db.dispose()
    return state.personal_data_key


def test_a_backup_keeps_the_servers_secret_so_a_restore_reads_its_niks(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'hall' / 'antre.sqlite3'}"
    target = f"sqlite:///{tmp_path / 'new-machine' / 'antre.sqlite3'}"
    (tmp_path / "hall").mkdir()
    with busy_hall(source):
        pass
    nik = server_key(source).encrypt("3603011203900001")
    secret = (tmp_path / "hall" / "antre.secret").read_text()
    backup = tmp_path / "backups" / "antre-2026-11-29.sqlite3"

    made = invoke_with_lasting_secret(source, "backup", str(backup))
    restored = invoke_with_lasting_secret(target, "restore", str(backup))

    assert made.exit_code == 0, made.output
    kept = tmp_path / "backups" / "antre-2026-11-29.sqlite3.secret"
    assert kept.read_text() == secret
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert restored.exit_code == 0, restored.output
    assert (tmp_path / "new-machine" / "antre.secret").read_text() == secret
    assert stat.S_IMODE((tmp_path / "new-machine" / "antre.secret").stat().st_mode) == 0o600
    assert server_key(target).decrypt(nik) == "3603011203900001"
    assert secret.strip() not in made.output + restored.output


def test_a_backup_without_its_secret_says_the_niks_stay_unreadable(tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'hall' / 'antre.sqlite3'}"
    (tmp_path / "hall").mkdir()
    with busy_hall(source):
        pass
    backup = tmp_path / "antre.sqlite3.bak"
    assert invoke_with_lasting_secret(source, "backup", str(backup)).exit_code == 0
    (tmp_path / "antre.sqlite3.bak.secret").unlink()

    restored = invoke_with_lasting_secret(
        f"sqlite:///{tmp_path / 'new' / 'antre.sqlite3'}", "restore", str(backup)
    )

    assert restored.exit_code == 0, restored.output
    assert "no server secret beside the backup" in restored.output
