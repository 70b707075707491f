"""Ticket numbers: per series per service date, from 1, no duplicate, no gap
(docs/design.md#numbering).

The next number is taken by incrementing the series' row for the day inside the
same transaction that inserts the ticket. The increment holds the row lock until
commit (PostgreSQL) or the database write lock (SQLite), so concurrent kiosks on any
number of processes queue up on it; a refused or failed issue rolls the increment
back with everything else, so no number is lost.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from server.models import SeriesDay

from .sql import increment


def take_next_number(session: Session, series_id: int, service_date: dt.date) -> int:
    """Reserve and return the next sequence number of the series on ``service_date``."""
    return increment(
        session,
        SeriesDay.__table__,  # type: ignore[arg-type]
        {"series_id": series_id, "service_date": service_date},
        "last_number",
    )
