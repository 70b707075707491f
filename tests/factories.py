"""A small hall for tests: two agencies, three services, four counters, their people and devices.

Open every day, all day, so tests that run against a real clock never hit closing time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from server.domain.devices import register_device
from server.domain.users import create_user
from server.models import Agency, Counter, CounterService, CounterState, Series, Service, Zone

ALL_DAY = {day: ["00:00", "24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
PASSWORD = "rahasia-123"


@dataclass
class Hall:
    zone_a: int = 0
    zone_b: int = 0
    dk: int = 0  # agency Disdukcapil
    sm: int = 0  # agency Samsat
    ktp: int = 0  # service DK-KTP (series DK)
    kk: int = 0  # service DK-KK (shares series DK)
    pkb: int = 0  # service SM-PKB (series SM)
    c1: int = 0  # DK counter serving KTP then KK
    c2: int = 0  # DK counter serving KK only
    c3: int = 0  # SM counter
    c4: int = 0  # SM counter, zone B
    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


def build_hall(session: Session, now: dt.datetime) -> Hall:
    hall = Hall()
    za, zb = Zone(code="zona-a", name="Zona A"), Zone(code="zona-b", name="Zona B")
    session.add_all([za, zb])
    dk = Agency(
        code="DK",
        name="Dinas Kependudukan dan Pencatatan Sipil",
        short_name="Disdukcapil",
        colour="#0B5394",
        position=1,
        active=True,
    )
    sm = Agency(
        code="SM", name="Samsat", short_name="Samsat", colour="#B45F06", position=2, active=True
    )
    session.add_all([dk, sm])
    session.flush()
    s_dk, s_sm = Series(agency_id=dk.id, prefix="DK"), Series(agency_id=sm.id, prefix="SM")
    session.add_all([s_dk, s_sm])
    session.flush()

    def service(
        agency: Agency, series: Series, code: str, name: str, pos: int, **kw: object
    ) -> Service:
        svc = Service(
            agency_id=agency.id,
            series_id=series.id,
            code=code,
            name=name,
            position=pos,
            active=True,
            hours=dict(ALL_DAY),
            priority_offered=True,
            target_wait_minutes=30,
            typical_minutes=10.0,
        )
        for key, value in kw.items():
            setattr(svc, key, value)
        session.add(svc)
        session.flush()
        return svc

    ktp = service(
        dk,
        s_dk,
        "DK-KTP",
        "Perekaman KTP-el",
        1,
        typical_minutes=8.0,
        # Its standar pelayanan, as an admin writes it in the console.
        requirements=["Kartu Keluarga (asli dan fotokopi)"],
        fee="Gratis",
        completion="1 hari",
    )
    kk = service(dk, s_dk, "DK-KK", "Perubahan KK", 2)
    pkb = service(sm, s_sm, "SM-PKB", "Pajak kendaraan tahunan", 1)

    def counter(
        agency: Agency, zone: Zone, label: str, pos: int, services: list[Service]
    ) -> Counter:
        c = Counter(
            agency_id=agency.id,
            zone_id=zone.id,
            label=label,
            position=pos,
            active=True,
            state=CounterState.CLOSED,
            calls_since_priority=0,
        )
        session.add(c)
        session.flush()
        for i, svc in enumerate(services):
            session.add(CounterService(counter_id=c.id, service_id=svc.id, position=i))
        return c

    c1 = counter(dk, za, "Loket 1", 1, [ktp, kk])
    c2 = counter(dk, za, "Loket 2", 2, [kk])
    c3 = counter(sm, za, "Loket 3", 3, [pkb])
    c4 = counter(sm, zb, "Loket 4", 4, [pkb])
    session.flush()
    hall.zone_a, hall.zone_b = za.id, zb.id
    hall.dk, hall.sm = dk.id, sm.id
    hall.ktp, hall.kk, hall.pkb = ktp.id, kk.id, pkb.id
    hall.c1, hall.c2, hall.c3, hall.c4 = c1.id, c2.id, c3.id, c4.id
    for username, role, agency in [
        ("admin", "admin", None),
        ("sup.dk", "supervisor", "DK"),
        ("petugas.dk", "officer", "DK"),
        ("petugas2.dk", "officer", "DK"),
        ("petugas.sm", "officer", "SM"),
    ]:
        hall.users[username] = create_user(session, username, PASSWORD, role, agency).id
    for name, kind, zone, agency, counter_id in [
        ("kiosk", "kiosk", "zona-a", None, None),
        ("display-a", "display", "zona-a", None, None),
        ("display-b", "display", "zona-b", None, None),
        ("counter-pc-1", "counter", None, None, c1.id),
    ]:
        _, token = register_device(session, name, kind, zone, agency, counter_id, now)
        hall.tokens[name] = token
    session.flush()
    return hall
