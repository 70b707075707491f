"""The migrations against the tables in ``server.models``: at the newest revision they are
the same schema, and migration 0003 (special openings) goes up, down and up again on
SQLite and on PostgreSQL without losing what was there before it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.schema import CreateIndex

from server.db import make_engine
from server.migrate import current_revision, downgrade, upgrade
from server.models import Base
from tests.pg import fresh_database

SPECIAL = "special_openings"


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'migrations.sqlite3'}")
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    with fresh_database() as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def version(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT version FROM catalog_version")).scalar_one())


def add_special_opening(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO special_openings (date, opens, closes, agency_id, name) "
                "VALUES (:day, '08:00', '12:00', NULL, 'Buka khusus Sabtu')"
            ),
            {"day": dt.date(2026, 12, 5)},
        )


def add_holiday(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO holidays (date, name) VALUES (:day, 'Natal')"),
            {"day": dt.date(2026, 12, 25)},
        )


def holidays(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(text("SELECT name FROM holidays")))


def test_the_models_are_the_schema_the_migrations_make(sqlite_engine: Engine) -> None:
    upgrade(sqlite_engine)
    with sqlite_engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert differences == []


def test_every_index_is_the_one_the_migrations_make_partial_ones_included(
    sqlite_engine: Engine,
) -> None:
    """``compare_metadata`` sees an index's columns, not its ``WHERE``: a partial index
    (0014) is compared here by the statement that makes it."""
    upgrade(sqlite_engine)
    with sqlite_engine.connect() as conn:
        made = dict(
            conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")).all()
        )
    modelled = {
        index.name: str(CreateIndex(index).compile(dialect=sqlite_engine.dialect))
        for table in Base.metadata.tables.values()
        for index in table.indexes
    }

    assert {name: " ".join(made[name].split()) for name in modelled} == {
        name: " ".join(sql.split()) for name, sql in modelled.items()
    }


def up_down_up(engine: Engine) -> None:
    """0003 up (its rows raise the catalog version), down to 0002 (the table goes, the
    holidays stay), and up again."""
    upgrade(engine, "0002")
    add_holiday(engine)
    upgrade(engine)
    assert SPECIAL in inspect(engine).get_table_names()
    before = version(engine)
    add_special_opening(engine)
    assert version(engine) > before

    downgrade(engine, "0002")
    assert current_revision(engine) == "0002"
    assert SPECIAL not in inspect(engine).get_table_names()
    assert holidays(engine) == ["Natal"]  # what was there before 0003 stays
    before = version(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE holidays SET name = 'Hari Raya Natal'"))
    assert version(engine) > before  # 0002's own triggers still work

    upgrade(engine)
    add_special_opening(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM special_openings")).scalar_one() == 1


def test_special_openings_go_up_down_and_up_again_on_sqlite(sqlite_engine: Engine) -> None:
    up_down_up(sqlite_engine)
    with sqlite_engine.connect() as conn:
        triggers = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE type='trigger'")))
    assert {f"catalog_{SPECIAL}_{op}" for op in ("insert", "update", "delete")} <= triggers


@pytest.mark.postgres
def test_special_openings_go_up_down_and_up_again_on_postgresql(postgres_engine: Engine) -> None:
    up_down_up(postgres_engine)


def takeover_up_down_up(engine: Engine) -> None:
    """0005 adds who a counter was taken from; the counter log kept before it stays."""
    upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO zones (code, name) VALUES ('za', 'Zona A')"))
        conn.execute(
            text(
                "INSERT INTO agencies (code, name, short_name, colour, position, active) "
                "VALUES ('DK', 'Disdukcapil', 'Disdukcapil', '#0B5394', 1, true)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO counters (agency_id, zone_id, label, position, active, state, "
                "calls_since_priority) VALUES (1, 1, 'Loket 1', 1, true, 'closed', 0)"
            )
        )
        conn.execute(
            text("INSERT INTO counter_events (counter_id, at, kind) VALUES (1, :at, 'opened')"),
            {"at": dt.datetime(2026, 12, 7, 1, 0, tzinfo=dt.UTC)},
        )
    upgrade(engine)
    columns = {c["name"] for c in inspect(engine).get_columns("counter_events")}
    assert "from_user_id" in columns

    downgrade(engine, "0004")
    columns = {c["name"] for c in inspect(engine).get_columns("counter_events")}
    assert "from_user_id" not in columns
    upgrade(engine)
    with engine.connect() as conn:
        kinds = list(conn.scalars(text("SELECT kind FROM counter_events")))
    assert kinds == ["opened"]


def test_the_takeover_column_goes_up_down_and_up_again_on_sqlite(sqlite_engine: Engine) -> None:
    takeover_up_down_up(sqlite_engine)


@pytest.mark.postgres
def test_the_takeover_column_goes_up_down_and_up_again_on_postgresql(
    postgres_engine: Engine,
) -> None:
    takeover_up_down_up(postgres_engine)


SURVEY_TABLES = {
    "survey_responses",
    "survey_wording",
    "survey_extra_questions",
    "survey_extra_answers",
}


def survey_up_down_up(engine: Engine) -> None:
    """0008 adds the survey's tables, whose answers the database itself keeps in 1..4."""
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= SURVEY_TABLES
    with pytest.raises(IntegrityError) as refused, engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO survey_extra_questions (position, question_id, question_en, "
                "levels_id, levels_en, required, active) VALUES (1, 'q', 'q', '[]', '[]', "
                "false, true)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO survey_extra_answers (response_id, question_id, value) "
                "VALUES (1, 1, 5)"
            )
        )
    assert "value_level" in str(refused.value)
    downgrade(engine, "0007")
    assert not SURVEY_TABLES & set(inspect(engine).get_table_names())
    upgrade(engine)
    assert set(inspect(engine).get_table_names()) >= SURVEY_TABLES


def test_the_survey_tables_go_up_down_and_up_again_on_sqlite(sqlite_engine: Engine) -> None:
    survey_up_down_up(sqlite_engine)


@pytest.mark.postgres
def test_the_survey_tables_go_up_down_and_up_again_on_postgresql(postgres_engine: Engine) -> None:
    survey_up_down_up(postgres_engine)


def channel_settings_up_down_up(engine: Engine) -> None:
    """0011 adds the console's notice channel settings, one row per [notify] key."""
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO notice_channel_settings (key, value, sealed, revision, updated_at) "
                "VALUES ('notify_fonnte_url', 'https://api.fonnte.com', false, 1, "
                "'2026-12-06 08:00:00')"
            )
        )
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO notice_channel_settings (key, value, sealed, revision, updated_at) "
                "VALUES ('notify_fonnte_url', 'twice', false, 1, '2026-12-06 08:00:00')"
            )
        )
    downgrade(engine, "0010")
    assert "notice_channel_settings" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "notice_channel_settings" in inspect(engine).get_table_names()


def test_the_channel_settings_table_goes_up_down_and_up_again_on_sqlite(
    sqlite_engine: Engine,
) -> None:
    channel_settings_up_down_up(sqlite_engine)


@pytest.mark.postgres
def test_the_channel_settings_table_goes_up_down_and_up_again_on_postgresql(
    postgres_engine: Engine,
) -> None:
    channel_settings_up_down_up(postgres_engine)


def notice_pace_up_down_up(engine: Engine) -> None:
    """0013 adds the channels' shared pace, one row per channel."""
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO notice_pace (channel, free_at) VALUES ('whatsapp', 1.5)"))
    with pytest.raises(IntegrityError), engine.begin() as conn:
        conn.execute(text("INSERT INTO notice_pace (channel, free_at) VALUES ('whatsapp', 2.5)"))
    downgrade(engine, "0012")
    assert "notice_pace" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert "notice_pace" in inspect(engine).get_table_names()


def test_the_notice_pace_table_goes_up_down_and_up_again_on_sqlite(sqlite_engine: Engine) -> None:
    notice_pace_up_down_up(sqlite_engine)


@pytest.mark.postgres
def test_the_notice_pace_table_goes_up_down_and_up_again_on_postgresql(
    postgres_engine: Engine,
) -> None:
    notice_pace_up_down_up(postgres_engine)


def ticket_indexes(engine: Engine) -> dict[str, str]:
    """Each index of ``tickets`` by name, with its definition as the database keeps it."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(
                text(
                    "SELECT name, sql FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name = 'tickets'"
                )
            )
        else:
            rows = conn.execute(
                text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'tickets'")
            )
        return {name: (sql or "") for name, sql in rows}


def index_writes_up_down_up(engine: Engine) -> None:
    """0014: the line's old index gone, the counter's and the finished ones partial; down
    to 0013 they are whole again."""
    upgrade(engine)
    indexes = ticket_indexes(engine)
    assert "ix_tickets_line" not in indexes
    assert "ix_tickets_line_day" in indexes
    assert "target_counter_id IS NOT NULL" in indexes["ix_tickets_target"]
    assert "finished_at IS NOT NULL" in indexes["ix_tickets_finished"]
    counters = [index["name"] for index in inspect(engine).get_indexes("counter_services")]
    assert counters == ["ix_counter_services_service"]

    downgrade(engine, "0013")
    indexes = ticket_indexes(engine)
    assert "ix_tickets_line" in indexes
    assert "WHERE" not in indexes["ix_tickets_target"].upper()
    assert "WHERE" not in indexes["ix_tickets_finished"].upper()
    assert inspect(engine).get_indexes("counter_services") == []

    upgrade(engine)
    assert "ix_tickets_line" not in ticket_indexes(engine)


def test_the_ticket_indexes_go_up_down_and_up_again_on_sqlite(sqlite_engine: Engine) -> None:
    index_writes_up_down_up(sqlite_engine)


@pytest.mark.postgres
def test_the_ticket_indexes_go_up_down_and_up_again_on_postgresql(
    postgres_engine: Engine,
) -> None:
    index_writes_up_down_up(postgres_engine)


def test_the_reads_the_partial_indexes_are_for_still_use_them(sqlite_engine: Engine) -> None:
    """Those sent to a counter, and a line's recent services: read by the partial indexes
    (their comparison tells SQLite the column is not NULL), not by a scan of the day; a
    line's open counters found by their service, not by a scan of every counter's."""
    from server.domain.calling import _OPEN_IN_LINE, _SENT_TO_COUNTER
    from server.domain.estimates import _RECENT_SERVICE_TIMES

    upgrade(sqlite_engine)
    reads = {
        "ix_tickets_target": _SENT_TO_COUNTER,
        "ix_tickets_finished": _RECENT_SERVICE_TIMES,
        "ix_counter_services_service": _OPEN_IN_LINE,
    }
    with sqlite_engine.connect() as conn:
        for index, statement in reads.items():
            compiled = statement.compile(dialect=sqlite_engine.dialect)
            unknown = tuple(None for _ in compiled.positiontup or ())  # a plan needs none
            plan = " ".join(
                str(row[-1])
                for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", unknown)
            )
            assert index in plan, plan
