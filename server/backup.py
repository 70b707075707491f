"""Database backups that are safe while the server is running."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


def backup_database(database_url: str, destination: Path) -> int:
    """Write a consistent copy of the database to ``destination``; return its size.

    The copy is written next to the destination and renamed into place, so a crash
    mid-backup never leaves a half file under the final name.
    """
    url = make_url(database_url)
    destination = destination.resolve()
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise RuntimeError("an in-memory database cannot be backed up")
        source_path = Path(url.database)
        if not source_path.exists():
            raise RuntimeError(f"no database at {source_path}")
        partial.unlink(missing_ok=True)
        source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
        target = sqlite3.connect(partial)
        try:
            # Pages copied in steps; between steps the server's writers go on.
            source.backup(target, pages=1024)
        finally:
            target.close()
            source.close()
    elif url.get_backend_name() == "postgresql":
        if shutil.which("pg_dump") is None:
            raise RuntimeError(
                "pg_dump is not installed (Debian: apt-get install postgresql-client)"
            )
        env = dict(os.environ)
        if url.password:
            env["PGPASSWORD"] = url.password
        args = ["pg_dump", "--format=custom", f"--file={partial}", "--no-password"]
        if url.host:
            args.append(f"--host={url.host}")
        if url.port:
            args.append(f"--port={url.port}")
        if url.username:
            args.append(f"--username={url.username}")
        args.append(url.database or "")
        result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600)
        if result.returncode != 0:
            raise RuntimeError(f"pg_dump failed: {result.stderr.strip()}")
    else:
        raise RuntimeError(f"no backup method for {url.get_backend_name()}")
    os.replace(partial, destination)
    return destination.stat().st_size
