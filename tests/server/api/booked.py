"""Bookings for tests of the devices that check them in: taken through the domain on the
server's own database, as the booking pages would take them."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from server.db import Database
from server.domain import bookings
from server.domain.context import Ctx
from server.domain.identity import PersonalDataKey
from server.domain.settings import load_settings
from server.models import BookingSettings, BookingState

KEY = PersonalDataKey.from_secret("the test hall's secret, long enough")
_PHONES = (f"0812-3456-{n:04d}" for n in itertools.count(1000))


def take_booking(
    db: Database, now: dt.datetime, service_id: int, slot_start: dt.datetime, **rules: Any
) -> str:
    """Book ``slot_start`` of the service at ``now`` for a new visitor; the code.

    Bookings are switched on for the service with room enough and no cut-off (a test
    books the slot about to start); ``rules`` change any other booking setting.
    """
    settings = {"capacity": 5, "cutoff_minutes": 0, **rules}
    with db.write() as session:
        session.merge(BookingSettings(service_id=service_id, enabled=True, **settings))
        session.flush()
        ctx = Ctx(session, now, load_settings(session))
        request = bookings.BookingRequest(
            service_id=service_id, slot_start=slot_start, name="Siti Rahmawati", phone=next(_PHONES)
        )
        return bookings.book(ctx, request, KEY).booking.code


def cancel_booking(db: Database, now: dt.datetime, code: str) -> None:
    with db.write() as session:
        ctx = Ctx(session, now, load_settings(session))
        bookings.cancel(ctx, bookings.find(session, code), by="staff", reason="test")


def booking_state(db: Database, code: str) -> BookingState:
    with db.read() as session:
        return bookings.find(session, code).state


def next_slot(now: dt.datetime, tz: dt.tzinfo, minutes: int = 30) -> dt.datetime:
    """The first slot start after ``now`` in a hall open all day (slots from midnight)."""
    local = now.astimezone(tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    passed = (local - midnight) // dt.timedelta(minutes=minutes)
    return midnight + dt.timedelta(minutes=minutes) * (passed + 1)


__all__ = ["KEY", "booking_state", "cancel_booking", "next_slot", "take_booking"]
