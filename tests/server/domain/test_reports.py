"""Report figures equal a hand count of a seeded day, played through the real domain
functions with a controlled clock (issue, call, recall, start, finish, no-show, come back,
transfer to another service and to another agency, cancel, a booked visitor, expiry at
day close, counters opened, paused and closed).

The expected numbers below are counted by hand from the timeline in ``seed_day``'s
docstring, not computed: they are what the page must show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain import counters
from server.domain.context import Actor, Ctx
from server.domain.errors import DomainError
from server.domain.reports import (
    Figures,
    Grouping,
    Period,
    PeriodKind,
    Report,
    compute_report,
    nearest_rank,
    parse_grouping,
    parse_period,
)
from server.domain.settings import load_settings
from server.domain.tickets import (
    IssueRequest,
    cancel_ticket,
    expire_open_tickets,
    issue_ticket,
    requeue_no_show,
)
from server.models import Device, Service, Ticket, TicketSource
from tests.factories import Hall

JAKARTA = ZoneInfo("Asia/Jakarta")
DAY = dt.date(2026, 11, 30)
MIN = 60.0


class Scene:
    """The hall's moves at given local times of one day, through the domain functions."""

    def __init__(self, session: Session, hall: Hall, day: dt.date) -> None:
        self.session = session
        self.hall = hall
        self.day = day
        self.now = dt.datetime.combine(day, dt.time(8), JAKARTA)
        self.kiosk = session.scalars(select(Device.id).where(Device.name == "kiosk")).one()

    def at(self, hhmm: str, day: dt.date | None = None) -> Scene:
        hour, minute = map(int, hhmm.split(":"))
        self.now = dt.datetime.combine(day or self.day, dt.time(hour, minute), JAKARTA)
        return self

    def ctx(self, user: str | None = None, device: int | None = None) -> Ctx:
        actor = Actor(user_id=self.hall.users[user] if user else None, device_id=device)
        return Ctx(self.session, self.now.astimezone(dt.UTC), load_settings(self.session), actor)

    def issue(self, service_id: int, booked_for: str | None = None) -> Ticket:
        booked = None
        source = TicketSource.KIOSK
        if booked_for is not None:
            hour, minute = map(int, booked_for.split(":"))
            booked = dt.datetime.combine(self.day, dt.time(hour, minute), JAKARTA)
            source = TicketSource.BOOKING
        request = IssueRequest(service_id, source=source, booked_for=booked)
        return issue_ticket(self.ctx(device=self.kiosk), request).ticket

    def counter(self, user: str, counter_id: int, action: Callable[..., Any], **kw: Any) -> Any:
        counter = counters.lock_counter(self.session, counter_id)
        result = action(self.ctx(user), counter, **kw)
        self.session.flush()
        return result


def seed_day(session: Session, hall: Hall, day: dt.date = DAY) -> dict[str, Ticket]:
    """One morning at Disdukcapil (KTP, KK: Loket 1 and 2) and Samsat (PKB: Loket 3).

    08:00 Loket 1 (petugas.dk), 2 (petugas2.dk), 3 (petugas.sm) open; T1 KTP
    08:02 T2 KTP · 08:03 T3 KK · 08:05 T4 PKB · 08:06 T5 KK · 08:07 T6 KTP
    08:10 T7 PKB; L1 calls T1 (waited 10) · 08:11 L1 starts T1
    08:12 T9 KTP (never called: expires); L3 calls T4 (7) · 08:13 L3 starts T4
    08:15 L2 calls T3 (12) · 08:20 T5 cancelled
    08:25 L1 "next": T1 done (service 14), calls T2 (23) · 08:26 L1 starts T2
    08:30 L2 finishes T3 (15, from the call) · 08:33 L3 finishes T4 (20)
    08:34 L3 calls T7 · 08:35 L1 transfers T2 to KK
    08:36 L1 calls T6 (29); L3 recalls T7 · 08:37 L1 starts T6 · 08:38 L3 recalls T7
    08:40 L3: T7 no-show (waited 28: to the last call); T8 KK booked for 09:00 arrives
    08:45 L2 calls T2 (10 in KK, since the transfer)
    08:50 L2 finishes T2 (5); L1 transfers T6 to Samsat's PKB
    08:55 L3 calls T6 (5) · 08:56 L3 starts T6
    09:00 T7 comes back (a new wait in PKB) · 09:04 L3 finishes T6 (8)
    09:05 L2 calls the booked T8 (5: from 09:00, not 08:40) · 09:06 L2 starts T8
    09:10 T10 KK; L3 calls T7 (10) · 09:16 L2 finishes T8 (10)
    09:20 L2 calls T10; L3 finishes T7 (10) · 09:22 L2 recalls T10 (12)
    09:23 L2 starts T10 · 09:30 L2 finishes T10 (7)
    09:40 L2 pauses · 09:50 L2 resumes · 10:00 all three close
    next day 00:30: the day closes, T9 expires.
    """
    s = Scene(session, hall, day)
    c1, c2, c3 = hall.c1, hall.c2, hall.c3
    dk, dk2, sm = "petugas.dk", "petugas2.dk", "petugas.sm"
    t: dict[str, Ticket] = {}
    s.at("08:00")
    s.counter(dk, c1, counters.open_counter)
    s.counter(dk2, c2, counters.open_counter)
    s.counter(sm, c3, counters.open_counter)
    t["T1"] = s.issue(hall.ktp)
    t["T2"] = s.at("08:02").issue(hall.ktp)
    t["T3"] = s.at("08:03").issue(hall.kk)
    t["T4"] = s.at("08:05").issue(hall.pkb)
    t["T5"] = s.at("08:06").issue(hall.kk)
    t["T6"] = s.at("08:07").issue(hall.ktp)
    t["T7"] = s.at("08:10").issue(hall.pkb)
    assert s.counter(dk, c1, counters.call_next) is t["T1"]
    s.at("08:11").counter(dk, c1, counters.start)
    t["T9"] = s.at("08:12").issue(hall.ktp)
    assert s.counter(sm, c3, counters.call_next) is t["T4"]
    s.at("08:13").counter(sm, c3, counters.start)
    assert s.at("08:15").counter(dk2, c2, counters.call_next) is t["T3"]
    s.at("08:20")
    cancel_ticket(s.ctx(), t["T5"], "walked out")
    assert s.at("08:25").counter(dk, c1, counters.call_next) is t["T2"]
    s.at("08:26").counter(dk, c1, counters.start)
    s.at("08:30").counter(dk2, c2, counters.finish)
    s.at("08:33").counter(sm, c3, counters.finish)
    assert s.at("08:34").counter(sm, c3, counters.call_next) is t["T7"]
    kk = session.get(Service, hall.kk)
    pkb = session.get(Service, hall.pkb)
    s.at("08:35").counter(dk, c1, counters.transfer, to_service=kk, to_counter=None, front=False)
    assert s.at("08:36").counter(dk, c1, counters.call_next) is t["T6"]
    s.counter(sm, c3, counters.recall)
    s.at("08:37").counter(dk, c1, counters.start)
    s.at("08:38").counter(sm, c3, counters.recall)
    s.at("08:40").counter(sm, c3, counters.no_show)
    t["T8"] = s.issue(hall.kk, booked_for="09:00")
    assert s.at("08:45").counter(dk2, c2, counters.call_next) is t["T2"]
    s.at("08:50").counter(dk2, c2, counters.finish)
    s.counter(dk, c1, counters.transfer, to_service=pkb, to_counter=None, front=False)
    assert s.at("08:55").counter(sm, c3, counters.call_next) is t["T6"]
    s.at("08:56").counter(sm, c3, counters.start)
    s.at("09:00")
    requeue_no_show(s.ctx(sm), t["T7"])
    s.at("09:04").counter(sm, c3, counters.finish)
    assert s.at("09:05").counter(dk2, c2, counters.call_next) is t["T8"]
    s.at("09:06").counter(dk2, c2, counters.start)
    t["T10"] = s.at("09:10").issue(hall.kk)
    assert s.counter(sm, c3, counters.call_next) is t["T7"]
    s.at("09:16").counter(dk2, c2, counters.finish)
    assert s.at("09:20").counter(dk2, c2, counters.call_next) is t["T10"]
    s.counter(sm, c3, counters.finish)
    s.at("09:22").counter(dk2, c2, counters.recall)
    s.at("09:23").counter(dk2, c2, counters.start)
    s.at("09:30").counter(dk2, c2, counters.finish)
    s.at("09:40").counter(dk2, c2, counters.pause_counter)
    s.at("09:50").counter(dk2, c2, counters.resume_counter)
    s.at("10:00")
    for user, counter_id in ((dk, c1), (dk2, c2), (sm, c3)):
        s.counter(user, counter_id, counters.close_counter)
    s.at("00:30", day + dt.timedelta(days=1))
    assert expire_open_tickets(s.ctx(), day + dt.timedelta(days=1)) == 1
    # Targets the service level is measured against: T6 (29 min) misses KTP's 25,
    # T7's first wait (28) misses PKB's 20.
    session.get(Service, hall.ktp).target_wait_minutes = 25  # type: ignore[union-attr]
    session.get(Service, hall.pkb).target_wait_minutes = 20  # type: ignore[union-attr]
    session.flush()
    return t


def seed_early_month(session: Session, hall: Hall, day: dt.date) -> None:
    """Another November day at Samsat: one served (waited 10, served 10), one cancelled;
    Loket 3 open 08:00–08:30."""
    s = Scene(session, hall, day)
    s.at("08:00").counter("petugas.sm", hall.c3, counters.open_counter)
    s.issue(hall.pkb)
    walked = s.at("08:01").issue(hall.pkb)
    s.at("08:05")
    cancel_ticket(s.ctx(), walked)
    s.at("08:10").counter("petugas.sm", hall.c3, counters.call_next)
    s.at("08:20").counter("petugas.sm", hall.c3, counters.finish)
    s.at("08:30").counter("petugas.sm", hall.c3, counters.close_counter)


def seed_december(session: Session, hall: Hall) -> None:
    """A ticket of 1 December: outside November."""
    Scene(session, hall, dt.date(2026, 12, 1)).at("08:00").issue(hall.ktp)


def report(
    session: Session, period: Period, grouping: Grouping, agency_id: int | None = None
) -> Report:
    ctx = Ctx(session, dt.datetime(2026, 12, 5, tzinfo=dt.UTC), load_settings(session))
    return compute_report(ctx, period, grouping, agency_id)


def figures(
    *,
    issued: int,
    served: int,
    no_show: int = 0,
    cancelled: int = 0,
    transferred: int = 0,
    expired: int = 0,
    waits: list[int],
    within: int,
    services: list[int],
    open_minutes: float | None = None,
    booked_waits: tuple[int, ...] = (),
) -> Figures:
    """The figures a hand count gives, from the waits (minutes) and service times;
    ``booked_waits``: those of ``waits`` that booked visitors waited (one ticket each)."""
    walk_in = list(waits)
    for wait in booked_waits:
        walk_in.remove(wait)
    ordered = sorted(waits)
    calls = len(ordered)
    p90 = ordered[-(-9 * calls // 10) - 1] if calls else None  # the ⌈0.9·n⌉-th
    served_time = sum(services) * MIN
    return Figures(
        issued=issued,
        served=served,
        no_show=no_show,
        cancelled=cancelled,
        transferred=transferred,
        expired=expired,
        calls=calls,
        within_target=within,
        avg_wait=sum(ordered) * MIN / calls if calls else None,
        p90_wait=p90 * MIN if p90 is not None else None,
        max_wait=max(ordered) * MIN if calls else None,
        avg_service=served_time / len(services) if services else None,
        service_level=within / calls if calls else None,
        open_seconds=None if open_minutes is None else open_minutes * MIN,
        utilisation=(served_time / (open_minutes * MIN) if open_minutes else None),
        booked=len(booked_waits) if issued else 0,
        online_share=len(booked_waits) / issued if issued else None,
        avg_wait_booked=sum(booked_waits) * MIN / len(booked_waits) if booked_waits else None,
        avg_wait_walk_in=sum(walk_in) * MIN / len(walk_in) if walk_in else None,
    )


KTP = figures(
    issued=4, served=1, transferred=2, expired=1, waits=[10, 23, 29], within=2, services=[14]
)
KK = figures(
    issued=4,
    served=4,
    cancelled=1,
    waits=[12, 10, 5, 12],
    within=4,
    services=[15, 5, 10, 7],
    booked_waits=(5,),  # T8, booked for 09:00, called 09:05
)
PKB = figures(issued=2, served=3, no_show=1, waits=[7, 28, 5, 10], within=3, services=[20, 8, 10])
HALL = figures(
    issued=10,
    served=8,
    no_show=1,
    cancelled=1,
    transferred=2,
    expired=1,
    waits=[10, 23, 29, 12, 10, 5, 12, 7, 28, 5, 10],
    within=9,
    services=[14, 15, 5, 10, 7, 20, 8, 10],
    booked_waits=(5,),
)
DK = figures(
    issued=8,
    served=5,
    cancelled=1,
    transferred=2,
    expired=1,
    waits=[10, 23, 29, 12, 10, 5, 12],
    within=6,
    services=[14, 15, 5, 10, 7],
    booked_waits=(5,),
)


@pytest.fixture
def seeded(session: Session, hall: Hall) -> dict[str, Ticket]:
    return seed_day(session, hall)


def by_label(result: Report) -> dict[str, Figures]:
    return {row.label: row.figures for row in result.rows}


def test_the_hand_count_figures_hold_per_service(session: Session, seeded: Any) -> None:
    result = report(session, parse_period("day", date="2026-11-30"), Grouping.SERVICE)

    assert by_label(result) == {
        "Perekaman KTP-el": KTP,
        "Perubahan KK": KK,
        "Pajak kendaraan tahunan": PKB,
    }
    assert result.total == HALL
    # the hand count's headline numbers, spelled out once
    assert result.total.p90_wait == 28 * MIN  # 10th of 11 sorted waits
    assert result.total.avg_wait == pytest.approx(151 / 11 * MIN)


def test_the_hand_count_figures_hold_per_agency(session: Session, seeded: Any) -> None:
    result = report(session, parse_period("day", date="2026-11-30"), Grouping.AGENCY)

    assert by_label(result) == {"Disdukcapil": DK, "Samsat": PKB}


def test_per_counter_and_officer_only_called_visitors_count(session: Session, seeded: Any) -> None:
    day = parse_period("day", date="2026-11-30")
    loket1 = figures(
        issued=0,
        served=1,
        transferred=2,
        waits=[10, 23, 29],
        within=2,
        services=[14],
        open_minutes=120,
    )
    loket2 = figures(
        issued=0,
        served=4,
        waits=[12, 10, 5, 12],
        within=4,
        services=[15, 5, 10, 7],
        open_minutes=110,  # paused 09:40-09:50
        booked_waits=(5,),
    )
    loket3 = figures(
        issued=0,
        served=3,
        no_show=1,
        waits=[7, 28, 5, 10],
        within=3,
        services=[20, 8, 10],
        open_minutes=120,
    )

    per_counter = by_label(report(session, day, Grouping.COUNTER))
    per_officer = report(session, day, Grouping.OFFICER)

    assert per_counter["Loket 1"] == loket1
    assert per_counter["Loket 2"] == loket2
    assert per_counter["Loket 3"] == loket3
    assert per_counter["Loket 4"].calls == 0 and per_counter["Loket 4"].utilisation is None
    assert per_counter["Loket 2"].utilisation == pytest.approx(37 / 110)
    officers = {row.detail: row.figures for row in per_officer.rows}
    assert officers == {
        "petugas.dk": _no_open(loket1),
        "petugas2.dk": _no_open(loket2),
        "petugas.sm": _no_open(loket3),
    }


def _no_open(f: Figures) -> Figures:
    """The same hand count without open time (an officer has none)."""
    return dataclasses.replace(f, open_seconds=None, utilisation=None)


def test_arrivals_and_served_by_local_hour(session: Session, seeded: Any) -> None:
    result = report(session, parse_period("day", date="2026-11-30"), Grouping.SERVICE)

    assert {h: n for h, n in enumerate(result.arrivals_by_hour) if n} == {8: 9, 9: 1}
    assert {h: n for h, n in enumerate(result.served_by_hour) if n} == {8: 4, 9: 4}


def test_a_supervisor_s_agency_sees_only_its_own_lines(
    session: Session, hall: Hall, seeded: Any
) -> None:
    result = report(
        session, parse_period("day", date="2026-11-30"), Grouping.SERVICE, agency_id=hall.dk
    )

    assert by_label(result) == {"Perekaman KTP-el": KTP, "Perubahan KK": KK}
    assert result.total == DK
    assert {h: n for h, n in enumerate(result.arrivals_by_hour) if n} == {8: 7, 9: 1}


def test_a_month_adds_its_days_and_leaves_other_months_out(
    session: Session, hall: Hall, seeded: Any
) -> None:
    seed_early_month(session, hall, dt.date(2026, 11, 2))
    seed_december(session, hall)

    month = parse_period("month", month="2026-11")
    result = report(session, month, Grouping.SERVICE)
    per_counter = by_label(report(session, month, Grouping.COUNTER))

    assert by_label(result)["Perekaman KTP-el"] == KTP  # December's KTP ticket is not here
    assert by_label(result)["Pajak kendaraan tahunan"] == figures(
        issued=4,
        served=4,
        no_show=1,
        cancelled=1,
        waits=[7, 28, 5, 10, 10],
        within=4,
        services=[20, 8, 10, 10],
    )
    assert result.total.issued == 12 and result.total.served == 9
    assert dict(result.issued_by_day)[dt.date(2026, 11, 2)] == 2
    assert dict(result.issued_by_day)[dt.date(2026, 11, 30)] == 10
    assert len(result.issued_by_day) == 30
    assert per_counter["Loket 3"].open_seconds == 150 * MIN
    assert per_counter["Loket 3"].utilisation == pytest.approx(48 / 150)


def test_the_90th_percentile_is_the_nearest_rank() -> None:
    assert nearest_rank([1.0], 0.9) == 1.0
    assert nearest_rank([float(i) for i in range(1, 11)], 0.9) == 9.0
    assert nearest_rank([float(i) for i in range(1, 12)], 0.9) == 10.0
    assert nearest_rank([], 0.9) is None


@pytest.mark.parametrize(
    ("kind", "fields", "bad"),
    [
        ("week", {}, "period"),
        ("day", {}, "date"),
        ("day", {"date": "2026-02-30"}, "date"),
        ("day", {"date": "30/11/2026"}, "date"),
        ("day", {"date": ["2026-11-30"]}, "date"),
        ("month", {"month": "2026-13"}, "month"),
        ("month", {"month": "2026"}, "month"),
        ("range", {"first": "2026-11-30", "last": "2026-11-01"}, "to"),
        ("range", {"first": "2020-01-01", "last": "2026-11-01"}, "to"),
        ("range", {"first": "2026-11-01"}, "to"),
    ],
)
def test_a_bad_period_names_the_field(kind: str, fields: dict[str, Any], bad: str) -> None:
    with pytest.raises(DomainError) as caught:
        parse_period(kind, **fields)
    assert caught.value.details["field"] == bad


def test_periods_are_the_hall_s_local_dates() -> None:
    month = parse_period("month", month="2024-02")
    assert (month.first, month.last, month.kind) == (
        dt.date(2024, 2, 1),
        dt.date(2024, 2, 29),
        PeriodKind.MONTH,
    )
    start, end = parse_period("day", date="2026-11-30").bounds(JAKARTA)
    assert start == dt.datetime(2026, 11, 29, 17, tzinfo=dt.UTC)
    assert end == dt.datetime(2026, 11, 30, 17, tzinfo=dt.UTC)
    with pytest.raises(DomainError):
        parse_grouping("zone")
    assert parse_period("month", month="9999-12").last == dt.date(9999, 12, 31)


def test_a_counter_taken_over_stays_open_in_its_open_time(session: Session, hall: Hall) -> None:
    """08:00 petugas.dk opens Loket 1 · 08:30 pauses · 09:00 the admin takes it over (open
    again, now the admin's) · 10:00 the admin closes it: open 30 + 60 minutes."""
    s = Scene(session, hall, DAY)
    s.at("08:00").counter("petugas.dk", hall.c1, counters.open_counter)
    s.at("08:30").counter("petugas.dk", hall.c1, counters.pause_counter)
    s.at("09:00").counter("admin", hall.c1, counters.open_counter, takeover=True)
    s.at("10:00").counter("admin", hall.c1, counters.close_counter)

    per_counter = by_label(
        report(session, parse_period("day", date="2026-11-30"), Grouping.COUNTER)
    )

    assert per_counter["Loket 1"].open_seconds == 90 * MIN
