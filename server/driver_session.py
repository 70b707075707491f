"""A write transaction on the sqlite3 driver itself, for the kiosk's issue: the domain
code unchanged, its statements without the ORM session and SQLAlchemy's execution.

Why (docs/benchmarks.md, the seventh pass): the statements of a kiosk issue cost the
driver about a third of a millisecond, commit included, and the ORM session with
SQLAlchemy's execution around them two milliseconds more. A ``DriverSession`` stands in
for the ``Session`` of one command. It runs the very Core statements the domain builds,
compiled by SQLAlchemy once per statement for the dialect, on the driver's cursor, with
the same type processing: each bind parameter through its type's own bind processor,
each result column through its type's own result processor, as SQLAlchemy's execution
does (public API only: ``Compiled.positiontup`` and ``binds``,
``TypeEngine.dialect_impl``). The engine's ``before_cursor_execute`` listeners still
see every statement, and a driver error is still SQLAlchemy's (``IntegrityError``,
``OperationalError``), so callers and error handlers cannot tell the difference.

What only the ORM session does (load an entity, autoflush a change, an ``IN`` list, a
column default computed in Python, a lazy load, ...) raises ``NeedsSession``: the caller
rolls the transaction back and runs the command again in a real session. Such a case
costs time, never a different answer. ``merge(load=False)`` hands back the catalog's
kept, detached copy itself: only a command that never changes what it merges (the
issue) may run here.
"""

from __future__ import annotations

import contextlib
import functools
import operator
import sqlite3
import weakref
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound, StatementError
from sqlalchemy.orm.attributes import instance_state
from sqlalchemy.orm.exc import NO_STATE
from sqlalchemy.sql.elements import ClauseElement

# Plans kept per statement and parameter names; statements are module constants or kept
# by the functions that build them, so this stays small. A statement built anew for
# every call would only fill it: past this size it is emptied (and that statement
# compiled again, as SQLAlchemy would).
MOST_PLANS = 512


class NeedsSession(Exception):
    """The command asked for what only an ORM session does; nothing of it is committed."""


class HeldObjectChanged(NeedsSession):
    """The command changed an object it was handed: a session would flush the change,
    and the object may be the catalog's kept copy, which is no longer to be trusted."""


@dataclass(frozen=True)
class _Plan:
    """One statement as the driver takes it: SQL text, where each positional value comes
    from and how it is converted, and how each result column is read back.

    Prepared so that an execution does no more than it must: an issue binds about 80
    values over its statements and reads back a few rows, and looping in Python over
    every parameter or column to ask whether it needs converting was about a seventh of
    the opcodes an issue runs in the application (docs/benchmarks.md, the tenth pass;
    the CPU that saved was small, most of an issue's time being spent in C)."""

    sql: str
    # Each parameter once (a statement may use one several times, as the people-ahead
    # count does the day and the time) with its default; and by position in that list,
    # those that a bind processor converts.
    wanted: tuple[tuple[str, Any], ...]
    converted: tuple[tuple[int, Callable[[Any], Any]], ...]
    # The values in the SQL's positional order, picked from that list (once converted).
    positional: Callable[[list[Any]], Sequence[Any]]
    # The result columns that a result processor converts, by position.
    loaded: tuple[tuple[int, Callable[[Any], Any]], ...]
    row: type[tuple[Any, ...]] | None
    # A statement with a parameter rendered at execution (an ``IN`` list): SQLAlchemy's
    # own ``construct_expanded_state`` gives its SQL and values for each execution.
    expanding: Any = None

    def sql_and_values(self, given: Mapping[str, Any]) -> tuple[str, Sequence[Any]]:
        if self.expanding is not None:
            state = self.expanding.construct_expanded_state(given)
            processors = state.processors
            values = []
            for name in state.positiontup or ():
                value, processor = state.parameters[name], processors.get(name)
                values.append(value if processor is None else processor(value))
            return state.statement, values
        get = given.get
        once = [get(key, default) for key, default in self.wanted]
        for i, convert in self.converted:
            once[i] = convert(once[i])
        return self.sql, self.positional(once)

    def rows(self, raw: list[tuple[Any, ...]]) -> list[Any]:
        """The driver's rows as SQLAlchemy's execution reads them back."""
        row = self.row
        assert row is not None
        if not self.loaded:
            return [row(*r) for r in raw]
        out = []
        for r in raw:
            values = list(r)
            for i, load in self.loaded:
                values[i] = load(values[i])
            out.append(row(*values))
        return out


def _positional(slots: tuple[int, ...], parameters: int) -> Callable[[list[Any]], Sequence[Any]]:
    """How the SQL's positional values are picked from the parameters' list: the list
    itself when each is used once and in order (most statements), else by position."""
    if slots == tuple(range(parameters)):
        return _same  # also every statement of one parameter or none
    pick = operator.itemgetter(*slots)
    return pick  # two or more slots: a tuple


def _same(once: list[Any]) -> list[Any]:
    return once


def _row_type(names: list[str]) -> type[tuple[Any, ...]]:
    """Rows that unpack, index and name their columns as SQLAlchemy's ``Row`` does."""
    base = namedtuple("Row", names, rename=True)  # type: ignore[misc]

    class Row(base):
        __slots__ = ()

        @property
        def _mapping(self) -> Mapping[str, Any]:
            return dict(zip(names, self, strict=True))

    return Row


def _plan_of(statement: Any, keys: frozenset[str], engine: Engine) -> _Plan:
    dialect = engine.dialect
    if getattr(statement, "is_select", False) and _selects_entities(statement):
        raise NeedsSession("a statement that loads ORM entities")
    compiled = statement.compile(dialect=dialect, column_keys=sorted(keys))
    positions = compiled.positiontup
    if positions is None:
        raise NeedsSession("a dialect without positional parameters")
    if getattr(compiled, "insert_prefetch", ()) or getattr(compiled, "update_prefetch", ()):
        raise NeedsSession("a column default computed in Python")
    unique = list(dict.fromkeys(positions))
    binds = [compiled.binds[name] for name in unique]
    expanding = any(bind.expanding or bind.literal_execute for bind in binds)
    converted = []
    for i, bind in enumerate(binds):
        if bind.key not in keys and bind.required:
            raise NeedsSession(f"no value for the required parameter {bind.key!r}")
        binder = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if binder is not None:
            converted.append((i, binder))
    slots = tuple(unique.index(name) for name in positions)
    columns = list(getattr(statement, "exported_columns", ()))
    loaders = [c.type.dialect_impl(dialect).result_processor(dialect, None) for c in columns]
    labels = [str(getattr(c, "key", None) or f"column_{i}") for i, c in enumerate(columns)]
    return _Plan(
        compiled.string,
        tuple((bind.key, bind.effective_value) for bind in binds),
        tuple(converted),
        _positional(slots, len(unique)),
        tuple((i, load) for i, load in enumerate(loaders) if load is not None),
        _row_type(labels) if columns else None,
        compiled if expanding else None,
    )


def _selects_entities(statement: Any) -> bool:
    parts = getattr(statement, "selects", None)  # a UNION's selects
    if parts is not None:
        return any(_selects_entities(part) for part in parts)
    for described in getattr(statement, "column_descriptions", ()):
        kind = described.get("type")
        if isinstance(kind, type) and hasattr(kind, "__mapper__"):
            return True
    return False


class _Rows:
    """What was read, at once, with the methods of SQLAlchemy's results the domain uses;
    any other is asked of a real session."""

    _kind = "Result"

    def __init__(self, items: list[Any]) -> None:
        self._items = items

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def all(self) -> list[Any]:
        return list(self._items)

    def first(self) -> Any:
        return self._items[0] if self._items else None

    def one_or_none(self) -> Any:
        if len(self._items) > 1:
            raise MultipleResultsFound("Multiple rows were found when one or none was required")
        return self.first()

    def one(self) -> Any:
        if not self._items:
            raise NoResultFound("No row was found when one was required")
        if len(self._items) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return self._items[0]

    def __getattr__(self, name: str) -> Any:
        raise NeedsSession(f"{self._kind}.{name}")


class DriverResult(_Rows):
    """The rows of one statement, as ``Result`` gives them."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        super().__init__(rows)
        self.rowcount = rowcount

    fetchall = _Rows.all

    def scalar(self) -> Any:
        return self._items[0][0] if self._items else None

    def scalar_one(self) -> Any:
        return self.one()[0]

    def scalar_one_or_none(self) -> Any:
        row = self.one_or_none()
        return None if row is None else row[0]

    def scalars(self) -> DriverScalars:
        return DriverScalars([row[0] for row in self._items])


class DriverScalars(_Rows):
    """The first column's values, as ``ScalarResult`` gives them."""

    _kind = "ScalarResult"


class DriverSession:
    """Stands in for the ``Session`` of one write command (see the module's docstring)."""

    def __init__(self, driver: sqlite3.Connection, engine: Engine) -> None:
        self._driver = driver
        # One cursor for the transaction: each statement's rows are read in full before
        # the next is sent.
        self._cursor = driver.cursor()
        self._engine = engine
        self._plans = _plans_of(engine)
        listened = engine.dispatch.before_cursor_execute
        self._listened = listened if listened else None  # asked once, not per statement
        self._held: list[Any] = []

    # Nothing is ever loaded into it by identity (``get`` is a session's work), so a
    # lookup there finds nothing, as in a session that has read nothing yet.
    identity_map: Mapping[Any, Any] = MappingProxyType({})

    def execute(
        self, statement: Any, params: Mapping[str, Any] | None = None, **options: Any
    ) -> DriverResult:
        if options or not isinstance(statement, ClauseElement):
            raise NeedsSession("execution options")
        if isinstance(params, list | tuple):
            raise NeedsSession("several parameter sets (executemany)")
        given = params or {}
        keys = frozenset(given)
        plan = self._plans.get((statement, keys))
        if plan is None:
            plan = _plan_of(statement, keys, self._engine)
            if len(self._plans) >= MOST_PLANS:
                self._plans.clear()
            self._plans[(statement, keys)] = plan
        try:
            sql, values = plan.sql_and_values(given)
        except (ValueError, TypeError, OverflowError) as exc:  # a value its type refuses
            raise StatementError(str(exc), plan.sql, dict(given), exc) from exc
        cursor = self._cursor
        if self._listened is not None:
            self._listened(None, cursor, sql, tuple(values), None, False)
        try:
            cursor.execute(sql, values)
            raw = cursor.fetchall() if cursor.description is not None else []
        except sqlite3.Error as exc:
            raise _as_sqlalchemys(self._engine, self._driver, sql, values, exc) from exc
        except (ValueError, TypeError, OverflowError) as exc:  # one the driver refuses
            raise StatementError(str(exc), sql, values, exc) from exc
        if not raw:
            return DriverResult(raw, cursor.rowcount)
        if plan.row is None:  # a text statement: its columns named as the driver says
            row = _text_row(tuple(column[0] for column in cursor.description))
            return DriverResult([row(*r) for r in raw], cursor.rowcount)
        return DriverResult(plan.rows(raw), cursor.rowcount)

    def scalar(
        self, statement: Any, params: Mapping[str, Any] | None = None, **options: Any
    ) -> Any:
        return self.execute(statement, params, **options).scalar()

    def scalars(
        self, statement: Any, params: Mapping[str, Any] | None = None, **options: Any
    ) -> DriverScalars:
        return self.execute(statement, params, **options).scalars()

    def connection(self, **options: Any) -> DriverSession:
        """Itself: ``server.domain.sql.run`` executes on the session's connection."""
        if options:
            raise NeedsSession("connection options")
        return self

    def flush(self) -> None:
        """Nothing is ever pending here: every change is a statement, sent at once."""

    def get_bind(self, *args: Any, **kwargs: Any) -> Engine:
        return self._engine

    def merge(self, instance: Any, *, load: bool = True) -> Any:
        """The catalog's kept copy itself (see the module's docstring)."""
        if load:
            raise NeedsSession("merge with load")
        self._held.append(instance)
        return instance

    def add(self, instance: Any) -> None:
        """An object already in the database and unchanged (the issue's new ticket,
        inserted by its own statement and built as loaded): nothing to flush. A new or
        changed object is a session's work."""
        state = instance_state(instance)
        if state.key is None or state.modified:
            raise NeedsSession("an object to flush")
        self._held.append(instance)

    def ensure_nothing_to_flush(self) -> None:
        """Before the commit: an object the command merged or added, or one loaded with
        it (a service's agency and series, a ticket's service), that the command then
        changed would have been flushed by a session; here it would be lost."""
        # ``instance_state``, not ``inspect``: the same state, without the inspection
        # registry's dispatch for each of the half-dozen objects an issue holds.
        for instance in self._held:
            state = instance_state(instance)
            if state.modified:
                raise HeldObjectChanged("a change to flush")
            loaded = state.dict
            for key in _relations_of(state.mapper):
                other = loaded.get(key)
                if other is None:
                    continue
                try:
                    changed = instance_state(other).modified
                except NO_STATE:
                    raise NeedsSession("a relation holding what is not a mapped object") from None
                if changed:
                    raise HeldObjectChanged("a change to flush")

    def done(self) -> None:
        """The transaction is over: its cursor is closed (with a connection that broke,
        it is closed already, and says so)."""
        with contextlib.suppress(sqlite3.ProgrammingError):
            self._cursor.close()

    def __getattr__(self, name: str) -> Any:
        raise NeedsSession(f"Session.{name}")


@functools.lru_cache(maxsize=64)
def _relations_of(mapper: Any) -> tuple[str, ...]:
    """A mapper's one-to-one and many-to-one relations (a collection holds no state of
    its own to check)."""
    return tuple(r.key for r in mapper.relationships if not r.uselist)


@functools.lru_cache(maxsize=64)
def _text_row(names: tuple[str, ...]) -> type[tuple[Any, ...]]:
    return _row_type(list(names))


_PLANS: weakref.WeakKeyDictionary[Engine, dict[tuple[Any, frozenset[str]], _Plan]] = (
    weakref.WeakKeyDictionary()
)


def _plans_of(engine: Engine) -> dict[tuple[Any, frozenset[str]], _Plan]:
    """The plans compiled for ``engine`` (one engine per application)."""
    plans = _PLANS.get(engine)
    if plans is None:
        plans = _PLANS[engine] = {}
    return plans


@contextmanager
def driver_transaction(engine: Engine) -> Iterator[DriverSession]:
    """``BEGIN IMMEDIATE`` on a pooled connection's driver; committed on success, rolled
    back on any error (``NeedsSession`` included). The caller holds the write turn."""
    pooled = engine.raw_connection()
    driver = pooled.driver_connection
    try:
        assert isinstance(driver, sqlite3.Connection)
        listened = engine.dispatch.before_cursor_execute
        if listened:  # as a session's begin shows it (server.db)
            listened(None, None, "BEGIN IMMEDIATE", (), None, False)
        _driver_sql(engine, driver, "BEGIN IMMEDIATE")
        session = DriverSession(driver, engine)
        try:
            yield session
            session.ensure_nothing_to_flush()
            _driver_sql(engine, driver, "COMMIT")
        except BaseException:
            # A closed connection refuses even the question, which would hide what went
            # wrong (a NeedsSession would no longer send the command to a session).
            with contextlib.suppress(sqlite3.ProgrammingError):
                if driver.in_transaction:
                    driver.rollback()
            raise
        finally:
            session.done()
    except BaseException:
        if isinstance(driver, sqlite3.Connection) and _closed(driver):
            # Given up, whatever was raised: the pool opens a new connection for the next
            # checkout. (SQLAlchemy's own execution also retires the pool's older
            # connections on a lost connection; one SQLite connection closed under the
            # pool says nothing of the others.) A statement that found it closed raised
            # the lost connection's error, which the caller answers with 503.
            pooled.invalidate()
        raise
    finally:
        pooled.close()


def _closed(driver: sqlite3.Connection) -> bool:
    """Whether the connection was closed (sqlite3 says so only by refusing a question)."""
    try:
        driver.in_transaction  # noqa: B018  # asked for its refusal alone
    except sqlite3.ProgrammingError:
        return True
    return False


def _driver_sql(engine: Engine, driver: sqlite3.Connection, sql: str) -> None:
    try:
        driver.execute(sql)
    except sqlite3.Error as exc:
        raise _as_sqlalchemys(engine, driver, sql, (), exc) from exc


def _as_sqlalchemys(
    engine: Engine, driver: sqlite3.Connection, sql: str, values: Any, exc: sqlite3.Error
) -> StatementError:
    """The error SQLAlchemy's execution raises for ``exc``: of its own class, and marked
    ``connection_invalidated`` when the dialect says the connection is gone (closed under
    the pool), so the caller answers "try again" rather than a fault."""
    dialect: Any = engine.dialect  # typed for DBAPI protocols sqlite3's classes lack
    gone = dialect.is_disconnect(exc, driver, None)
    return DBAPIError.instance(sql, values, exc, sqlite3.Error, connection_invalidated=gone)
