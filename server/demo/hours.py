"""When the demo hall takes tickets: its real opening hours, or around the clock.

The demo data keeps the hours a hall of this kind keeps (07.30-16.00 on weekdays, Friday
shorter, national holidays closed): right for showing how a closed service looks, wrong
for a newcomer trying the demo on a Saturday afternoon, who would find every service
closed and never see a number called. ``scripts/demo`` therefore opens the demo hall
around the clock; ``scripts/demo --real-hours`` puts the data's hours back. The choice is
applied to a new database and when it changes (``scripts/demo`` remembers the last one),
so switching needs no new database and the console's own changes survive a restart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from server.domain.schedule import WEEKDAYS
from server.models import Holiday, Service

REAL = "real"
AROUND_THE_CLOCK = "around-the-clock"
CHOICES = (REAL, AROUND_THE_CLOCK)
ALL_DAY = ["00:00", "24:00"]


def set_demo_hours(session: Session, data: dict[str, Any], choice: str) -> None:
    """Give every demo service ``choice``'s hours (``REAL`` or ``AROUND_THE_CLOCK``)."""
    if choice == AROUND_THE_CLOCK:
        open_around_the_clock(session)
    elif choice == REAL:
        restore_real_hours(session, data)
    else:
        raise ValueError(f"opening hours must be one of {', '.join(CHOICES)}")


def open_around_the_clock(session: Session) -> None:
    """Every service takes tickets at every hour of every day, holidays included."""
    for service in session.scalars(select(Service)):
        service.hours = {day: list(ALL_DAY) for day in WEEKDAYS}
    session.execute(delete(Holiday))
    session.flush()


def restore_real_hours(session: Session, data: dict[str, Any]) -> None:
    """The demo data's weekly hours for each of its services, and its holidays."""
    schedules = data["schedules"]
    hours_by_code = {
        s["code"]: {day: list(span) for day, span in schedules[a["schedule"]].items()}
        for a in data["agencies"]
        for s in a["services"]
    }
    for service in session.scalars(select(Service).where(Service.code.in_(hours_by_code))):
        service.hours = hours_by_code[service.code]
    known = set(session.scalars(select(Holiday.date)))
    for h in data.get("holidays", []):
        day = h["date"] if isinstance(h["date"], dt.date) else dt.date.fromisoformat(h["date"])
        if day not in known:
            session.add(Holiday(date=day, name=h["name"]))
    session.flush()
