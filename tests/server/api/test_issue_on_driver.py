"""A kiosk's issue runs on the sqlite3 driver (server.driver_session), and a kiosk cannot
tell: the same answer, the same rows, the same numbers; what the driver cannot do is done
once, in an ORM session."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy.exc import TimeoutError as PoolTimeout

import server.api.tickets
import server.domain.tickets
from server.app import create_app
from server.commands import run_command
from server.config import ServerConfig
from server.db import Database
from server.driver_session import DriverSession, NeedsSession
from tests.conftest import Api, FakeClock
from tests.factories import PASSWORD, Hall

TICKETS = "/api/v1/tickets"
# Every table an issue writes, and what in them differs from one run to the next.
WRITTEN = {
    "tickets": "SELECT * FROM tickets ORDER BY id",
    "ticket_events": "SELECT * FROM ticket_events ORDER BY id",
    "idempotency_keys": "SELECT owner, key, request_hash, ticket_id, created_at"
    " FROM idempotency_keys ORDER BY ticket_id",
    "series_days": "SELECT * FROM series_days ORDER BY series_id, service_date",
    "room_seqs": "SELECT * FROM room_seqs ORDER BY room",
}


def path_of(app: Flask) -> str:
    db: Database = app.extensions["antre"].db
    return db.url.removeprefix("sqlite:///")


def rows(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path_of(app)) as conn:
        conn.row_factory = sqlite3.Row
        found = {}
        for table, query in WRITTEN.items():
            found[table] = [
                tuple(v for k, v in zip(r.keys(), r, strict=True) if k != "status_code")
                for r in conn.execute(query)
            ]
        return found


@pytest.fixture
def twin(app: Flask, clock: FakeClock, tmp_path: Path) -> Iterator[Flask]:
    """A second server on a copy of ``app``'s database, on the same clock."""
    copy = tmp_path / "twin.db"
    with sqlite3.connect(path_of(app)) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    config = ServerConfig(
        database_url=f"sqlite:///{copy}", async_mode="threading", secret_key="x" * 32
    )
    other = create_app(config, clock=clock)
    yield other
    other.extensions["antre"].db.dispose()


def in_a_session_only(monkeypatch: pytest.MonkeyPatch) -> None:
    def session_only(actor: Any, command: Any, **_: Any) -> Any:
        return run_command(actor, command)

    monkeypatch.setattr(server.api.tickets, "run_command", session_only)


def kiosk_issue(app: Flask, hall: Hall, key: str, service_id: int, priority: str = "none") -> Any:
    response = app.test_client().post(
        TICKETS,
        json={"service_id": service_id, "printed": True, "priority": priority},
        headers={"Authorization": f"Bearer {hall.tokens['kiosk']}", "Idempotency-Key": key},
    )
    assert response.status_code == 201, response.get_json()
    return response


def calls_to(app: Flask, monkeypatch: pytest.MonkeyPatch, name: str) -> list[int]:
    """A 1 for each transaction opened by the database's ``name`` (``write``, ``read``)."""
    db: Database = app.extensions["antre"].db
    calls: list[int] = []
    opening = getattr(db, name)

    def counted() -> Any:
        calls.append(1)
        return opening()

    monkeypatch.setattr(db, name, counted)
    return calls


def sessions_opened(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return calls_to(app, monkeypatch, "write")


def test_a_kiosk_issue_opens_no_orm_session_also_the_first_of_a_service(
    app: Flask, hall: Hall, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every service is read once per catalog version beside the transaction, so not even
    the first issue of each one after a start or a change of the catalog is written
    twice (on the driver, then again in a session)."""
    kiosk_issue(app, hall, "k-1", hall.ktp)  # the kiosk's first sign-in is written down
    opened = sessions_opened(app, monkeypatch)

    kiosk_issue(app, hall, "k-2", hall.kk)
    assert opened == []

    priority_every(app, 3)  # moves the catalog's version: nothing kept is used
    opened.clear()
    kiosk_issue(app, hall, "k-3", hall.pkb)
    kiosk_issue(app, hall, "k-4", hall.kk)
    assert opened == []


def test_services_are_read_once_per_catalog_version_and_a_change_is_seen_at_once(
    app: Flask, hall: Hall, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A service renamed from an SQL console moves the catalog's version: the next issue
    on the driver reads every service again and prints the new name; otherwise the
    services are not read again."""
    kiosk_issue(app, hall, "k-1", hall.ktp)
    reads = calls_to(app, monkeypatch, "read")
    kiosk_issue(app, hall, "k-2", hall.kk)
    assert reads == []  # every service is kept already

    with sqlite3.connect(path_of(app)) as conn:
        conn.execute("UPDATE services SET name = 'Kartu Keluarga Baru' WHERE id = ?", (hall.kk,))
    opened = sessions_opened(app, monkeypatch)
    answer = kiosk_issue(app, hall, "k-3", hall.kk).get_json()
    kiosk_issue(app, hall, "k-4", hall.ktp)

    assert answer["ticket"]["service"]["name"] == "Kartu Keluarga Baru"
    assert reads == [1] and opened == []


def test_a_refused_read_of_the_services_costs_the_issue_nothing(
    app: Flask, hall: Hall, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The database refusing the reader (its connections all busy, say): the issue goes
    on, the service read in a session as it was before every service was kept."""
    kiosk_issue(app, hall, "k-1", hall.ktp)
    priority_every(app, 3)  # a new version: the services are to be read again
    db: Database = app.extensions["antre"].db

    def refused() -> Any:
        raise PoolTimeout("no connection")

    monkeypatch.setattr(db, "read", refused)
    answer = kiosk_issue(app, hall, "k-2", hall.kk).get_json()

    assert answer["ticket"]["number"]


def priority_every(app: Flask, n: int) -> None:
    client = app.test_client()
    login = client.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
    token = login.get_json()["token"]
    changed = client.patch(
        "/api/v1/settings",
        json={"priority_every_n": n},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert changed.status_code == 200, changed.get_json()


# Which service each kiosk issue is for, and with which priority.
LINE = (("ktp", "none"), ("ktp", "elderly"), ("pkb", "none"), ("ktp", "none"), ("pkb", "none"))


def test_a_counter_busy_with_another_line_is_estimated_on_the_driver(
    app: Flask, api: Api, hall: Hall, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loket 1 calls KTP and KK: while it serves a KK visitor, a KTP ticket's wait counts
    KK's average, read again once it is older than the catalog keeps it."""
    officer = api.as_user("petugas.dk")
    assert officer.counter(hall.c1, "open").status_code == 200
    kiosk_issue(app, hall, "kk-1", hall.kk)
    assert officer.counter(hall.c1, "next").status_code == 200
    assert officer.counter(hall.c1, "start").status_code == 200
    kiosk_issue(app, hall, "ktp-1", hall.ktp)
    clock.advance(minutes=3)  # KK's kept average is stale now
    opened = sessions_opened(app, monkeypatch)

    answer = kiosk_issue(app, hall, "ktp-2", hall.ktp).get_json()

    assert opened == []
    assert answer["people_ahead"] == 1 and answer["estimated_wait_seconds"] > 0


@pytest.mark.parametrize("every_n", [1, 3], ids=["priority first", "every third call"])
def test_the_driver_answers_and_stores_what_a_session_would(
    app: Flask, twin: Flask, hall: Hall, monkeypatch: pytest.MonkeyPatch, every_n: int
) -> None:
    """The people ahead are counted in one statement when priority goes first, and read
    as a UNION of the line's tickets when it goes every third call."""
    for server_ in (app, twin):
        priority_every(server_, every_n)
        kiosk_issue(server_, hall, "warm-1", hall.ktp)
        kiosk_issue(server_, hall, "warm-2", hall.pkb)
    opened = sessions_opened(app, monkeypatch)

    def issue_line(server_: Flask) -> list[Any]:
        return [
            kiosk_issue(server_, hall, f"k-{i}", getattr(hall, line), priority).get_json()
            for i, (line, priority) in enumerate(LINE)
        ]

    on_driver = issue_line(app)
    with monkeypatch.context() as patched:
        in_a_session_only(patched)
        in_session = issue_line(twin)

    assert opened == []
    for answer in (*on_driver, *in_session):
        answer["ticket"].pop("status_code")
    assert on_driver == in_session
    assert rows(app) == rows(twin)


def test_an_issue_the_driver_cannot_finish_is_issued_once_in_a_session(
    app: Flask, api: Api, hall: Hall, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Handed back after its number, ticket, log row and key were written: the session
    gives the same number, and each room's seq moves once per event, as boards count."""
    kiosk_issue(app, hall, "warm-1", hall.ktp)
    before = rows(app)
    estimate_now = server.domain.tickets.estimate_now

    def not_on_the_driver(ctx: Any, ticket: Any) -> Any:
        if isinstance(ctx.session, DriverSession):
            raise NeedsSession("for this test")
        return estimate_now(ctx, ticket)

    monkeypatch.setattr(server.domain.tickets, "estimate_now", not_on_the_driver)
    answer = kiosk_issue(app, hall, "k-2", hall.ktp).get_json()

    after = rows(app)
    assert answer["ticket"]["number"] == "DK-002"
    assert len(after["tickets"]) == len(before["tickets"]) + 1
    assert len(after["ticket_events"]) == len(before["ticket_events"]) + 1
    assert len(after["idempotency_keys"]) == len(before["idempotency_keys"]) + 1
    seqs_before, seqs_after = dict(before["room_seqs"]), dict(after["room_seqs"])
    assert seqs_after["hall"] == seqs_before["hall"] + 2  # ticket.issued, queue.stats


def test_a_change_to_the_catalogs_copy_is_made_in_a_session_and_nothing_is_left_stale(
    app: Flask, hall: Hall, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should the issue ever change the service it is handed (the catalog's own copy on
    the driver), the change is made in a session, and the next issues still work."""
    kiosk_issue(app, hall, "warm-1", hall.ktp)
    ensure_quota = server.domain.tickets.ensure_quota

    def raising_the_quota(session: Any, service: Any, day: Any) -> None:
        service.daily_quota = 500
        ensure_quota(session, service, day)

    with monkeypatch.context() as patched:
        patched.setattr(server.domain.tickets, "ensure_quota", raising_the_quota)
        kiosk_issue(app, hall, "k-2", hall.ktp)

    with sqlite3.connect(path_of(app)) as conn:
        stored = conn.execute("SELECT daily_quota FROM services WHERE id = ?", (hall.ktp,))
        assert stored.fetchone() == (500,)
    assert kiosk_issue(app, hall, "k-3", hall.ktp).get_json()["ticket"]["number"] == "DK-003"


def test_a_retry_of_an_issue_made_on_the_driver_gets_its_ticket(app: Flask, hall: Hall) -> None:
    kiosk_issue(app, hall, "warm-1", hall.ktp)
    first = kiosk_issue(app, hall, "k-2", hall.ktp)

    retry = kiosk_issue(app, hall, "k-2", hall.ktp)

    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json()["ticket"]["id"] == first.get_json()["ticket"]["id"]
    assert len(rows(app)["tickets"]) == 2
