"""A fresh PostgreSQL database per test, on the local server (started by scripts/services).

When PostgreSQL is not reachable the test is skipped on a developer's machine but fails
in CI, where the service is part of the contract.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
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


@contextmanager
def fresh_database() -> Iterator[str]:
    """Create an empty database and yield its URL; drop it afterwards."""
    require_postgres()
    from sqlalchemy.engine import make_url

    name = f"antre_test_{secrets.token_hex(6)}"
    conn = _connect()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()
