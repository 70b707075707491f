"""The server's background rounds (day close, notices, Telegram) keep going through a
database outage; the outage is one line in the log, a real fault keeps its traceback."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from server.jobs import round_failed


def database_away(tmp_path: Path) -> OperationalError:
    """What SQLAlchemy raises for a database it cannot reach (a real one, not built)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'gone' / 'antre.sqlite3'}")
    try:
        with pytest.raises(OperationalError) as raised:
            engine.connect()
    finally:
        engine.dispose()
    return raised.value


def test_a_database_away_is_one_warning_line_without_a_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="antre.jobs"):
        round_failed("notice round", database_away(tmp_path))
    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "notice round: database unavailable (OperationalError); retrying"
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_any_other_failure_keeps_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    try:
        {}["missing"]
    except KeyError as exc:
        with caplog.at_level(logging.WARNING, logger="antre.jobs"):
            round_failed("day-close check", exc)
    [record] = caplog.records
    assert record.levelno == logging.ERROR
    assert record.getMessage() == "day-close check failed; retrying"
    assert "Traceback" in caplog.text and "KeyError" in caplog.text
