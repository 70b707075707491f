"""The few statements that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_if_missing(session: Session, table: Table, values: dict[str, Any]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: create a lock row without racing its creator."""
    dialect = session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    session.execute(module.insert(table).values(**values).on_conflict_do_nothing())


def increment(session: Session, table: Table, key: dict[str, Any], column: str, by: int = 1) -> int:
    """Add ``by`` to ``column`` of the row with ``key`` (created at ``by`` when missing) and
    return the new value. One upsert statement: it takes the row lock (PostgreSQL) that
    queues concurrent callers until commit, with no separate "create the row" step."""
    stmt = _increment_statement(session.get_bind().dialect.name, table, tuple(key), column)
    return int(session.execute(stmt, {**key, "by": by}).scalar_one())


@lru_cache(maxsize=32)
def _increment_statement(dialect: str, table: Table, key: tuple[str, ...], column: str) -> Any:
    # Cached: building an upsert costs more than running it on SQLite.
    module: Any = postgresql if dialect == "postgresql" else sqlite
    values: dict[str, Any] = {name: bindparam(name) for name in key}
    stmt = module.insert(table).values(**values, **{column: bindparam("by")})
    return stmt.on_conflict_do_update(
        index_elements=list(key), set_={column: table.c[column] + bindparam("by")}
    ).returning(table.c[column])


def skip_locked(session: Session) -> dict[str, Any]:
    """``with_for_update`` arguments: skip rows another counter is claiming (PostgreSQL).

    SQLite has no row locks; its writers are serialised by ``BEGIN IMMEDIATE``.
    """
    if session.get_bind().dialect.name == "postgresql":
        return {"skip_locked": True}
    return {}
