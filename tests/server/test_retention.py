"""Pruning old days: what goes, what stays, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import gzip
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from sqlalchemy import func, select

from server.app import create_app
from server.cli import cli
from server.config import ServerConfig
from server.db import Database, make_engine
from server.domain import bookings
from server.domain.context import SYSTEM, Ctx
from server.domain.identity import PersonalDataKey
from server.domain.retention import (
    BOOKING_PERSONAL,
    ArchiveDamaged,
    Cutoff,
    JsonLinesArchive,
    prune,
    read_archive,
)
from server.domain.settings import load_settings
from server.domain.skm.responses import Answers, Channel, submit
from server.migrate import upgrade
from server.models import (
    Booking,
    BookingEvent,
    BookingSettings,
    BookingState,
    CounterEvent,
    IdempotencyKey,
    RoomSeq,
    SeriesDay,
    SurveyResponse,
    Ticket,
    TicketEvent,
    TicketState,
)
from server.state import AppState
from tests import pg
from tests.conftest import Api, FakeClock
from tests.factories import Hall, build_hall

TABLES = (Ticket, TicketEvent, IdempotencyKey, CounterEvent, SeriesDay)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'antre.sqlite3'}"
    else:
        with pg.fresh_database() as url:
            yield url


@pytest.fixture
def hall_app(backend_url: str, clock: FakeClock) -> Iterator[Flask]:
    engine = make_engine(backend_url)
    upgrade(engine)
    engine.dispose()
    config = ServerConfig(database_url=backend_url, async_mode="threading", secret_key="x" * 32)
    application = create_app(config, clock=clock)
    state: AppState = application.extensions["antre"]
    with state.db.write() as session:
        application.config["HALL"] = build_hall(session, clock())
    yield application
    state.db.dispose()


def db_of(app: Flask) -> Database:
    state: AppState = app.extensions["antre"]
    return state.db


def a_day_in_the_hall(api: Api, hall: Hall, tickets: int, key: str) -> list[dict[str, Any]]:
    """Tickets issued at the kiosk (with idempotency keys), the first one served at Loket 1,
    which opens and closes again (counter events)."""
    kiosk = api.as_device("kiosk")
    issued = [
        kiosk.post(
            "/api/v1/tickets",
            json={"service_id": hall.ktp},
            headers={"Idempotency-Key": f"{key}-{i}"},
        ).get_json()["ticket"]
        for i in range(tickets)
    ]
    officer = api.as_user("petugas.dk")
    assert officer.counter(hall.c1, "open").status_code == 200
    assert officer.counter(hall.c1, "next").status_code == 200
    assert officer.counter(hall.c1, "finish").status_code == 200
    assert officer.counter(hall.c1, "close").status_code == 200
    return issued


def count(db: Database, model: Any) -> int:
    with db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def dates(db: Database) -> set[dt.date]:
    with db.read() as session:
        return set(session.scalars(select(Ticket.service_date).distinct()))


@pytest.fixture
def three_days(hall_app: Flask, clock: FakeClock) -> dict[str, list[dict[str, Any]]]:
    """Ten days ago, two days ago, and today (the clock ends on today)."""
    api = Api(hall_app.test_client(), hall_app.config["HALL"])
    hall = hall_app.config["HALL"]
    today = clock()
    days = {}
    for name, back, tickets in [("old", 10, 3), ("recent", 2, 2), ("today", 0, 1)]:
        clock.set(today - dt.timedelta(days=back))
        days[name] = a_day_in_the_hall(api, hall, tickets, name)
    clock.set(today)
    return days


def test_prune_deletes_old_days_whole_and_keeps_the_recent_ones(
    hall_app: Flask, clock: FakeClock, three_days: dict[str, list[dict[str, Any]]]
) -> None:
    db = db_of(hall_app)
    before = {model: count(db, model) for model in TABLES}
    old_rooms = [f"ticket:{t['status_code']}" for t in three_days["old"]]

    result = prune(db.write, Cutoff.older_than(5, clock(), "Asia/Jakarta"))

    today = clock().astimezone(dt.timezone(dt.timedelta(hours=7))).date()
    assert dates(db) == {today - dt.timedelta(days=2), today}
    assert result.rows["tickets"] == 3
    assert count(db, Ticket) == before[Ticket] - 3
    with db.read() as session:
        orphans = session.scalar(
            select(func.count())
            .select_from(TicketEvent)
            .where(TicketEvent.ticket_id.not_in(select(Ticket.id)))
        )
        assert orphans == 0
        assert session.scalar(select(func.count()).where(RoomSeq.room.in_(old_rooms))) == 0
        assert session.scalar(select(func.min(SeriesDay.service_date))) == today - dt.timedelta(
            days=2
        )
        oldest_counter_event = session.scalar(select(func.min(CounterEvent.at)))
    assert oldest_counter_event is not None
    assert oldest_counter_event >= clock() - dt.timedelta(days=5)
    assert count(db, IdempotencyKey) == 3  # the kept days' keys
    assert result.rows["ticket_events"] == before[TicketEvent] - count(db, TicketEvent)


def test_what_is_kept_still_works_after_pruning(
    hall_app: Flask, clock: FakeClock, three_days: dict[str, list[dict[str, Any]]]
) -> None:
    prune(db_of(hall_app).write, Cutoff.older_than(1, clock(), "Asia/Jakarta"))
    api = Api(hall_app.test_client(), hall_app.config["HALL"])
    kept = three_days["today"][0]
    page = api.get(f"/api/v1/tickets/{kept['status_code']}")
    assert page.status_code == 200
    assert page.get_json()["ticket"]["number"] == kept["number"]
    gone = three_days["old"][0]
    assert api.get(f"/api/v1/tickets/{gone['status_code']}").status_code == 404
    # today's numbering goes on where it was
    again = api.as_device("kiosk").issue(hall_app.config["HALL"].ktp)
    assert again["number"] == "DK-002"


def test_today_is_never_pruned(clock: FakeClock) -> None:
    with pytest.raises(ValueError, match="today is never pruned"):
        Cutoff.older_than(0, clock(), "Asia/Jakarta")


def test_the_cutoff_is_midnight_in_the_hall_not_in_utc() -> None:
    # 06.30 in Jakarta is still the day before in UTC
    now = dt.datetime(2026, 11, 30, 23, 30, tzinfo=dt.UTC)
    cutoff = Cutoff.older_than(1, now, "Asia/Jakarta")
    assert cutoff.date == dt.date(2026, 11, 30)
    assert cutoff.moment == dt.datetime(2026, 11, 29, 17, 0, tzinfo=dt.UTC)


def test_the_archive_holds_every_pruned_row_before_it_goes(
    hall_app: Flask, clock: FakeClock, three_days: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    db = db_of(hall_app)
    path = tmp_path / "arsip" / "antrean.jsonl.gz"
    with JsonLinesArchive(path) as archive:
        result = prune(
            db.write, Cutoff.older_than(5, clock(), "Asia/Jakarta"), archive=archive, batch_size=2
        )
    rows = read_archive(path)
    by_table: dict[str, int] = {}
    for table, _ in rows:
        by_table[table] = by_table.get(table, 0) + 1
    expected = {t: n for t, n in result.rows.items() if t not in ("room_seqs", "auth_tokens")}
    assert by_table == expected
    numbers = sorted(row["number"] for table, row in rows if table == "tickets")
    assert numbers == sorted(t["number"] for t in three_days["old"])
    assert result.batches > 3  # 3 tickets in batches of 2, and the other tables


def test_a_ticket_a_counter_still_holds_is_kept(hall_app: Flask, clock: FakeClock) -> None:
    api = Api(hall_app.test_client(), hall_app.config["HALL"])
    hall = hall_app.config["HALL"]
    today = clock()
    clock.set(today - dt.timedelta(days=30))
    ticket = api.as_device("kiosk").issue(hall.ktp)
    officer = api.as_user("petugas.dk")
    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "next")  # called, and the day never closed
    clock.set(today)
    prune(db_of(hall_app).write, Cutoff.older_than(7, clock(), "Asia/Jakarta"))
    with db_of(hall_app).read() as session:
        assert session.scalar(select(Ticket.number)) == ticket["number"]


def test_the_command_needs_a_retention_and_prunes_with_the_configured_one(
    hall_app: Flask, clock: FakeClock, tmp_path: Path
) -> None:
    """The command runs on the real clock: the scene is set relative to now."""
    api = Api(hall_app.test_client(), hall_app.config["HALL"])
    hall = hall_app.config["HALL"]
    clock.set(dt.datetime.now(dt.UTC) - dt.timedelta(days=40))
    a_day_in_the_hall(api, hall, 2, "old")
    clock.set(dt.datetime.now(dt.UTC))
    a_day_in_the_hall(api, hall, 1, "today")
    url = db_of(hall_app).url
    runner = CliRunner()

    refused = runner.invoke(cli, ["prune"], env={"ANTRE_DATABASE_URL": url})
    assert refused.exit_code != 0
    assert "--older-than-days" in refused.output
    assert runner.invoke(cli, ["prune", "--older-than-days", "0"], env={}).exit_code != 0

    archive = tmp_path / "arsip.jsonl.gz"
    done = runner.invoke(
        cli,
        ["prune", "--archive", str(archive)],
        env={"ANTRE_DATABASE_URL": url, "ANTRE_RETENTION_DAYS": "30"},
    )
    assert done.exit_code == 0, done.output
    assert "tickets: 2 rows" in done.output
    assert count(db_of(hall_app), Ticket) == 1
    assert len([1 for table, _ in read_archive(archive) if table == "tickets"]) == 2


def test_a_member_cut_short_at_the_end_of_the_archive_is_dropped_on_the_next_run(
    tmp_path: Path,
) -> None:
    path = tmp_path / "antrean.jsonl.gz"
    with JsonLinesArchive(path) as archive:
        archive.write("tickets", [{"id": 1}])
    whole = path.stat().st_size
    # A run killed while writing its member: the start of one, never its end.
    with path.open("ab") as fh:
        fh.write(gzip.compress(b'{"table": "tickets", "row": {"id": 2}}\n')[:15])

    with JsonLinesArchive(path) as archive:
        archive.write("tickets", [{"id": 2}])

    assert path.stat().st_size > whole
    assert read_archive(path) == [("tickets", {"id": 1}), ("tickets", {"id": 2})]


def test_an_archive_damaged_before_its_end_is_refused_and_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "antrean.jsonl.gz"
    member = gzip.compress(b'{"table": "tickets", "row": {"id": 1}}\n')
    damaged = member[:15] + member  # an unfinished member with a whole one after it
    path.write_bytes(damaged)

    with pytest.raises(ArchiveDamaged, match="another file"):
        JsonLinesArchive(path)
    assert path.read_bytes() == damaged


# --- bookings: the rows and events stay, the person goes ------------------------------------

BOOKING_KEY = PersonalDataKey.from_secret("the prune test's secret, long enough")


def _booked(db: Database, clock: FakeClock, service_id: int, phone: str, *, check_in: bool) -> int:
    """A booking for an hour from now (the test hall is open round the clock), checked in
    at once (its window opens an hour before) when asked."""
    slot = (clock() + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    with db.write() as session:
        ctx = Ctx(session, clock(), load_settings(session), SYSTEM)
        session.merge(BookingSettings(service_id=service_id, enabled=True, nik_required=True))
        session.flush()
        request = bookings.BookingRequest(
            service_id=service_id,
            slot_start=slot,
            name="Siti Rahmawati",
            phone=phone,
            nik="3603121205850001",
        )
        made = bookings.book(ctx, request, BOOKING_KEY)
        if check_in:
            bookings.check_in(ctx, made.booking.code)
        return made.booking.id


def test_old_bookings_keep_their_rows_and_events_but_lose_the_persons_data(
    hall_app: Flask, clock: FakeClock
) -> None:
    db, hall = db_of(hall_app), hall_app.config["HALL"]
    today = clock()
    clock.set(today - dt.timedelta(days=10))
    old_served = _booked(db, clock, hall.kk, "0812-3456-7890", check_in=True)
    old_waiting = _booked(db, clock, hall.ktp, "0813-1111-2222", check_in=False)
    clock.set(today)
    recent = _booked(db, clock, hall.kk, "0812-3456-7890", check_in=True)
    events_before = count(db, BookingEvent)

    result = prune(db.write, Cutoff.older_than(5, clock(), "Asia/Jakarta"))

    assert result.rows["bookings (personal data emptied)"] == 2
    assert result.rows["tickets"] == 1  # the old booking's ticket
    assert count(db, Booking) == 3 and count(db, BookingEvent) == events_before
    with db.read() as session:
        for booking_id in (old_served, old_waiting):
            booking = session.get(Booking, booking_id)
            assert booking is not None
            assert [getattr(booking, name) for name in BOOKING_PERSONAL] == [None] * 8
            assert booking.ticket_id is None
        served = session.get(Booking, old_served)
        assert served is not None and served.state == BookingState.CHECKED_IN
        kept = session.get(Booking, recent)
        assert kept is not None and kept.name == "Siti Rahmawati"
        assert kept.phone == "+6281234567890" and kept.nik_cipher and kept.ticket_id
    # Run again: nothing left to empty.
    assert (
        "bookings (personal data emptied)"
        not in prune(db.write, Cutoff.older_than(5, clock(), "Asia/Jakarta")).rows
    )


def test_old_survey_responses_keep_their_answers_but_lose_the_typed_text(
    hall_app: Flask, clock: FakeClock, tmp_path: Path
) -> None:
    db, hall = db_of(hall_app), hall_app.config["HALL"]
    today = clock()
    clock.set(today - dt.timedelta(days=10))
    a_day_in_the_hall(Api(hall_app.test_client(), hall), hall, 1, "skm")
    with db.write() as session:
        ticket = session.scalars(select(Ticket).where(Ticket.state == TicketState.DONE)).one()
        answers = Answers(
            elements={f"U{i}": 3 for i in range(1, 10)}, suggestion="Saya Budi, 0812 3456 7890"
        )
        ctx = Ctx(session, clock(), load_settings(session), SYSTEM)
        response = submit(ctx, ticket, Channel.TICKET_PAGE, answers)
        response.reply = "Terima kasih, Pak Budi."
        response_id = response.id
    clock.set(today)
    path = tmp_path / "arsip.jsonl.gz"

    with JsonLinesArchive(path) as archive:
        result = prune(db.write, Cutoff.older_than(5, clock(), "Asia/Jakarta"), archive=archive)

    archived = str(read_archive(path))
    assert "tickets" in archived and "Budi" not in archived and "0812" not in archived
    assert result.rows["survey suggestions (text emptied)"] == 1
    assert result.rows["tickets"] == 1
    with db.read() as session:
        kept = session.get(SurveyResponse, response_id)
        assert kept is not None
        assert (kept.ticket_id, kept.suggestion, kept.reply) == (None, None, None)
        assert kept.had_suggestion and kept.u9 == 3 and kept.counter_id == hall.c1
