"""A fresh PostgreSQL database per test, on the local server (started by scripts/services).

When PostgreSQL is not reachable the test is skipped on a developer's machine but fails
in CI, where the service is part of the contract.
"""

from __future__ import annotations

import atexit
import os
import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest

ADMIN_URL = os.environ.get("ANTRE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _connect(dbname: str | None = None):  # type: ignore[no-untyped-def]
    import psycopg2
    from sqlalchemy.engine import make_url

    url = make_url(ADMIN_URL)
    return psycopg2.connect(
        host=url.host,
        port=url.port or 5432,
        user=url.username,
        dbname=dbname or url.database,
        password=url.password,
        connect_timeout=3,
    )


def postgres_available() -> bool:
    try:
        _connect().close()
    except Exception:
        return False
    return True


def require_postgres() -> None:
    if postgres_available():
        return
    if os.environ.get("CI"):
        pytest.fail("PostgreSQL is not reachable on 127.0.0.1:5432 (scripts/services starts it)")
    pytest.skip("PostgreSQL is not reachable on 127.0.0.1:5432")


# Migrating a new database costs PostgreSQL about a second and a half, copying a migrated
# one a fifth of that: tests that want the schema get a copy of one migrated per run.
_template_lock = threading.Lock()
_template: str | None = None
# DROP DATABASE waits for a checkpoint (about a second, more on a busy disk): done beside
# the next tests, and finished before the run ends.
_dropper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="drop-test-database")


def _url(name: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


def _create(name: str, template: str | None = None) -> None:
    conn = _connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            copy_of = f' TEMPLATE "{template}"' if template is not None else ""
            cur.execute(f'CREATE DATABASE "{name}"{copy_of}')
    finally:
        conn.close()


def _drop(name: str) -> None:
    conn = _connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()


def _migrated_template() -> str:
    global _template
    with _template_lock:
        if _template is None:
            from server.db import make_engine
            from server.migrate import upgrade

            name = f"antre_template_{secrets.token_hex(6)}"
            _create(name)
            engine = make_engine(_url(name))
            try:
                upgrade(engine)
            finally:
                engine.dispose()
            atexit.register(_drop, name)
            _template = name
        return _template


@atexit.register
def _finish_drops() -> None:
    _dropper.shutdown(wait=True)


@contextmanager
def fresh_database(*, migrated: bool = False) -> Iterator[str]:
    """Create a database and yield its URL, empty or (``migrated``) with the schema at
    the newest migration; drop it afterwards."""
    require_postgres()
    name = f"antre_test_{secrets.token_hex(6)}"
    _create(name, _migrated_template() if migrated else None)
    try:
        yield _url(name)
    finally:
        _dropper.submit(_drop, name)
