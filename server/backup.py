"""Database backups that are safe while the server is running, and their restore.

A backup is taken live (SQLite's online backup API, ``pg_dump``); a restore is done with
the server processes stopped, into an empty database (or, asked for explicitly, over an
existing one), and is checked before it is reported done.

The server's own secret file (``antre.secret``, written when no secret is configured:
docs/booking.md) goes with the database: the NIKs of bookings are encrypted under a key
derived from it, so a database restored without it keeps NIKs nobody can read. The
backup keeps a copy beside the database copy, ``NAME.secret``, mode 0600; the restore
puts it back. The secret's value is never printed.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import URL, make_url

PG_TIMEOUT_SECONDS = 3600
SECRET_SUFFIX = ".secret"


class RestoreRefused(RuntimeError):
    """The target is not empty and replacing it was not asked for."""


def _pg_args(url: URL) -> tuple[list[str], dict[str, str]]:
    """Connection options for the PostgreSQL client programs; the password goes through
    the environment, never the command line (which ``ps`` shows)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    args = ["--no-password"]
    if url.host:
        args.append(f"--host={url.host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    return args, env


def _require(program: str) -> None:
    if shutil.which(program) is None:
        raise RuntimeError(
            f"{program} is not installed (Debian: apt-get install postgresql-client)"
        )


def backup_database(database_url: str, destination: Path) -> int:
    """Write a consistent copy of the database to ``destination``; return its size.

    The copy is written next to the destination and renamed into place, so a crash
    mid-backup never leaves a half file under the final name.
    """
    url = make_url(database_url)
    destination = destination.resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    # Created the owner's only before anything is written into it: a backup holds the
    # password and device-token hashes (SQLite and pg_dump both write into it as it is).
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise RuntimeError("an in-memory database cannot be backed up")
        source_path = Path(url.database)
        if not source_path.exists():
            raise RuntimeError(f"no database at {source_path}")
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
        target = sqlite3.connect(partial)
        try:
            # Pages copied in steps; between steps the server's writers go on.
            source.backup(target, pages=1024)
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        _require("pg_dump")
        conn, env = _pg_args(url)
        args = ["pg_dump", "--format=custom", f"--file={partial}", *conn, url.database or ""]
        result = subprocess.run(
            args, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT_SECONDS
        )
        if result.returncode != 0:
            raise RuntimeError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise RuntimeError(f"no backup method for {url.get_backend_name()}")
    os.chmod(partial, 0o600)
    os.replace(partial, destination)
    return destination.stat().st_size


def secret_copy_path(backup: Path) -> Path:
    """Where the backup ``backup`` keeps the server's secret: beside it, ``NAME.secret``."""
    return backup.with_name(backup.name + SECRET_SUFFIX)


def _write_private(path: Path, content: bytes) -> None:
    """``content`` into ``path`` readable by its owner only, renamed into place whole."""
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(content)
    os.chmod(partial, 0o600)  # whatever the umask
    os.replace(partial, path)


def backup_secret(secret_file: Path, backup: Path) -> Path:
    """Copy the server's secret file beside the database copy ``backup``; return where."""
    copy = secret_copy_path(backup.resolve())
    _write_private(copy, secret_file.read_bytes())
    return copy


def restore_secret(backup: Path, secret_file: Path) -> str:
    """Put the secret kept beside ``backup`` back as the server's ``secret_file``.

    Returns what happened: ``missing`` (the backup has no secret beside it), ``same``
    (the server already has it) or ``restored``. A different secret already there is
    kept as ``antre.secret.before-restore``: it may still be the only key of another
    copy of the database.
    """
    copy = secret_copy_path(backup.resolve())
    if not copy.is_file():
        return "missing"
    content = copy.read_bytes()
    if secret_file.is_file():
        if secret_file.read_bytes().strip() == content.strip():
            return "same"
        os.replace(secret_file, secret_file.with_name(secret_file.name + ".before-restore"))
    secret_file.parent.mkdir(parents=True, exist_ok=True)
    _write_private(secret_file, content)
    return "restored"


def database_is_empty(database_url: str) -> bool:
    """No table at all (a fresh file or a database just created)."""
    from server.db import make_engine

    engine = make_engine(database_url)
    try:
        return not inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _other_sessions(database_url: str, *, settle_seconds: float = 3.0) -> int:
    """Client sessions on the database besides this one: a running server would keep
    serving its own idea of the day over the restored one. Counted again for a moment
    while some are there: a connection closed just before (this command's own check that
    the database is empty) leaves ``pg_stat_activity`` a little after its client let go,
    and a restore refused for it would send the operator looking for a server that is
    not running. A server's sessions stay."""
    from server.db import make_engine

    engine = make_engine(database_url)
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
    )
    deadline = time.monotonic() + settle_seconds
    try:
        with engine.connect() as conn:
            while True:
                others = int(conn.execute(query).scalar_one())
                conn.rollback()  # the statistics are a snapshot per transaction
                if others == 0 or time.monotonic() >= deadline:
                    return others
                time.sleep(0.1)
    finally:
        engine.dispose()


def restore_database(database_url: str, source: Path, *, replace: bool = False) -> None:
    """Load the backup ``source`` into the database of ``database_url``.

    Refused (``RestoreRefused``) when that database already holds tables, unless
    ``replace``: restoring over a live hall by mistake would take back its day. Every
    server process must be stopped first: they keep what they read of the hall's
    configuration, and the restored tickets are not theirs (PostgreSQL: refused while
    another session uses the database; SQLite cannot tell). Only a file holding Antre's
    schema revision is restored.
    """
    url = make_url(database_url)
    source = source.resolve()
    if not source.is_file():
        raise RuntimeError(f"no backup at {source}")
    if not replace and not database_is_empty(database_url):
        raise RestoreRefused(
            f"{url.render_as_string(hide_password=True)} is not empty; "
            "restore into an empty database, or replace it with --replace"
        )
    if url.get_backend_name() == "sqlite":
        _restore_sqlite(url, source)
    elif url.get_backend_name() == "postgresql":
        others = _other_sessions(database_url)
        if others:
            raise RestoreRefused(
                f"{others} other session(s) use {url.render_as_string(hide_password=True)}; "
                "stop every server process first (systemctl stop antre.target)"
            )
        _restore_postgresql(url, source, replace=replace)
    else:
        raise RuntimeError(f"no restore method for {url.get_backend_name()}")


def _restore_sqlite(url: URL, source: Path) -> None:
    if not url.database or url.database == ":memory:":
        raise RuntimeError("cannot restore into an in-memory database")
    backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        try:
            check = backup.execute("PRAGMA integrity_check").fetchone()
        except sqlite3.DatabaseError as exc:
            raise RuntimeError(f"{source} is not an SQLite database: {exc}") from None
        if check != ("ok",):
            raise RuntimeError(f"{source} is damaged: {check[0] if check else 'no answer'}")
        # An empty file, or any other SQLite database, passes the check above.
        try:
            revision = backup.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            revision = None
        if not revision:
            raise RuntimeError(f"{source} is not an Antre backup (no schema revision)")
        target_path = Path(url.database)
        target_path.parent.mkdir(parents=True, exist_ok=True)
        # Through SQLite itself, not a file copy: the target's WAL and journal stay right.
        target = sqlite3.connect(target_path, timeout=30)
        try:
            backup.backup(target)
        finally:
            target.close()
    finally:
        backup.close()


def _restore_postgresql(url: URL, source: Path, *, replace: bool) -> None:
    _require("pg_restore")
    with open(source, "rb") as fh:
        if fh.read(5) != b"PGDMP":
            raise RuntimeError(f"{source} is not a pg_dump archive (custom format)")
    listing = subprocess.run(
        ["pg_restore", "--list", str(source)],
        capture_output=True,
        text=True,
        timeout=PG_TIMEOUT_SECONDS,
    )
    if listing.returncode != 0:
        raise RuntimeError(f"{source} cannot be read: {listing.stderr.strip()}")
    if "TABLE DATA public alembic_version" not in listing.stdout:
        raise RuntimeError(f"{source} is not an Antre backup (no schema revision)")
    conn, env = _pg_args(url)
    # One transaction: a restore that fails half-way leaves the database as it was.
    args = ["pg_restore", "--single-transaction", "--exit-on-error", "--no-owner", *conn]
    if replace:
        args += ["--clean", "--if-exists"]
    args += [f"--dbname={url.database or ''}", str(source)]
    result = subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=PG_TIMEOUT_SECONDS
    )
    if result.returncode != 0:
        raise RuntimeError(f"pg_restore failed: {result.stderr.strip()}")
