"""The hall's configuration kept per process (server.domain.catalog): never staler than the
database's catalog version, whichever process or tool changed it.

"Another process" here is a second ``Database`` on the same file: it shares nothing with
the app's process-wide cache, exactly as a second server process or the command line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import delete, event, select, text, update
from sqlalchemy.orm import Session

from server.db import Database, make_engine
from server.domain import counters
from server.domain.catalog import AVERAGE_SECONDS
from server.domain.context import Actor, Ctx
from server.domain.settings import load_settings
from server.domain.tickets import load_service
from server.migrate import upgrade
from server.models import (
    CatalogVersion,
    Counter,
    CounterService,
    CounterState,
    Holiday,
    NoticeText,
    Service,
    Setting,
    SpecialOpening,
    Zone,
)
from tests.conftest import Api, FakeClock
from tests.factories import Hall, build_hall
from tests.pg import fresh_database

WATCHED = (
    "settings",
    "holidays",
    "special_openings",
    "agencies",
    "series",
    "services",
    "zones",
    "counter_services",
    "counters",
    "notice_texts",
)
TICKETS = "/api/v1/tickets"


@pytest.fixture
def other_process(database_url: str) -> Iterator[Database]:
    """The same database as the app's, through an engine and cache of its own."""
    other = Database(database_url)
    yield other
    other.dispose()


@pytest.fixture
def kiosk(api: Api) -> Api:
    return api.as_device("kiosk")


def version(db: Database) -> int:
    with db.read() as session:
        return session.scalars(select(CatalogVersion.version)).one()


def statements_of(app: Flask, call: Any) -> list[str]:
    """The SQL statements ``call()`` runs through the app's engine."""
    seen: list[str] = []
    engine = app.extensions["antre"].db.engine

    def note(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", note)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen


# --- the version the triggers keep ----------------------------------------------------


def _add_setting(session: Session, _: Hall) -> None:
    session.add(Setting(key="site_name", value="MPP Tigaraksa"))


def _add_holiday(session: Session, _: Hall) -> None:
    session.add(Holiday(date=dt.date(2026, 12, 25), name="Natal"))


def _add_a_special_opening(session: Session, hall: Hall) -> None:
    session.add(
        SpecialOpening(
            date=dt.date(2026, 12, 5), opens="08:00", closes="12:00", agency_id=hall.dk, name="X"
        )
    )


def _give_a_quota(session: Session, hall: Hall) -> None:
    session.execute(update(Service).where(Service.id == hall.ktp).values(daily_quota=40))


def _rename_a_zone(session: Session, hall: Hall) -> None:
    session.execute(update(Zone).where(Zone.id == hall.zone_a).values(name="Lantai 1"))


def _move_a_counter(session: Session, hall: Hall) -> None:
    session.execute(update(Counter).where(Counter.id == hall.c1).values(zone_id=hall.zone_b))


def _unlink_a_counters_services(session: Session, hall: Hall) -> None:
    session.execute(delete(CounterService).where(CounterService.counter_id == hall.c2))


def _raw_sql_from_a_console(session: Session, _: Hall) -> None:
    session.execute(text("UPDATE agencies SET active = 0 WHERE code = 'SM'"))


def _edit_a_notice_text(session: Session, _: Hall) -> None:
    session.add(
        NoticeText(
            kind="called", language="id", text="Giliran {number}: ke {counter}. {link}",
            updated_at=dt.datetime(2026, 12, 5, tzinfo=dt.UTC),
        )
    )  # fmt: skip


CHANGES = {
    "setting": _add_setting,
    "holiday": _add_holiday,
    "special-opening": _add_a_special_opening,
    "service": _give_a_quota,
    "zone": _rename_a_zone,
    "counter-zone": _move_a_counter,
    "counter-services": _unlink_a_counters_services,
    "raw-sql": _raw_sql_from_a_console,
    "notice-text": _edit_a_notice_text,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_any_change_of_the_configuration_raises_the_catalog_version(
    other_process: Database, hall: Hall, change: Any
) -> None:
    before = version(other_process)

    with other_process.write() as session:
        change(session, hall)

    assert version(other_process) > before


def test_a_counter_at_work_leaves_the_catalog_version_alone(
    api: Api, hall: Hall, kiosk: Api, other_process: Database
) -> None:
    """Opening, calling and serving change counters and tickets on every press: none of that
    is configuration, so the cache stays."""
    officer = api.as_user("petugas.dk")
    before = version(other_process)

    kiosk.issue(hall.ktp)
    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "next")
    officer.counter(hall.c1, "finish")
    officer.counter(hall.c1, "close")

    assert version(other_process) == before


def test_every_watched_table_has_its_triggers_at_the_newest_migration(database_url: str) -> None:
    """SQLite drops a table's triggers when a migration rebuilds the table: this catches a
    migration that forgot to create them again."""
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            names = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")))
    finally:
        engine.dispose()
    expected = {
        f"catalog_{table}_{op}" for table in WATCHED for op in ("insert", "update", "delete")
    }
    assert expected <= names


@pytest.mark.postgres
def test_postgresql_raises_the_catalog_version_too() -> None:
    with fresh_database() as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        db = Database(url)
        try:
            with db.write() as session:
                build_hall(session, dt.datetime.now(dt.UTC))
            before = version(db)
            with db.write() as session:
                session.execute(update(Service).where(Service.code == "DK-KK").values(active=False))
            after_service = version(db)
            with db.write() as session:
                session.execute(update(Counter).values(state=CounterState.OPEN))
            after_state = version(db)
        finally:
            db.dispose()
    assert after_service > before
    assert after_state == after_service  # a counter's state is not configuration


# --- what the process keeps, and when it lets go --------------------------------------


def test_an_issue_reads_no_settings_holidays_openings_or_zones_once_the_catalog_holds_them(
    app: Flask, kiosk: Api, hall: Hall
) -> None:
    kiosk.issue(hall.ktp)

    seen = statements_of(app, lambda: kiosk.issue(hall.ktp))

    kept = ("FROM settings", "FROM holidays", "FROM special_openings")
    assert [s for s in seen if any(table in s for table in kept)] == []
    assert [s for s in seen if "FROM zones" in s] == []
    assert [s for s in seen if "FROM services" in s] == []  # nor its service, agency, series
    assert sum("catalog_version" in s for s in seen) == 1


def test_a_holiday_added_by_another_process_closes_the_hall_for_the_very_next_ticket(
    kiosk: Api, hall: Hall, other_process: Database
) -> None:
    kiosk.issue(hall.ktp)  # the catalog now holds "no holiday today"
    with other_process.write() as session:
        session.add(Holiday(date=dt.date(2026, 11, 30), name="Cuti bersama"))

    refused = kiosk.post(TICKETS, json={"service_id": hall.ktp})
    assert refused.status_code == 409
    assert refused.get_json()["error"]["code"] == "service_closed"

    with other_process.write() as session:
        session.execute(delete(Holiday))
    assert kiosk.issue(hall.ktp)["number"] == "DK-002"


def test_a_special_opening_added_by_another_process_opens_a_holiday_for_the_next_ticket(
    kiosk: Api, hall: Hall, other_process: Database
) -> None:
    with other_process.write() as session:
        session.add(Holiday(date=dt.date(2026, 11, 30), name="Cuti bersama"))
    refused = kiosk.post(TICKETS, json={"service_id": hall.ktp})
    assert refused.get_json()["error"]["code"] == "service_closed"  # kept: holiday, no opening

    with other_process.write() as session:
        session.add(
            SpecialOpening(
                date=dt.date(2026, 11, 30), opens="08:00", closes="12:00", agency_id=None, name="X"
            )
        )

    assert kiosk.issue(hall.ktp)["number"] == "DK-001"


def test_a_service_closed_by_another_process_takes_no_next_ticket(
    kiosk: Api, hall: Hall, other_process: Database
) -> None:
    kiosk.issue(hall.ktp)
    with other_process.write() as session:
        session.execute(
            update(Service).where(Service.id == hall.ktp).values(hours={"mon": ["07:30", "08:30"]})
        )

    refused = kiosk.post(TICKETS, json={"service_id": hall.ktp})

    assert refused.get_json()["error"]["code"] == "service_closed"


def test_hours_reopened_by_another_process_take_the_very_next_ticket(
    kiosk: Api, hall: Hall, other_process: Database
) -> None:
    with other_process.write() as session:
        session.execute(
            update(Service).where(Service.id == hall.ktp).values(hours={"mon": ["07:30", "08:30"]})
        )
    refused = kiosk.post(TICKETS, json={"service_id": hall.ktp})
    assert refused.get_json()["error"]["code"] == "service_closed"  # kept: closed at 09:00

    with other_process.write() as session:
        session.execute(
            update(Service).where(Service.id == hall.ktp).values(hours={"mon": ["07:30", "16:00"]})
        )

    assert kiosk.issue(hall.ktp)["number"] == "DK-001"


def test_the_hours_kept_for_one_day_do_not_decide_the_next(
    kiosk: Api, hall: Hall, clock: FakeClock, other_process: Database
) -> None:
    with other_process.write() as session:
        session.execute(
            update(Service).where(Service.id == hall.ktp).values(hours={"mon": ["07:30", "16:00"]})
        )
    kiosk.issue(hall.ktp)  # Monday 09:00: open, and kept so

    clock.advance(days=1)  # Tuesday 09:00, nothing else changed: the same catalog version
    refused = kiosk.post(TICKETS, json={"service_id": hall.ktp})

    assert refused.get_json()["error"]["message"] == "this service is closed today"


def test_hours_a_transaction_changes_itself_decide_for_it_and_are_not_kept(
    app: Flask, hall: Hall
) -> None:
    state = app.extensions["antre"]
    monday = dt.date(2026, 11, 30)
    all_day = ((dt.time(0, 0), dt.time.max),)
    with state.db.read() as session:
        catalog = state.catalog.snapshot(session)
        assert catalog.open_spans(session, session.get(Service, hall.ktp), monday) == all_day

    with pytest.raises(RuntimeError), state.db.write() as session:
        catalog = state.catalog.snapshot(session)
        service = session.get(Service, hall.ktp)
        service.hours = {"mon": ["07:30", "08:30"]}
        assert catalog.open_spans(session, service, monday) == ((dt.time(7, 30), dt.time(8, 30)),)
        raise RuntimeError("the admin's change fails further on")

    with state.db.read() as session:
        catalog = state.catalog.snapshot(session)
        assert catalog.open_spans(session, session.get(Service, hall.ktp), monday) == all_day


def test_a_service_a_transaction_changed_is_not_undone_by_the_kept_copy(
    app: Flask, hall: Hall
) -> None:
    state = app.extensions["antre"]
    with state.db.read() as session:
        state.catalog.snapshot(session).service(session, hall.ktp, load_service)  # kept now

    with pytest.raises(RuntimeError), state.db.write() as session:
        catalog = state.catalog.snapshot(session)
        service = session.get(Service, hall.ktp)
        service.typical_minutes = 42.0
        again = catalog.service(session, hall.ktp, load_service)
        assert again is service and again.typical_minutes == 42.0
        raise RuntimeError("nothing of it is kept")


def test_a_holiday_a_transaction_adds_itself_closes_only_its_own_day_spans(
    app: Flask, hall: Hall
) -> None:
    state = app.extensions["antre"]
    monday = dt.date(2026, 11, 30)
    with pytest.raises(RuntimeError), state.db.write() as session:
        catalog = state.catalog.snapshot(session)
        session.add(Holiday(date=monday, name="Cuti bersama"))
        session.flush()
        assert catalog.open_spans(session, session.get(Service, hall.ktp), monday) == ()
        raise RuntimeError("the admin's change fails further on")

    with state.db.read() as session:
        catalog = state.catalog.snapshot(session)
        service = session.get(Service, hall.ktp)
        assert catalog.open_spans(session, service, monday) == ((dt.time(0, 0), dt.time.max),)


def test_a_quota_set_by_another_process_counts_for_the_very_next_ticket(
    kiosk: Api, hall: Hall, other_process: Database
) -> None:
    kiosk.issue(hall.ktp)  # the catalog now holds the service: no quota
    with other_process.write() as session:
        session.execute(update(Service).where(Service.id == hall.ktp).values(daily_quota=1))

    refused = kiosk.post(TICKETS, json={"service_id": hall.ktp})

    assert refused.get_json()["error"]["code"] == "quota_exhausted"


def test_settings_changed_by_another_process_shape_the_very_next_number(
    kiosk: Api, hall: Hall, other_process: Database
) -> None:
    kiosk.issue(hall.ktp)
    with other_process.write() as session:
        session.add(Setting(key="number_width", value=4))

    assert kiosk.issue(hall.ktp)["number"] == "DK-0002"


def test_a_counter_moved_to_another_zone_takes_its_lines_news_there_at_once(
    api: Api, kiosk: Api, hall: Hall, other_process: Database
) -> None:
    admin = api.as_user("admin")

    def zone_seq(code: str) -> int:
        return int(admin.get(f"/api/v1/displays/{code}/snapshot").get_json()["seq"])

    kiosk.issue(hall.ktp)  # only Loket 1 serves KTP: its news go to zone A
    with other_process.write() as session:
        session.execute(update(Counter).where(Counter.id == hall.c1).values(zone_id=hall.zone_b))
    before_a, before_b = zone_seq("zona-a"), zone_seq("zona-b")

    kiosk.issue(hall.ktp)

    assert (zone_seq("zona-a"), zone_seq("zona-b")) == (before_a, before_b + 1)


def test_a_configuration_change_rolled_back_is_never_kept(app: Flask) -> None:
    """A transaction sees its own uncommitted holiday; what it read then must not outlive
    its rollback in the process's cache."""
    state = app.extensions["antre"]
    today = dt.date(2026, 11, 30)
    with pytest.raises(RuntimeError), state.db.write() as session:
        catalog = state.catalog.snapshot(session)
        session.add(Holiday(date=today, name="Cuti bersama"))
        session.flush()
        assert catalog.is_holiday(session, today)
        raise RuntimeError("the admin's change fails further on")

    with state.db.read() as session:
        assert not state.catalog.snapshot(session).is_holiday(session, today)


def test_the_catalog_is_kept_between_transactions_while_nothing_changes(app: Flask) -> None:
    state = app.extensions["antre"]
    with state.db.read() as session:
        first = state.catalog.snapshot(session)
    with state.db.read() as session:
        second = state.catalog.snapshot(session)
    with state.db.write() as session:
        session.add(Setting(key="site_short_name", value="MPP Kab. Tangerang"))
    with state.db.read() as session:
        third = state.catalog.snapshot(session)
        assert third.settings(session).site_short_name == "MPP Kab. Tangerang"

    assert second is first
    assert third is not first


# --- the average service time: an estimate, a few seconds old at most ----------------------


def serve_one(officer: Api, counter_id: int, clock: FakeClock, minutes: float) -> None:
    officer.counter(counter_id, "next")
    officer.counter(counter_id, "start")
    clock.advance(minutes=minutes)
    officer.counter(counter_id, "finish")


def wait_for_a_new_kk_ticket(kiosk: Api, hall: Hall) -> tuple[int, int]:
    body = kiosk.post(TICKETS, json={"service_id": hall.kk}).get_json()
    return body["people_ahead"], body["estimated_wait_minutes"]


def test_a_ticket_finished_in_this_process_moves_the_estimate_at_once(
    api: Api, kiosk: Api, hall: Hall, clock: FakeClock
) -> None:
    officer = api.as_user("petugas.dk")
    officer.counter(hall.c2, "open")
    for _ in range(6):
        kiosk.issue(hall.kk)
    for _ in range(5):  # estimate_min_samples
        serve_one(officer, hall.c2, clock, minutes=4)
    assert wait_for_a_new_kk_ticket(kiosk, hall) == (1, 4)  # the average is now kept
    kiosk.issue(hall.kk)

    serve_one(officer, hall.c2, clock, minutes=0)  # the clock stands still: only the finish

    # (5 x 4 + 0) / 6 minutes per visitor, two ahead: 6.7, not the 8 of the kept average.
    assert wait_for_a_new_kk_ticket(kiosk, hall) == (2, 7)


def serve_elsewhere(db: Database, hall: Hall, start: dt.datetime, visitors: int) -> None:
    """Another server process serves the KK line at Loket 2, three minutes per visitor."""
    with db.write() as session:
        officer = Actor(user_id=hall.users["petugas.dk"])
        counter = counters.lock_counter(session, hall.c2)

        def at(minute: float) -> Ctx:
            now = start + dt.timedelta(minutes=minute)
            return Ctx(session, now, load_settings(session), officer)

        counters.open_counter(at(0), counter)
        for n in range(visitors):
            counters.call_next(at(3 * n), counter)
            counters.start(at(3 * n), counter)
            counters.finish(at(3 * n + 3), counter)


def test_service_times_from_another_process_reach_the_estimate_within_seconds(
    kiosk: Api, hall: Hall, clock: FakeClock, other_process: Database
) -> None:
    for _ in range(5):
        kiosk.issue(hall.kk)
    assert wait_for_a_new_kk_ticket(kiosk, hall) == (5, 50)  # typically 10 minutes

    serve_elsewhere(other_process, hall, clock() - dt.timedelta(hours=1), visitors=5)
    clock.advance(seconds=AVERAGE_SECONDS)

    # One ahead at Loket 2, now open: the three minutes a visitor took elsewhere.
    assert wait_for_a_new_kk_ticket(kiosk, hall) == (1, 3)
