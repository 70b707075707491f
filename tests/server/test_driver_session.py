"""A transaction on the sqlite3 driver (server.driver_session) stores and reads back what
an ORM session would, byte for byte, and hands everything else back to a session."""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import Integer, bindparam, event, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from server.db import Database
from server.domain import calling
from server.domain.sql import increment_many, run
from server.driver_session import NeedsSession
from server.models import (
    Counter,
    CounterState,
    IdempotencyKey,
    Priority,
    RoomSeq,
    Service,
    Ticket,
    TicketEvent,
    TicketSource,
    TicketState,
)
from tests.conftest import Api
from tests.factories import Hall

WIB = ZoneInfo("Asia/Jakarta")
TICKETS = Ticket.__table__
# Every kind of column a ticket has: enums, a date, aware datetimes (one given in another
# zone), a float, a boolean, NULLs.
A_TICKET: dict[str, Any] = {
    "service_id": 0,
    "origin_service_id": 0,
    "series_id": 0,
    "service_date": dt.date(2026, 12, 1),
    "sequence": 900,
    "number": "DK-900",
    "priority": Priority.ELDERLY,
    "source": TicketSource.KIOSK,
    "state": TicketState.WAITING,
    "queue_key": 1796626477.217565,
    "target_counter_id": None,
    "counter_id": None,
    "officer_id": None,
    "booked_for": dt.datetime(2026, 12, 1, 9, 30, tzinfo=WIB),
    "call_count": 0,
    "printed": True,
    "issued_at": dt.datetime(2026, 12, 1, 1, 2, 3, 456789, tzinfo=dt.UTC),
    "queued_at": dt.datetime(2026, 12, 1, 8, 2, 3, 456789, tzinfo=WIB),
    "called_at": None,
    "started_at": None,
    "finished_at": None,
    "issued_by_device_id": None,
}
INSERT_TICKET = insert(TICKETS).returning(TICKETS.c.id)  # type: ignore[arg-type]
READ_TICKET = select(
    Ticket.number,
    Ticket.priority,
    Ticket.state,
    Ticket.service_date,
    Ticket.booked_for,
    Ticket.issued_at,
    Ticket.printed,
    Ticket.queue_key,
    Ticket.called_at,
)


def db_of(app: Flask) -> Database:
    return app.extensions["antre"].db  # type: ignore[no-any-return]


def a_ticket(hall: Hall, code: str, sequence: int = 900) -> dict[str, Any]:
    return {
        **A_TICKET,
        "service_id": hall.ktp,
        "origin_service_id": hall.ktp,
        "status_code": code,
        "sequence": sequence,
    }


def stored(app: Flask, ticket_id: int) -> dict[str, Any]:
    """The row as SQLite holds it, read past SQLAlchemy."""
    path = db_of(app).url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        cursor = conn.execute("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
        row = cursor.fetchone()
        names = [column[0] for column in cursor.description]
    return {k: v for k, v in zip(names, row, strict=True) if k not in ("id", "status_code")}


def series_of(app: Flask, hall: Hall) -> int:
    with db_of(app).read() as session:
        service = session.get(Service, hall.ktp)
        assert service is not None
        return service.series_id


def test_a_ticket_is_stored_byte_for_byte_as_the_session_stores_it(app: Flask, hall: Hall) -> None:
    db = db_of(app)
    series = series_of(app, hall)
    with db.write() as session:
        by_session = run(session, INSERT_TICKET, {**a_ticket(hall, "s"), "series_id": series})
        session_id = by_session.scalar_one()
    with db.driver_write() as driver:
        by_driver = driver.execute(INSERT_TICKET, {**a_ticket(hall, "d", 901), "series_id": series})
        driver_id = by_driver.scalar_one()

    assert driver_id == session_id + 1
    assert stored(app, driver_id) == {**stored(app, session_id), "sequence": 901}
    assert stored(app, driver_id)["booked_for"] == "2026-12-01 02:30:00.000000"  # in UTC


def test_rows_come_back_with_the_values_and_types_the_session_gives(app: Flask, hall: Hall) -> None:
    db = db_of(app)
    with db.write() as session:
        row = {**a_ticket(hall, "r"), "series_id": series_of(app, hall)}
        ticket_id = run(session, INSERT_TICKET, row).scalar_one()
    statement = READ_TICKET.where(Ticket.id == ticket_id)
    with db.read() as session:
        expected = session.execute(statement).one()
    with db.driver_write() as driver:
        got = driver.execute(statement).one()

    assert tuple(got) == tuple(expected)
    assert [type(v) for v in got] == [type(v) for v in expected]
    assert got.priority is Priority.ELDERLY and got.booked_for.tzinfo is not None
    assert got._mapping["number"] == "DK-900"


def test_an_in_list_is_expanded_as_the_session_expands_it(app: Flask, hall: Hall) -> None:
    db = db_of(app)
    ids = [hall.c1, hall.c2]
    with db.write() as session:
        session.execute(update(Counter).where(Counter.id == hall.c2).values(state="open"))
    with db.read() as session:
        expected = sorted(run(session, calling._COUNTER_STATES, {"counter_ids": ids}).all())
    with db.driver_write() as driver:
        got = sorted(driver.execute(calling._COUNTER_STATES, {"counter_ids": ids}).all())

    assert got == expected
    assert {state for _, state, _ in got} == {CounterState.CLOSED, CounterState.OPEN}


def test_an_upsert_written_as_text_returns_its_rows(app: Flask) -> None:
    rooms = RoomSeq.__table__
    with db_of(app).driver_write() as driver:
        first = increment_many(driver, rooms, "room", "last_seq", {"hall": 2, "line:1": 1})  # type: ignore[arg-type]
        again = increment_many(driver, rooms, "room", "last_seq", {"hall": 1})  # type: ignore[arg-type]

    assert again["hall"] == first["hall"] + 1
    with db_of(app).read() as session:
        assert session.get(RoomSeq, "hall").last_seq == again["hall"]  # type: ignore[union-attr]


def test_a_repeated_key_is_the_integrity_error_a_session_raises(app: Flask, hall: Hall) -> None:
    key = insert(IdempotencyKey.__table__)  # type: ignore[arg-type]
    with db_of(app).write() as session:
        row = {**a_ticket(hall, "k"), "series_id": series_of(app, hall)}
        ticket_id = run(session, INSERT_TICKET, row).scalar_one()
    values = {
        "owner": "device:1",
        "key": "k-1",
        "request_hash": "h",
        "ticket_id": ticket_id,
        "created_at": dt.datetime.now(dt.UTC),
    }
    with db_of(app).driver_write() as driver:
        driver.execute(key, values)
        with pytest.raises(IntegrityError):
            driver.execute(key, values)


def test_a_failed_command_leaves_nothing_behind(app: Flask, hall: Hall) -> None:
    db = db_of(app)
    row = {**a_ticket(hall, "gone"), "series_id": series_of(app, hall)}
    with pytest.raises(NeedsSession), db.driver_write() as driver:
        driver.execute(INSERT_TICKET, row)
        driver.get(Ticket, 1)  # only a session loads an entity

    with db.read() as session:
        assert session.scalar(select(Ticket.id).where(Ticket.status_code == "gone")) is None


@pytest.mark.parametrize(
    ("ask", "why"),
    [
        pytest.param(lambda d: d.execute(select(Ticket)), "loads ORM entities", id="an entity"),
        pytest.param(lambda d: d.get(Ticket, 1), "Session.get", id="get"),
        pytest.param(lambda d: d.merge(object()), "merge with load", id="merge that loads"),
        pytest.param(
            # priority, source, call_count... are column defaults computed in Python
            lambda d: d.execute(insert(TICKETS), {"status_code": "x", "service_id": 1}),
            "column default",
            id="a column default",
        ),
        pytest.param(
            lambda d: d.execute(insert(TICKETS), [{"status_code": "x"}, {"status_code": "y"}]),
            "executemany",
            id="several rows",
        ),
        pytest.param(
            lambda d: d.execute(select(Ticket.id)).partitions(),
            "Result.partitions",
            id="a Result method",
        ),
    ],
)
def test_what_only_a_session_does_is_handed_back(app: Flask, ask: Any, why: str) -> None:
    with pytest.raises(NeedsSession, match=why), db_of(app).driver_write() as driver:
        ask(driver)


def test_a_value_its_type_refuses_is_sqlalchemys_statement_error(app: Flask) -> None:
    naive = select(Ticket.id).where(Ticket.issued_at < bindparam("at"))
    with pytest.raises(StatementError), db_of(app).driver_write() as driver:
        driver.execute(naive, {"at": dt.datetime(2026, 12, 1, 9, 0)})  # no time zone


def test_scalars_are_the_first_columns_values(app: Flask, hall: Hall) -> None:
    ids = select(Counter.id).order_by(Counter.id)
    with db_of(app).read() as session:
        expected = session.scalars(ids).all()
        first = session.scalars(ids).first()
    with db_of(app).driver_write() as driver:
        assert driver.scalars(ids).all() == expected
        assert driver.scalars(ids).first() == first
        assert driver.scalars(ids.where(Counter.id == hall.c2)).one() == hall.c2
        with pytest.raises(NeedsSession, match=r"ScalarResult\.partitions"):
            driver.scalars(ids).partitions()


def test_rows_of_a_text_statement_name_their_columns(app: Flask) -> None:
    with db_of(app).driver_write() as driver:
        row = driver.execute(text("SELECT 7 AS seven, 'x' AS letter")).one()
    assert (row.seven, row.letter, row._mapping["seven"]) == (7, "x", 7)


def test_a_new_object_is_a_sessions_to_insert(app: Flask) -> None:
    with pytest.raises(NeedsSession), db_of(app).driver_write() as driver:
        driver.add(RoomSeq(room="hall", last_seq=1))


def test_a_change_to_what_was_merged_sends_the_command_to_a_session(app: Flask, hall: Hall) -> None:
    """A session would have flushed it; the driver would lose it, so nothing commits."""
    with db_of(app).read() as session:
        service = session.get(Service, hall.ktp)
        assert service is not None
        session.expunge(service)
    row = {**a_ticket(hall, "merged"), "series_id": service.series_id}
    with pytest.raises(NeedsSession), db_of(app).driver_write() as driver:
        merged = driver.merge(service, load=False)
        driver.execute(INSERT_TICKET, row)
        merged.daily_quota = 5

    with db_of(app).read() as session:
        assert session.scalar(select(Ticket.id).where(Ticket.status_code == "merged")) is None


def test_the_engines_listeners_see_every_statement(app: Flask) -> None:
    engine = db_of(app).engine
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with db_of(app).driver_write() as driver:
            driver.execute(select(Counter.id))
            driver.execute(select(Ticket.id))
    finally:
        event.remove(engine, "before_cursor_execute", count)

    # The begin too, as a session's write transaction shows it (server.db).
    assert seen[0] == "BEGIN IMMEDIATE"
    assert len(seen) == 3 and seen[1].startswith("SELECT counters.id")


def test_the_event_log_row_is_stored_as_the_session_stores_it(app: Flask, hall: Hall) -> None:
    db = db_of(app)
    log = insert(TicketEvent.__table__)  # type: ignore[arg-type]
    with db.write() as session:
        ticket_id = run(
            session, INSERT_TICKET, {**a_ticket(hall, "l"), "series_id": series_of(app, hall)}
        ).scalar_one()
    values = {
        "ticket_id": ticket_id,
        "at": dt.datetime(2026, 12, 1, 8, 0, tzinfo=WIB),
        "kind": "issued",
        "from_state": None,
        "to_state": "waiting",
        "service_id": hall.ktp,
        "counter_id": None,
        "user_id": None,
        "device_id": None,
        "data": {"priority": "elderly", "note": "Lansia – kursi roda"},
    }
    with db.write() as session:
        run(session, log, values)
    with db.driver_write() as driver:
        driver.execute(log, values)

    path = db.url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT at, kind, data FROM ticket_events WHERE ticket_id = ?", (ticket_id,)
        ).fetchall()
    assert len(rows) == 2 and rows[0] == rows[1]


def close_the_next_connection_handed_out(app: Flask) -> None:
    """The next connection the pool hands out is closed under it, as one that broke while
    it waited in the pool."""

    def close(dbapi_connection: sqlite3.Connection, *_: Any) -> None:
        dbapi_connection.close()

    event.listen(db_of(app).engine, "checkout", close, once=True)


def test_a_connection_that_broke_is_a_503_and_the_next_issue_gets_a_new_one(
    api: Api, hall: Hall
) -> None:
    kiosk = api.as_device("kiosk")
    kiosk.issue(hall.ktp, printed=True)  # the kiosk known: the issue takes the next connection
    close_the_next_connection_handed_out(api.client.application)

    lost = kiosk.post("/api/v1/tickets", json={"service_id": hall.ktp, "printed": True})

    # The answer a session gives for a lost connection: nothing was written, try again.
    assert lost.status_code == 503, lost.get_json()
    assert lost.get_json()["error"]["code"] == "unavailable"
    again = kiosk.post("/api/v1/tickets", json={"service_id": hall.ktp, "printed": True})
    assert again.status_code == 201, again.get_json()
    assert again.get_json()["ticket"]["sequence"] == 2  # the lost attempt took no number


def test_a_driver_transaction_on_a_broken_connection_gives_it_up(app: Flask) -> None:
    close_the_next_connection_handed_out(app)

    with pytest.raises(DBAPIError) as raised, db_of(app).driver_write():
        pass

    assert raised.value.connection_invalidated
    with db_of(app).driver_write() as driver:  # a new connection: the pool opened it
        assert driver.execute(select(Counter.id)).all()


def test_a_connection_that_breaks_during_the_transaction_is_given_up_too(app: Flask) -> None:
    engine = db_of(app).engine

    def break_it(_conn: Any, cursor: sqlite3.Cursor, statement: str, *_: Any) -> None:
        if statement.startswith("SELECT tickets.id"):
            cursor.connection.close()

    event.listen(engine, "before_cursor_execute", break_it)
    try:
        with pytest.raises(DBAPIError) as raised, db_of(app).driver_write() as driver:
            driver.execute(select(Counter.id))
            driver.execute(select(Ticket.id))
    finally:
        event.remove(engine, "before_cursor_execute", break_it)

    assert raised.value.connection_invalidated
    with db_of(app).driver_write() as driver:
        assert driver.execute(select(Counter.id)).all()


def test_a_parameter_left_out_takes_its_default_and_one_used_twice_is_bound_once(
    app: Flask,
) -> None:
    at = bindparam("at", type_=Ticket.issued_at.type)
    statement = select(
        bindparam("a", type_=Integer) + bindparam("b", value=10, type_=Integer),
        bindparam("a", type_=Integer),
        at,
        at,
    )
    moment = dt.datetime(2026, 12, 1, 8, 0, tzinfo=WIB)
    utc = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)

    with db_of(app).driver_write() as driver:
        left_out = driver.execute(statement, {"a": 1, "at": moment}).one()
        given = driver.execute(statement, {"b": 2, "a": 1, "at": moment}).one()

    # The zone-aware moment goes in once, as UTC text, and comes back as UTC twice.
    assert tuple(left_out) == (11, 1, utc, utc)
    assert tuple(given) == (3, 1, utc, utc)


def connections_handed_out(app: Flask) -> list[sqlite3.Connection]:
    handed: list[sqlite3.Connection] = []

    def note(dbapi_connection: sqlite3.Connection, *_: Any) -> None:
        handed.append(dbapi_connection)

    event.listen(db_of(app).engine, "checkout", note)
    return handed


def test_a_command_handed_back_on_a_closed_connection_still_goes_to_a_session(
    app: Flask,
) -> None:
    handed = connections_handed_out(app)

    with pytest.raises(NeedsSession), db_of(app).driver_write() as driver:
        handed[-1].close()
        driver.get(Ticket, 1)  # only a session loads an entity

    with db_of(app).driver_write() as driver:
        assert driver.execute(select(Counter.id)).all()
    assert handed[1] is not handed[0]  # the closed one was given up


def test_a_lost_connection_elsewhere_does_not_cost_this_one(app: Flask) -> None:
    handed = connections_handed_out(app)
    lost = sqlite3.ProgrammingError("Cannot operate on a closed database.")

    with pytest.raises(DBAPIError), db_of(app).driver_write():
        # As the reader beside the transaction would raise it, about its own connection.
        raise DBAPIError.instance("SELECT 1", (), lost, sqlite3.Error, connection_invalidated=True)

    with db_of(app).driver_write() as driver:
        assert driver.execute(select(Counter.id)).all()
    assert handed[1] is handed[0]


def test_a_held_object_whose_relation_is_not_mapped_goes_to_a_session(
    app: Flask, hall: Hall
) -> None:
    with db_of(app).write() as session:
        row = {**a_ticket(hall, "odd"), "series_id": series_of(app, hall)}
        ticket_id = run(session, INSERT_TICKET, row).scalar_one()
    with db_of(app).read() as session:
        ticket = session.get(Ticket, ticket_id)
    assert ticket is not None
    ticket.__dict__["service"] = object()  # nothing the domain writes; only the guard is asked

    with pytest.raises(NeedsSession, match="not a mapped object"), db_of(app).driver_write() as d:
        d.add(ticket)
