"""The demo hall: MPP Kabupaten Tangerang, from ``mpp_tangerang.toml`` beside this file.

The hall, its officers and its devices are created once, into an empty database. Each
later run prints the logins and the demo devices' tokens again: renewed (the database
keeps only their hashes) unless a demo token file keeps them (``server.demo.tokens``),
and the opening hours set as asked (``server.demo.hours``).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.demo import bookings as demo_bookings
from server.demo.history import Busy, simulate
from server.demo.hours import set_demo_hours
from server.demo.notices import seed_demo_notices
from server.demo.survey import seed_survey
from server.domain.auth import hash_password, token_hash
from server.domain.devices import register_device, renew_token
from server.domain.identity import PersonalDataKey
from server.domain.settings import update_settings
from server.domain.users import create_user
from server.models import (
    Agency,
    Counter,
    CounterService,
    CounterState,
    Device,
    DeviceKind,
    Holiday,
    Role,
    Series,
    Service,
    SpecialOpening,
    User,
    Zone,
)
from shared.opening_hours import WEEKDAYS

DATA = Path(__file__).with_name("mpp_tangerang.toml")
STANDARDS = Path(__file__).with_name("standards.toml")
ADMIN_USER = "admin"
ADMIN_PASSWORD = "admin-mpp-demo"
OFFICER_PASSWORD = "petugas-demo"
RENEWED = "renewed on every seed-demo run"
# The agency whose first counter has a survey tablet: Disdukcapil, whose first counter the
# demo's counter client opens, so finishing a visit there turns the tablet to its survey.
SURVEY_TABLET_AGENCY = "DK"


class NotTheDemoHall(Exception):
    """The database holds a hall that is not the demo: seed-demo leaves it alone."""


@dataclass
class DemoCredentials:
    """What a new user needs to try every client; printed once per seed run."""

    admin: tuple[str, str] = (ADMIN_USER, ADMIN_PASSWORD)
    officers: list[tuple[str, str, str]] = field(default_factory=list)  # agency, user, password
    devices: list[tuple[str, str, str, str]] = field(
        default_factory=list
    )  # kind, name, where, token
    created: bool = False
    token_note: str = RENEWED  # whether the tokens below outlive this run
    bookings: list[demo_bookings.DemoBooking] = field(default_factory=list)

    def render(self) -> str:
        lines = [
            "MPP Kabupaten Tangerang demo " + ("created" if self.created else "already present"),
            "",
            f"Admin: {self.admin[0]} / {self.admin[1]}",
            "  web console: / on this server (e.g. http://127.0.0.1:5080/)",
            "  browser board: /board/<zone>#token=<that zone's display token below>",
            "  survey tablet: /survey/counter/<counter id>#token=<its survey token below>"
            " (scripts/demo prints the whole address)",
            "",
            "Officers (one per agency; all with the same demo password):",
        ]
        lines += [
            f"  {agency:<4} {user:<16} {password}" for agency, user, password in self.officers
        ]
        lines += ["", f"Device tokens ({self.token_note}):"]
        lines += [
            f"  {kind:<8} {name:<28} {where:<14} {token}"
            for kind, name, where, token in self.devices
        ]
        lines += ["", *demo_bookings.render(self.bookings)]
        return "\n".join(lines)

    def as_dict(self) -> dict[str, Any]:
        return {
            "admin": {"username": self.admin[0], "password": self.admin[1]},
            "officers": [{"agency": a, "username": u, "password": p} for a, u, p in self.officers],
            "devices": [
                {"kind": k, "name": n, "where": w, "token": t} for k, n, w, t in self.devices
            ],
        }


def load_demo_data(path: Path = DATA, standards: Path = STANDARDS) -> dict[str, Any]:
    """The hall, with the example standar pelayanan of some services under ``standards``."""
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    with standards.open("rb") as fh:
        data.setdefault("standards", tomllib.load(fh))
    return data


def seed_demo(
    session: Session,
    now: dt.datetime,
    data: dict[str, Any] | None = None,
    *,
    kept_tokens: Mapping[str, str] | None = None,
    hours: str | None = None,
    booking_key: PersonalDataKey | None = None,
    past_month: bool = True,
) -> DemoCredentials:
    """Create the demo hall once; every run returns its logins and device tokens.

    ``kept_tokens`` (device name -> token, from the demo token file): a demo device whose
    token is still among them keeps it; every other demo device gets a new one. ``hours``
    (``server.demo.hours``): the opening hours to give the services, None to leave them.
    Devices added by hand are never touched: renewing their token would cut them off.
    ``booking_key`` (the server's personal-data key): given, a few demo services take
    bookings and today gets some (``server.demo.bookings``). ``past_month``: a new hall
    gets the last month's visits and survey answers (``seed_past_month``).
    """
    data = data or load_demo_data()
    creds = DemoCredentials()
    if session.scalar(select(func.count()).select_from(Agency)) == 0:
        _create_hall(session, data)
        _create_special_openings(session, data, now)
        _create_people_and_devices(session, data, now)
        if past_month:
            seed_past_month(session, now, data["site"]["timezone"])
        creds.created = True
    else:
        _ensure_demo_hall(session, data)
        _add_new_demo_devices(session, data, now)
    if hours is not None:
        set_demo_hours(session, data, hours)
    if booking_key is not None:
        demo_bookings.enable_demo_bookings(session)
        creds.bookings = demo_bookings.seed_todays_bookings(session, now, booking_key)
    for agency in session.scalars(select(Agency).order_by(Agency.position)):
        username = officer_username(agency.code)
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            creds.officers.append((agency.code, username, OFFICER_PASSWORD))
    for device in demo_devices(session, data):
        token = _kept_or_renewed(session, device, kept_tokens or {})
        creds.devices.append((device.kind.value, device.name, _where(device), token))
    return creds


# Visitors a day in the demo's past month: enough for every report to show something,
# few enough to keep the first start quick.
PAST_DAYS = 30
PAST_PER_DAY = 300
# Where the demo's waits grow long (the hall's busiest desks), so the survey report can
# show what a long wait does to the answers.
PAST_BUSY = {"DK": Busy(5.0, 2), "IM": Busy(3.0, 1), "SM": Busy(2.5, 1)}


def seed_past_month(session: Session, now: dt.datetime, timezone: str) -> None:
    """The last ``PAST_DAYS`` days up to yesterday: visits (``server.demo.history``) and
    survey answers to some of them (``server.demo.survey``), so the queue and survey
    reports show a month at once, and the same month."""
    today = now.astimezone(ZoneInfo(timezone)).date()
    first = today - dt.timedelta(days=PAST_DAYS)
    closed = set(session.scalars(select(Holiday.date)))
    simulate(session, first, PAST_DAYS, PAST_PER_DAY, closed=closed, busy=PAST_BUSY)
    seed_survey(session, first, today - dt.timedelta(days=1), now)
    seed_demo_notices(session)


def demo_devices(session: Session, data: dict[str, Any]) -> list[Device]:
    """The devices the demo registered (by the names it gives them), kiosks first."""
    names = {spec.name for spec in _device_specs(session, data)}
    found = session.scalars(select(Device).where(Device.name.in_(names)).order_by(Device.id))
    return sorted(found, key=lambda d: list(DeviceKind).index(d.kind))


def _ensure_demo_hall(session: Session, data: dict[str, Any]) -> None:
    """Refuse a database whose hall is not the demo's (a real hall's hours and devices
    are not the demo's to change)."""
    zones = set(session.scalars(select(Zone.code)))
    agencies = set(session.scalars(select(Agency.code)))
    if not (
        {z["code"] for z in data["zones"]} <= zones
        and {a["code"] for a in data["agencies"]} <= agencies
    ):
        raise NotTheDemoHall(
            "this database holds another hall, not the demo: seed-demo only loads the "
            "demo into an empty database and only touches the demo hall"
        )


def _kept_or_renewed(session: Session, device: Device, kept: Mapping[str, str]) -> str:
    token = kept.get(device.name)
    if token is not None and device.active and device.token_hash == token_hash(token):
        return token
    return renew_token(session, device)


def _where(device: Device) -> str:
    if device.zone is not None:
        return device.zone.code
    if device.counter is not None:
        return device.counter.label
    return device.agency.code if device.agency is not None else ""


def officer_username(agency_code: str) -> str:
    return f"petugas.{agency_code.lower()}"


def _create_hall(session: Session, data: dict[str, Any]) -> None:
    site = data["site"]
    update_settings(
        session,
        {
            "site_name": site["name"],
            "site_short_name": site["short_name"],
            "timezone": site["timezone"],
        },
    )
    zones = {}
    for z in data["zones"]:
        zone = Zone(code=z["code"], name=z["name"])
        session.add(zone)
        zones[z["code"]] = zone
    for h in data.get("holidays", []):
        day = h["date"] if isinstance(h["date"], dt.date) else dt.date.fromisoformat(h["date"])
        session.add(Holiday(date=day, name=h["name"]))
    session.flush()
    schedules = data["schedules"]
    standards: dict[str, dict[str, Any]] = data.get("standards", {})
    label_number = 0
    for position, a in enumerate(data["agencies"], start=1):
        agency = Agency(
            code=a["code"],
            name=a["name"],
            short_name=a["short_name"],
            colour=a["colour"],
            position=position,
            active=True,
        )
        session.add(agency)
        session.flush()
        agency_series = Series(agency_id=agency.id, prefix=a["code"])
        session.add(agency_series)
        session.flush()
        counters = []
        for _ in range(a["counters"]):
            label_number += 1  # counters are numbered across the hall, as visitors see them
            counter = Counter(
                agency_id=agency.id,
                zone_id=zones[a["zone"]].id,
                label=f"Loket {label_number}",
                position=label_number,
                active=True,
                state=CounterState.CLOSED,
                calls_since_priority=0,
            )
            session.add(counter)
            counters.append(counter)
        session.flush()
        hours = {day: list(span) for day, span in schedules[a["schedule"]].items()}
        for s_position, s in enumerate(a["services"], start=1):
            series = agency_series
            if "series" in s:
                series = Series(agency_id=agency.id, prefix=s["series"])
                session.add(series)
                session.flush()
            service = Service(
                agency_id=agency.id,
                series_id=series.id,
                code=s["code"],
                name=s["name"],
                position=s_position,
                active=True,
                daily_quota=s.get("quota"),
                hours=hours,
                priority_offered=s.get("priority", True),
                target_wait_minutes=s.get("target_wait", 30),
                typical_minutes=float(s["minutes"]),
                requirements=list(standards.get(s["code"], {}).get("requirements", [])),
                fee=standards.get(s["code"], {}).get("fee", ""),
                completion=standards.get(s["code"], {}).get("completion", ""),
            )
            session.add(service)
            session.flush()
            serving = s.get("counters") or list(range(1, len(counters) + 1))
            for number in serving:
                counter = counters[number - 1]
                session.add(
                    CounterService(
                        counter_id=counter.id, service_id=service.id, position=s_position
                    )
                )
    session.flush()


def _create_people_and_devices(session: Session, data: dict[str, Any], now: dt.datetime) -> None:
    create_user(session, ADMIN_USER, ADMIN_PASSWORD, "admin", None, "Admin MPP")
    # One hash for the one printed demo password: scrypt is deliberately slow, and
    # 35 of them would make every demo start wait for seconds.
    shared_hash = hash_password(OFFICER_PASSWORD)
    for agency in session.scalars(select(Agency).order_by(Agency.position)):
        session.add(
            User(
                username=officer_username(agency.code),
                display_name=f"Petugas {agency.short_name}",
                password_hash=shared_hash,
                role=Role.OFFICER,
                agency_id=agency.id,
                active=True,
            )
        )
    session.flush()
    for spec in _device_specs(session, data):
        register_device(session, spec.name, spec.kind, spec.zone, None, spec.counter_id, now)


def _add_new_demo_devices(session: Session, data: dict[str, Any], now: dt.datetime) -> None:
    """A demo seeded before the survey tablet existed gets one on its next run. Only
    then: a demo device an admin renamed or revoked is theirs, never made again."""
    if session.scalar(select(Device.id).where(Device.kind == DeviceKind.SURVEY)) is not None:
        return
    for spec in _device_specs(session, data):
        if spec.kind == DeviceKind.SURVEY.value:
            register_device(session, spec.name, spec.kind, spec.zone, None, spec.counter_id, now)


@dataclass(frozen=True)
class _DeviceSpec:
    name: str
    kind: str
    zone: str | None = None
    counter_id: int | None = None


def _device_specs(session: Session, data: dict[str, Any]) -> list[_DeviceSpec]:
    """The demo's devices: its kiosks, a board per zone, a terminal at the first counter
    of each agency, and a survey tablet beside the first of them (the counter the demo's
    counter client opens: server.demo.client_configs)."""
    specs = [_DeviceSpec(k["name"], "kiosk", k["zone"]) for k in data["kiosks"]]
    specs += [_DeviceSpec(f"Papan {z['name']}", "display", z["code"]) for z in data["zones"]]
    for agency in session.scalars(select(Agency).order_by(Agency.position)):
        first = agency.counters[0] if agency.counters else None
        if first is not None:
            name = f"PC {first.label} {agency.short_name}"
            specs.append(_DeviceSpec(name, "counter", counter_id=first.id))
        if first is not None and agency.code == SURVEY_TABLET_AGENCY:
            name = f"Tablet survei {first.label} {agency.short_name}"
            specs.append(_DeviceSpec(name, "survey", counter_id=first.id))
    return specs


def _create_special_openings(session: Session, data: dict[str, Any], now: dt.datetime) -> None:
    """The demo's special openings, on a date counted from the day it is seeded."""
    today = now.astimezone(ZoneInfo(data["site"]["timezone"])).date()
    for entry in data.get("special_openings", []):
        days = (WEEKDAYS.index(entry["weekday"]) - today.weekday()) % 7 or 7
        day = today + dt.timedelta(days=days + 7 * entry.get("weeks_ahead", 0))
        agency = entry.get("agency")
        agency_id = (
            session.scalar(select(Agency.id).where(Agency.code == agency)) if agency else None
        )
        session.add(
            SpecialOpening(
                date=day,
                opens=entry["opens"],
                closes=entry["closes"],
                agency_id=agency_id,
                name=entry["name"],
            )
        )
    session.flush()
