"""A UTC datetime is stored on SQLite as the very text SQLAlchemy's DATETIME writes, and
read back as the same aware moment."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.dialects.sqlite import DATETIME

from server.db import make_engine
from server.models import UTCDateTime

JAKARTA = dt.timezone(dt.timedelta(hours=7))
MOMENTS = [
    dt.datetime(2026, 12, 7, 8, 30, 5, 123456, tzinfo=dt.UTC),
    dt.datetime(2026, 12, 7, 8, 30, tzinfo=dt.UTC),  # no microseconds: still written
    dt.datetime(2026, 12, 7, 6, 59, 59, 999999, tzinfo=JAKARTA),  # the day before in UTC
    dt.datetime(999, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC),  # a short year, zero-padded
    # The hour a clock shows twice: the second time (fold 1) is an hour later in UTC.
    dt.datetime(2026, 11, 1, 1, 30, fold=1, tzinfo=ZoneInfo("America/New_York")),
]


@pytest.mark.parametrize("moment", MOMENTS, ids=str)
def test_the_text_written_is_sqlalchemys_own(moment: dt.datetime) -> None:
    dialect = sqlite.dialect()
    ours = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    theirs = DATETIME().bind_processor(dialect)  # type: ignore[no-untyped-call]
    assert ours is not None and theirs is not None

    naive_utc = moment.astimezone(dt.UTC).replace(tzinfo=None)
    assert ours(moment) == theirs(naive_utc)
    assert ours(None) is None


def test_a_naive_datetime_is_refused() -> None:
    dialect = sqlite.dialect()
    process = UTCDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    with pytest.raises(ValueError, match="naive"):
        process(dt.datetime(2026, 12, 7, 8, 30))


def test_stored_and_read_back_as_the_same_moment(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'moments.db'}")
    table = Table(
        "moments", MetaData(), Column("id", Integer, primary_key=True), Column("at", UTCDateTime)
    )
    table.metadata.create_all(engine)
    with engine.begin() as conn:
        for n, moment in enumerate(MOMENTS):
            conn.execute(insert(table).values(id=n, at=moment))
    with engine.connect() as conn:
        read = conn.execute(select(table.c.at).order_by(table.c.id)).scalars().all()
        stored = conn.execute(text("SELECT at FROM moments WHERE id = 0")).scalar_one()
    engine.dispose()

    assert read == [moment.astimezone(dt.UTC) for moment in MOMENTS]
    assert all(moment.tzinfo is dt.UTC for moment in read)
    assert stored == "2026-12-07 08:30:05.123456"
