"""Antre's kiosk issue written directly on the sqlite3 driver, for the promise ladder only:
what the issue's promises cost once SQLAlchemy and the ORM are out of the way.

    ANTRE_BENCH_LEAVE_OUT=driver .venv/bin/python bench/server_bench.py \\
        --entry-module bench.ladder_app --skip-calls

Never for a hall. It keeps every promise of the issue path that touches the database,
with the very statements the server sends (as its statement log shows them): the write
turn (``BEGIN IMMEDIATE``), the catalog version, the idempotency look-up, the number,
the ticket with its five indexes, its event log row, the idempotency key, people ahead
by the calling order with the counters' state (the one statement ``line_forecast``
sends) and the room numbers of its two events, and one commit with the same sync. It
leaves out what is Python on data the server keeps in memory, timed alone at a few
microseconds each in earlier passes (opening spans, staffing, the waiting area, the
averages' arithmetic), and every case off the kiosk's common path (a replayed key, a
refusal, a booking, a priority ticket): those stop the bench.

Three rungs (``bench/ladder_app.py``): ``driver`` on a connection of its own;
``driver-session`` inside the server's own write session (the ORM ``Session`` with its
write turn), its statements on that session's driver connection; ``driver-ctx`` also
with the catalog snapshot and the command context ``run_command`` builds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from typing import Any

from flask import request

_ORDER = (
    "(CASE WHEN (tickets.target_counter_id IS NOT NULL) THEN 0 WHEN (tickets.source = "
    "'booking' AND tickets.booked_for <= ?) THEN 1 WHEN (tickets.priority != 'none') THEN 2 "
    "ELSE 3 END, tickets.queue_key, tickets.id) < (?, ?, ?)"
)
_AHEAD = (
    "SELECT count(*) FROM tickets WHERE tickets.state = 'waiting' AND tickets.service_date = ?"
    f" AND {_ORDER} AND "
)
_COUNTER_NOW = (
    "SELECT counters.state FROM counters WHERE counters.id = ? AND counters.active IS 1",
    "SELECT counters.state_since FROM counters WHERE counters.id = ?",
    "SELECT tickets.service_id FROM tickets JOIN counters ON counters.current_ticket_id = "
    "tickets.id WHERE counters.id = ?",
    "SELECT tickets.started_at FROM tickets JOIN counters ON counters.current_ticket_id = "
    "tickets.id WHERE counters.id = ?",
)
_OPEN_COUNTERS = (
    "SELECT count(*) FROM counters JOIN counter_services ON counter_services.counter_id = "
    "counters.id WHERE counter_services.service_id = ? AND counters.state = ? AND "
    "counters.active IS 1"
)
_NUMBER = (
    "INSERT INTO series_days (series_id, service_date, last_number) VALUES (?, ?, 1) ON "
    "CONFLICT (series_id, service_date) DO UPDATE SET last_number = series_days.last_number"
    " + 1 RETURNING last_number"
)
_TICKET = (
    "INSERT INTO tickets (status_code, service_id, origin_service_id, series_id, service_date,"
    " sequence, number, priority, source, state, queue_key, target_counter_id, counter_id, "
    "officer_id, booked_for, call_count, printed, issued_at, queued_at, called_at, "
    "started_at, finished_at, issued_by_device_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'none', "
    "'kiosk', 'waiting', ?, NULL, NULL, NULL, NULL, 0, ?, ?, ?, NULL, NULL, NULL, ?) "
    "RETURNING id"
)
_EVENT = (
    "INSERT INTO ticket_events (ticket_id, at, kind, from_state, to_state, service_id, "
    "counter_id, user_id, device_id, data) VALUES (?, ?, 'issued', NULL, 'waiting', ?, NULL,"
    " NULL, ?, ?)"
)
_KEY = (
    'INSERT INTO idempotency_keys (owner, "key", request_hash, ticket_id, created_at) '
    "VALUES (?, ?, ?, ?, ?)"
)
_ROOMS = (
    "INSERT INTO room_seqs (room, last_seq) VALUES (?, 2), ('hall', 2), (?, 1), (?, 1) ON "
    "CONFLICT (room) DO UPDATE SET last_seq = room_seqs.last_seq + excluded.last_seq "
    "RETURNING room, last_seq"
)
_SERVICE = (
    "SELECT s.code, s.name, s.series_id, se.prefix, a.id, a.code, a.short_name, a.colour "
    "FROM services s JOIN series se ON se.id = s.series_id JOIN agencies a ON a.id = "
    "s.agency_id WHERE s.id = ?"
)


@dataclass(frozen=True)
class _Line:
    """A service as the rung keeps it per catalog version (the server keeps its ORM row)."""

    service: dict[str, Any]
    series_id: int
    prefix: str
    agency: dict[str, Any]
    counters: tuple[int, ...]
    forecast_sql: str
    rooms: tuple[str, str, str]


_lines: dict[int, _Line] = {}
_version: list[int | None] = [None]
_own: list[sqlite3.Connection] = []


def _line(cur: Any, service_id: int) -> _Line:
    found = _lines.get(service_id)
    if found is not None:
        return found
    code, name, series_id, prefix, agency_id, agency, short_name, colour = cur.execute(
        _SERVICE, (service_id,)
    ).fetchone()
    counters = tuple(
        row[0]
        for row in cur.execute(
            "SELECT counter_id FROM counter_services WHERE service_id = ? ORDER BY counter_id",
            (service_id,),
        )
    )
    parts = [_AHEAD + "tickets.service_id = ? AND tickets.target_counter_id IS NULL"]
    parts += [_AHEAD + "tickets.target_counter_id = ?" for _ in counters]
    parts.append(_OPEN_COUNTERS)
    parts += [part for _ in counters for part in _COUNTER_NOW]
    found = _Line(
        {"id": service_id, "code": code, "name": name},
        series_id,
        prefix,
        {"id": agency_id, "code": agency, "short_name": short_name, "colour": colour},
        counters,
        "SELECT " + ", ".join(f"({part})" for part in parts),
        (f"agency:{agency}", f"line:{service_id}", "zone:unknown"),
    )
    _lines[service_id] = found
    return found


def _issue(cur: Any, actor: Any) -> tuple[dict[str, Any], bool]:
    """The statements of one kiosk issue, in the server's order, inside the caller's
    transaction; the answer the kiosk gets."""
    body = request.get_json()
    service_id = body["service_id"]
    printed = body.get("printed")
    key = request.headers.get("Idempotency-Key")
    request_hash = hashlib.sha256(
        json.dumps(
            {"service_id": service_id, "priority": "none", "source": "kiosk", "booked_for": None},
            sort_keys=True,
        ).encode()
    ).hexdigest()
    now = dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")
    day = now.date().isoformat()
    version = cur.execute("SELECT version FROM catalog_version WHERE id = 1").fetchone()[0]
    if version != _version[0]:
        _lines.clear()
        _version[0] = version
    earlier = cur.execute(
        'SELECT request_hash, ticket_id FROM idempotency_keys WHERE owner = ? AND "key" = ?',
        (actor.owner_key, key),
    ).fetchone()
    if earlier is not None:
        raise SystemExit("the driver rung does not replay keys")
    line = _line(cur, service_id)
    sequence = cur.execute(_NUMBER, (line.series_id, day)).fetchone()[0]
    status_code = secrets.token_urlsafe(12)
    number = f"{line.prefix}-{sequence:03d}"
    queue_key = now.timestamp()
    ticket_id = cur.execute(
        _TICKET,
        (status_code, service_id, service_id, line.series_id, day, sequence, number,
         queue_key, None if printed is None else int(printed), stamp, stamp, actor.device_id),
    ).fetchone()[0]  # fmt: skip
    cur.execute(_EVENT, (ticket_id, stamp, service_id, actor.device_id, '{"priority": "none"}'))
    cur.execute(_KEY, (actor.owner_key, key, request_hash, ticket_id, stamp))
    params: list[Any] = [day, stamp, 3, queue_key, ticket_id, service_id]
    for counter in line.counters:
        params += [day, stamp, 3, queue_key, ticket_id, counter]
    params += [service_id, "open"]
    for counter in line.counters:
        params += [counter] * len(_COUNTER_NOW)
    counts = cur.execute(line.forecast_sql, params).fetchone()
    cur.execute(_ROOMS, line.rooms).fetchall()
    ahead = sum(counts[: 1 + len(line.counters)])
    issued_at = now.isoformat()
    ticket = {
        "id": ticket_id,
        "number": number,
        "prefix": line.prefix,
        "sequence": sequence,
        "service": line.service,
        "agency": line.agency,
        "priority": "none",
        "source": "kiosk",
        "state": "waiting",
        "service_date": day,
        "issued_at": issued_at,
        "queued_at": issued_at,
        "called_at": None,
        "started_at": None,
        "finished_at": None,
        "call_count": 0,
        "counter": None,
        "target_counter_id": None,
        "booked_for": None,
        "printed": printed,
        "status_code": status_code,
        "area": None,
    }
    view = {
        "ticket": ticket,
        "people_ahead": ahead,
        "estimated_wait_minutes": ahead * 5,
        "estimated_wait_seconds": ahead * 300,
        "open_counters": counts[1 + len(line.counters)],
        "wait": "closed",
    }
    return view, False


def _own_connection() -> sqlite3.Connection:
    """One connection for the rung, with the server's pragmas; eventlet runs one request at
    a time between yields, and nothing here yields, so one is enough."""
    if not _own:
        path = os.environ["ANTRE_DATABASE_URL"].removeprefix("sqlite:///")
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=5000"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("PRAGMA foreign_keys=ON")
        _own.append(conn)
    return _own[0]


def on_own_connection(actor: Any, command: Any, **kwargs: Any) -> tuple[dict[str, Any], bool]:
    """Stand-in for ``run_command``: the issue on a connection of its own."""
    cur = _own_connection().cursor()
    cur.execute("BEGIN IMMEDIATE")
    try:
        answer = _issue(cur, actor)
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    cur.execute("COMMIT")
    return answer


def in_session(actor: Any, command: Any, **kwargs: Any) -> tuple[dict[str, Any], bool]:
    """Stand-in for ``run_command``: the issue in the server's write session."""
    from server.state import app_state

    with app_state().db.write() as session:
        return _issue(_driver_cursor(session), actor)


def in_context(actor: Any, command: Any, **kwargs: Any) -> tuple[dict[str, Any], bool]:
    """Stand-in for ``run_command``: the issue in the server's write session, after the
    catalog snapshot and the context every command gets."""
    from server.domain.context import Ctx
    from server.state import app_state

    state = app_state()
    with state.db.write() as session:
        catalog = state.catalog.snapshot(session)
        Ctx(session, state.clock(), catalog.settings(session), actor, catalog=catalog)
        return _issue(_driver_cursor(session), actor)


def _driver_cursor(session: Any) -> Any:
    """A cursor of the sqlite3 connection under the session's transaction."""
    driver = session.connection().connection.driver_connection
    assert driver is not None
    return driver.cursor()
