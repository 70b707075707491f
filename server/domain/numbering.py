"""Ticket numbers: per series per service date, from 1, no duplicate, no gap.

The next number is taken by incrementing the series' row for the day inside the
same transaction that inserts the ticket. The increment holds the row lock until
commit (PostgreSQL) or the database write lock (SQLite), so concurrent kiosks on any
number of processes queue up on it; a refused or failed issue rolls the increment
back with everything else, so no number is lost.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlalchemy.orm import Session

from server.models import SeriesDay

from .sql import insert_if_missing


def take_next_number(session: Session, series_id: int, service_date: dt.date) -> int:
    """Reserve and return the next sequence number of the series on ``service_date``."""
    insert_if_missing(
        session,
        SeriesDay.__table__,  # type: ignore[arg-type]
        {"series_id": series_id, "service_date": service_date, "last_number": 0},
    )
    return session.execute(
        update(SeriesDay)
        .where(SeriesDay.series_id == series_id, SeriesDay.service_date == service_date)
        .values(last_number=SeriesDay.last_number + 1)
        .returning(SeriesDay.last_number)
    ).scalar_one()
