"""The antre-server command line: schema, demo, users, devices, backups."""

from __future__ import annotations

import re
import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from server.app import create_app
from server.cli import cli
from server.config import ServerConfig
from server.db import Database
from server.domain.auth import device_for_token, token_hash
from server.migrate import head_revision
from server.models import Agency, Counter, Device, Service, User
from tests import pg

# Given, so a command over PostgreSQL does not keep a made-up one in ./instance/.
CLI_SECRET = "the test commands' secret key"


def invoke(url: str, *args: str, input: str | None = None) -> Result:
    runner = CliRunner()
    return runner.invoke(
        cli,
        list(args),
        env={"ANTRE_DATABASE_URL": url, "ANTRE_SECRET_KEY": CLI_SECRET},
        input=input,
    )


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'antre.sqlite3'}"


@pytest.fixture
def migrated_url(empty_url: str) -> str:
    assert invoke(empty_url, "db", "upgrade").exit_code == 0
    return empty_url


def test_db_upgrade_brings_an_empty_database_to_the_newest_revision(empty_url: str) -> None:
    assert invoke(empty_url, "db", "current").output.strip() == "empty"
    result = invoke(empty_url, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert invoke(empty_url, "db", "current").output.strip() == head_revision()


def test_init_db_is_db_upgrade(empty_url: str) -> None:
    assert invoke(empty_url, "init-db").exit_code == 0
    assert invoke(empty_url, "db", "current").output.strip() == head_revision()


def test_a_bad_database_url_is_a_clear_error(tmp_path: Path) -> None:
    result = invoke("mysql://nowhere/x", "db", "current")
    assert result.exit_code != 0
    assert "ANTRE_DATABASE_URL" in result.output


def test_seed_demo_builds_the_tangerang_hall_and_prints_every_credential(migrated_url: str) -> None:
    result = invoke(migrated_url, "seed-demo")
    assert result.exit_code == 0, result.output
    assert "admin / admin-mpp-demo" in result.output
    assert "petugas.dk" in result.output
    tokens = re.findall(r"ant_d_[A-Za-z0-9_-]+", result.output)
    db = Database(migrated_url)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Agency)) == 35
        assert session.scalar(select(func.count()).select_from(Service)) >= 60
        counters = session.scalar(select(func.count()).select_from(Counter)) or 0
        assert 60 <= counters <= 90
        devices = session.scalars(select(Device)).all()
        assert {d.kind.value for d in devices} == {"kiosk", "display", "counter", "survey"}
        assert len(tokens) == len(devices)
        assert all(device_for_token(session, t) is not None for t in tokens)
        officers = session.scalar(
            select(func.count()).select_from(User).where(User.role == "officer")
        )
        assert officers == 35
    db.dispose()


def test_seed_demo_twice_keeps_the_hall_and_renews_the_tokens(migrated_url: str) -> None:
    first = invoke(migrated_url, "seed-demo")
    second = invoke(migrated_url, "seed-demo")
    assert second.exit_code == 0, second.output
    assert "already present" in second.output
    old = set(re.findall(r"ant_d_[A-Za-z0-9_-]+", first.output))
    new = set(re.findall(r"ant_d_[A-Za-z0-9_-]+", second.output))
    assert old and new and not old & new
    db = Database(migrated_url)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Agency)) == 35
        assert all(device_for_token(session, t) is None for t in old)
    db.dispose()


def test_add_user_hashes_the_password(migrated_url: str) -> None:
    invoke(migrated_url, "seed-demo")
    result = invoke(
        migrated_url,
        "add-user",
        "siti",
        "--role",
        "officer",
        "--agency",
        "DK",
        "--password",
        "kata-sandi-9",
    )
    assert result.exit_code == 0, result.output
    db = Database(migrated_url)
    with db.read() as session:
        user = session.scalar(select(User).where(User.username == "siti"))
        assert user is not None and user.agency is not None and user.agency.code == "DK"
        assert "kata-sandi-9" not in user.password_hash
        assert user.password_hash.startswith("scrypt$")
    db.dispose()


def test_unlock_user_lets_a_locked_out_admin_in_at_once(migrated_url: str) -> None:
    """Anyone can lock the admin's name by guessing; the way out needs no console."""
    assert (
        invoke(
            migrated_url, "add-user", "kepala", "--role", "admin", "--password", "kata-sandi-9"
        ).exit_code
        == 0
    )
    app = create_app(
        ServerConfig(database_url=migrated_url, async_mode="threading", secret_key="x" * 32)
    )
    client = app.test_client()

    def login(password: str) -> int:
        body = {"username": "kepala", "password": password}
        status: int = client.post("/api/v1/auth/login", json=body).status_code
        return status

    assert [login("tebak-tebak") for _ in range(5)] == [401] * 5
    assert login("kata-sandi-9") == 429

    result = invoke(migrated_url, "unlock-user", "kepala")

    assert result.exit_code == 0, result.output
    assert "user kepala unlocked" in result.output
    assert login("kata-sandi-9") == 200
    again = invoke(migrated_url, "unlock-user", "kepala")
    assert "was not locked" in again.output
    app.extensions["antre"].db.dispose()


def test_unlock_user_of_a_name_nobody_has_says_so(migrated_url: str) -> None:
    result = invoke(migrated_url, "unlock-user", "admni")

    assert result.exit_code != 0
    assert "no user named admni" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "officer", "--password", "kata-sandi-9"], "belongs to an agency"),
        (["--role", "officer", "--agency", "ZZ", "--password", "kata-sandi-9"], "no agency"),
        (["--role", "admin", "--agency", "DK", "--password", "kata-sandi-9"], "not tied"),
        (["--role", "officer", "--agency", "DK", "--password", "short"], "at least 8"),
    ],
)
def test_add_user_refuses_what_makes_no_sense(
    migrated_url: str, args: list[str], message: str
) -> None:
    invoke(migrated_url, "seed-demo")
    result = invoke(migrated_url, "add-user", "budi", *args)
    assert result.exit_code != 0
    assert message in result.output


def test_add_device_prints_its_token_once_and_stores_only_the_hash(migrated_url: str) -> None:
    invoke(migrated_url, "seed-demo")
    result = invoke(
        migrated_url, "add-device", "Papan Baru", "--kind", "display", "--zone", "lantai1-a"
    )
    assert result.exit_code == 0, result.output
    token = re.search(r"ant_d_[A-Za-z0-9_-]+", result.output)
    assert token is not None
    db = Database(migrated_url)
    with db.read() as session:
        device = session.scalar(select(Device).where(Device.name == "Papan Baru"))
        assert device is not None
        assert device.token_hash == token_hash(token.group())
        assert device.zone is not None and device.zone.code == "lantai1-a"
    db.dispose()


@pytest.mark.parametrize(
    "kind_args", [["--kind", "kiosk"], ["--kind", "display", "--zone", "lantai1-a"]]
)
def test_add_device_refuses_an_agency_for_a_kiosk_or_a_display(
    migrated_url: str, kind_args: list[str]
) -> None:
    invoke(migrated_url, "seed-demo")
    result = invoke(migrated_url, "add-device", "Baru", *kind_args, "--agency", "DK")

    assert result.exit_code != 0
    assert "leave out --agency" in result.output
    db = Database(migrated_url)
    with db.read() as session:
        assert session.scalar(select(Device).where(Device.name == "Baru")) is None
    db.dispose()


def test_add_device_gives_a_counter_terminal_its_agency(migrated_url: str) -> None:
    invoke(migrated_url, "seed-demo")
    result = invoke(migrated_url, "add-device", "PC Baru", "--kind", "counter", "--agency", "DK")

    assert result.exit_code == 0, result.output


def test_a_display_needs_a_zone(migrated_url: str) -> None:
    result = invoke(migrated_url, "add-device", "Papan", "--kind", "display")
    assert result.exit_code != 0
    assert "--zone" in result.output


def test_backup_while_tickets_are_written_is_a_consistent_copy(
    migrated_url: str, tmp_path: Path
) -> None:
    invoke(migrated_url, "seed-demo")
    db = Database(migrated_url)
    stop = threading.Event()
    written: list[int] = []

    def writer() -> None:
        from server.models import Setting

        i = 0
        while not stop.is_set() and i < 2000:
            with db.write() as session:
                session.add(Setting(key=f"load-{i}", value=i))
            written.append(i)
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        result = invoke(migrated_url, "backup", str(tmp_path / "copy.sqlite3"))
    finally:
        stop.set()
        thread.join(timeout=20)
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(tmp_path / "copy.sqlite3")
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert copy.execute("SELECT count(*) FROM agencies").fetchone() == (35,)
    saved = [row[0] for row in copy.execute("SELECT value FROM settings WHERE key LIKE 'load-%'")]
    copy.close()
    # whatever the copy holds is a prefix of what was committed: no torn transaction
    assert sorted(int(v) for v in saved) == list(range(len(saved)))
    assert not (tmp_path / "copy.sqlite3.partial").exists()
    db.dispose()


@pytest.mark.postgres
def test_db_upgrade_and_seed_on_postgresql() -> None:
    with pg.fresh_database() as url:
        assert invoke(url, "db", "upgrade").exit_code == 0
        assert invoke(url, "db", "current").output.strip() == head_revision()
        result = invoke(url, "seed-demo")
        assert result.exit_code == 0, result.output
        db = Database(url)
        with db.read() as session:
            assert session.scalar(select(func.count()).select_from(Agency)) == 35
        db.dispose()


@pytest.mark.postgres
def test_backup_of_postgresql_uses_pg_dump(tmp_path: Path) -> None:
    import shutil

    if shutil.which("pg_dump") is None:
        pytest.skip("pg_dump is not installed")
    with pg.fresh_database() as url:
        invoke(url, "db", "upgrade")
        result = invoke(url, "backup", str(tmp_path / "antre.dump"))
        assert result.exit_code == 0, result.output
        assert (tmp_path / "antre.dump").read_bytes()[:5] == b"PGDMP"
