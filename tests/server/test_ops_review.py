"""Findings of a review of the large-hall operations work (issue 7), each pinned down:
archives that survive a killed prune, private backups, restores that refuse what they
cannot restore, configuration and database mistakes as messages, and the nginx site."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from server.backup import backup_database
from server.cli import cli
from server.config import ConfigError, load_config
from server.db import make_engine
from server.domain.retention import JsonLinesArchive, read_archive
from server.migrate import upgrade
from tests.e2e.live import free_port

ROOT = Path(__file__).resolve().parents[2]


def invoke(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, list(args), env={"ANTRE_DATABASE_URL": url})


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The umask a systemd service or a root shell starts with."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


# --- pruning's archive ----------------------------------------------------------------


def test_an_archive_stays_readable_after_a_prune_run_that_was_killed(tmp_path: Path) -> None:
    archive = tmp_path / "antrean-2026.jsonl.gz"
    # The first run archives a batch, makes it durable, and dies before its commit
    # (power cut, systemd's kill, OOM): no close, no gzip trailer.
    killed_run = (
        "import os, sys; from pathlib import Path;"
        "from server.domain.retention import JsonLinesArchive;"
        "a = JsonLinesArchive(Path(sys.argv[1]));"
        "a.write('tickets', [{'id': 1}]); a.sync(); os._exit(0)"
    )
    subprocess.run([sys.executable, "-c", killed_run, str(archive)], cwd=ROOT, check=True)
    # The next run archives the same batch again, and the one after it.
    with JsonLinesArchive(archive) as again:
        again.write("tickets", [{"id": 1}, {"id": 2}])
        again.sync()

    assert read_archive(archive) == [
        ("tickets", {"id": 1}),
        ("tickets", {"id": 1}),
        ("tickets", {"id": 2}),
    ]


# --- backups: who may read them ---------------------------------------------------------


def test_a_backup_file_is_readable_by_its_owner_only(tmp_path: Path, usual_umask: None) -> None:
    url = f"sqlite:///{tmp_path / 'antre.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()

    copy = tmp_path / "backups" / "antre-2026-11-29.dump"
    backup_database(url, copy)

    assert copy.stat().st_mode & 0o077 == 0


def test_a_prune_archive_is_readable_by_its_owner_only(tmp_path: Path, usual_umask: None) -> None:
    archive = tmp_path / "archive" / "antrean-2026.jsonl.gz"
    with JsonLinesArchive(archive) as sink:
        sink.write("tickets", [{"id": 1}])

    assert archive.stat().st_mode & 0o077 == 0


# --- restore ---------------------------------------------------------------------------


def _antre_sqlite(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def test_a_backup_from_a_newer_antre_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    source = tmp_path / "newer.sqlite3"
    _antre_sqlite(source)
    with sqlite3.connect(source) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")

    result = invoke(f"sqlite:///{tmp_path / 'target.sqlite3'}", "restore", str(source))

    assert result.exit_code != 0
    assert "db upgrade" not in result.output
    assert "ffff_from_the_future" in result.output


def test_a_file_without_an_antre_schema_is_not_restored(tmp_path: Path) -> None:
    empty = tmp_path / "antre-2026-11-29.sqlite3"
    empty.write_bytes(b"")

    result = invoke(f"sqlite:///{tmp_path / 'target.sqlite3'}", "restore", str(empty))

    assert result.exit_code != 0
    assert "not an Antre backup" in result.output


# --- configuration errors: a message, never a traceback --------------------------------


def test_a_secret_key_file_that_is_not_text_is_a_configuration_error(tmp_path: Path) -> None:
    key = tmp_path / "secret_key"
    key.write_bytes(bytes(range(128, 176)))

    with pytest.raises(ConfigError, match="secret_key_file"):
        load_config(env={"ANTRE_SECRET_KEY_FILE": str(key)})


def test_a_configuration_file_not_in_utf8_is_a_configuration_error(tmp_path: Path) -> None:
    config = tmp_path / "server.toml"
    config.write_bytes('[server]\nhost = "127.0.0.1" # ruang tunggu\n'.encode("utf-16"))

    with pytest.raises(ConfigError, match=r"server\.toml"):
        load_config(config, env={})


def test_a_home_folder_of_an_unknown_user_is_a_configuration_error() -> None:
    with pytest.raises(ConfigError, match="ANTRE_SECRET_KEY_FILE"):
        load_config(env={"ANTRE_SECRET_KEY_FILE": "~no-such-antre-user/secret_key"})


@pytest.mark.parametrize(
    "command",
    [
        ("db", "current"),
        ("db", "upgrade"),
        ("run", "--async-mode", "threading", "--host", "127.0.0.1", "--port", "PORT"),
    ],
    ids=["db-current", "db-upgrade", "run"],
)
def test_a_database_that_cannot_be_reached_is_a_message(command: tuple[str, ...]) -> None:
    args = [str(free_port()) if arg == "PORT" else arg for arg in command]
    # Port 1: nothing listens there, the connection is refused at once.
    result = invoke("postgresql://antre@127.0.0.1:1/antre", *args)

    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "127.0.0.1:1" in result.output


# --- deploy/ ---------------------------------------------------------------------------


def _locations(site: str) -> dict[str, str]:
    """Each ``location`` block's body (the site has no nested blocks inside them)."""
    return dict(re.findall(r"location\s+(\S+)\s*\{([^}]*)\}", site))


def test_nginx_sets_every_forwarded_header_the_server_trusts() -> None:
    site = (ROOT / "deploy" / "nginx" / "antre.conf").read_text(encoding="utf-8")
    trusted = ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host")  # x_for/proto/host

    for path, body in _locations(site).items():
        for header in trusted:
            assert re.search(rf"proxy_set_header\s+{header}\s", body), (path, header)


def test_nginx_writes_no_access_log_of_the_webhooks_whose_urls_hold_a_secret() -> None:
    site = (ROOT / "deploy" / "nginx" / "antre.conf").read_text(encoding="utf-8")

    hooks = _locations(site)["/hooks/"]
    assert re.search(r"^\s*access_log\s+off;", hooks, re.MULTILINE)
    assert "proxy_pass http://antre_servers;" in hooks


def _unit(name: str) -> str:
    return (ROOT / "deploy" / "systemd" / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("unit", ["antre-backup.service", "antre-prune.service"])
def test_units_that_write_copies_of_the_data_keep_them_private(unit: str) -> None:
    assert re.search(r"^UMask=0[0-7]77$", _unit(unit), re.MULTILINE)


def test_nginx_does_not_take_a_process_out_for_the_databases_503() -> None:
    site = (ROOT / "deploy" / "nginx" / "antre.conf").read_text(encoding="utf-8")

    for rule in re.findall(r"proxy_next_upstream\s+([^;]*);", site):
        assert "http_503" not in rule.split()
