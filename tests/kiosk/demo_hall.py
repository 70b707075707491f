"""The demo hall (35 agencies of the Tangerang MPP) as the kiosk's layout tests and its
screenshot tool see it: open all day, with one agency closed and a closed and a full
service (to show how they look), and some people already waiting."""

from __future__ import annotations

import datetime as dt

import requests
from sqlalchemy import delete, select

from server.db import Database, make_engine
from server.demo.seed import seed_demo
from server.migrate import upgrade
from server.models import Agency, BookingSettings, Holiday, Service
from tests.server.api.booked import take_booking

ALL_DAY = {d: ["00:00", "24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
CLOSED_SERVICES = {"DK-PINDAH", "DK-LEG"}
FULL_SERVICE = "DK-IKD"
CLOSED_AGENCY = "NN"
BOOKING_SERVICE = "DK-KTP"  # takes bookings, with room for every screenshot's
BOOKING_SETTINGS = {"capacity": 100, "cutoff_minutes": 0}
# People already waiting, so the counts are not all zero: (service code, tickets).
TRAFFIC = [
    ("DK-KTP", 14),
    ("DK-KK", 5),
    ("DK-LAHIR", 3),
    ("PT-OSS", 6),
    ("SM-PKB", 11),
    ("IM-PASPOR", 9),
    ("BK-DAFTAR", 4),
]


def seed_demo_hall(url: str) -> str:
    """Migrate and seed the demo hall into ``url``; returns a kiosk's token."""
    upgrade(make_engine(url))
    db = Database(url)
    try:
        with db.write() as session:
            creds = seed_demo(session, dt.datetime.now(dt.UTC)).as_dict()
            for service in session.scalars(select(Service)):
                service.hours = ALL_DAY
                service.daily_quota = None
            session.execute(delete(Holiday))
            for service in session.scalars(
                select(Service).where(Service.code.in_(CLOSED_SERVICES))
            ):
                service.hours = {}
            full = session.scalar(select(Service).where(Service.code == FULL_SERVICE))
            if full is not None:
                full.daily_quota = 0
            booked = session.scalar(select(Service).where(Service.code == BOOKING_SERVICE))
            if booked is not None:  # the welcome screen offers the booking check-in
                session.add(BookingSettings(service_id=booked.id, enabled=True, **BOOKING_SETTINGS))
            agency = session.scalar(select(Agency).where(Agency.code == CLOSED_AGENCY))
            if agency is not None:
                for service in session.scalars(
                    select(Service).where(Service.agency_id == agency.id)
                ):
                    service.hours = {}
    finally:
        db.dispose()
    return str(next(d["token"] for d in creds["devices"] if d["kind"] == "kiosk"))


def demo_booking(url: str, slot: dt.datetime, now: dt.datetime | None = None) -> str:
    """A booking of ``BOOKING_SERVICE`` for ``slot``, taken at ``now`` (the server's
    time; by default the wall clock's): its code."""
    db = Database(url)
    try:
        with db.read() as session:
            service_id = session.scalar(select(Service.id).where(Service.code == BOOKING_SERVICE))
        assert service_id is not None
        taken = now or dt.datetime.now(dt.UTC)
        return take_booking(db, taken, service_id, slot, **BOOKING_SETTINGS)
    finally:
        db.dispose()


def add_traffic(base_url: str, token: str) -> None:
    """Issue the ``TRAFFIC`` tickets through the server's API."""
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {token}"
        config = http.get(base_url + "/api/v1/config", timeout=5).json()
        ids = {s["code"]: s["id"] for s in config["services"]}
        for code, count in TRAFFIC:
            for _ in range(count if code in ids else 0):
                response = http.post(
                    base_url + "/api/v1/tickets", json={"service_id": ids[code]}, timeout=5
                )
                response.raise_for_status()
