"""The booking figures of a report against a hand count: bookings per service and day by
what became of them, the check-in time against the slot, the online share of tickets and
the booked visitors' wait beside the walk-ins' (docs/design.md#report-figures).

Monday 30 November 2026 in the test hall (open round the clock), clock from 09.00:

    09:00 A (KK 10.00), B (KK 10.30), C (KK 11.00), D (KK 11.30) and E (PKB 10.00) book;
          staff cancel D
    09:40 A checks in (20 minutes before its slot: its ticket stands at 10.00)
    09:45 W takes a KK ticket at the kiosk
    10:10 Loket 2 opens and calls W (walk-in, waited 25)
    10:15 Loket 2 calls A (booked: waited 15, from 10.00)
    10:20 E checks in after its window (10.15): late, a walk-in ticket; -20
    10:35 B checks in (5 minutes after its slot, inside the window): -5
    10:40 Loket 2 calls B (waited 5: from its arrival, later than its slot)
    11:20 the day's end job: C (window closed 11.15) is a no-show
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from server.api.reports import report_json
from server.domain import bookings
from server.domain.access import Principal
from server.domain.admin_bookings import cancel_by_staff
from server.domain.reports import Grouping, compute_report, parse_period
from server.models import Role
from tests.server.domain.test_bookings import at, book, enable

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk

MIN = 60.0


def run_the_morning(desk: Desk) -> None:
    hall, clock = desk.hall, desk.clock
    enable(desk, hall.kk, online_share=1.0)
    enable(desk, hall.pkb, online_share=1.0)
    a = book(desk, hall.kk, at(0, 10), phone="0812-0000-0001").booking.code
    b = book(desk, hall.kk, at(0, 10, 30), phone="0812-0000-0002").booking.code
    book(desk, hall.kk, at(0, 11), phone="0812-0000-0003")
    d = book(desk, hall.kk, at(0, 11, 30), phone="0812-0000-0004").booking
    e = book(desk, hall.pkb, at(0, 10), phone="0812-0000-0005").booking.code
    admin = desk.ctx("admin")
    who = _admin(desk)
    cancel_by_staff(admin, who, d.id, "Petugas berhalangan")
    clock.set(at(0, 9, 40))
    bookings.check_in(desk.ctx(None), a)
    clock.set(at(0, 9, 45))
    desk.issue(hall.kk, advance=False)
    clock.set(at(0, 10, 10))
    desk.open(hall.c2)
    assert desk.next(hall.c2) is not None  # W
    clock.set(at(0, 10, 15))
    called = desk.next(hall.c2)
    assert called is not None and called.source.value == "booking"  # A
    clock.set(at(0, 10, 20))
    assert bookings.check_in(desk.ctx(None), e).booking.late
    clock.set(at(0, 10, 35))
    bookings.check_in(desk.ctx(None), b)
    clock.set(at(0, 10, 40))
    assert desk.next(hall.c2) is not None  # B
    clock.set(at(0, 11, 20))
    assert bookings.mark_no_shows(desk.ctx(None)) == 1  # C
    desk.session.flush()


def _admin(desk: Desk) -> Principal:
    return Principal(kind="user", id=desk.hall.users["admin"], role=Role.ADMIN)


def test_bookings_per_service_and_day_match_the_hand_count(desk: Desk) -> None:
    run_the_morning(desk)
    report = compute_report(desk.ctx(), parse_period("day", date="2026-11-30"), Grouping.SERVICE)

    rows = {row.code: row.figures for row in report.bookings}
    assert list(rows) == ["DK-KK", "SM-PKB"]
    kk, pkb = rows["DK-KK"], rows["SM-PKB"]
    assert (kk.made, kk.checked_in, kk.no_show, kk.cancelled, kk.late) == (4, 2, 1, 1, 0)
    assert kk.avg_minutes_before_slot == pytest.approx((20 - 5) / 2)
    assert kk.on_time_share == pytest.approx(1 / 2)  # A, not B
    assert kk.no_show_share == pytest.approx(1 / 3)  # C of A, B, C
    assert (pkb.made, pkb.checked_in, pkb.late, pkb.avg_minutes_before_slot) == (1, 1, 1, -20)
    assert pkb.on_time_share == 0
    total = report.bookings_total
    assert total is not None
    assert (total.made, total.checked_in, total.no_show, total.cancelled) == (5, 3, 1, 1)
    assert total.avg_minutes_before_slot == pytest.approx((20 - 5 - 20) / 3)


def test_the_online_share_and_the_booked_wait_beside_the_walk_ins(desk: Desk) -> None:
    run_the_morning(desk)
    report = compute_report(desk.ctx(), parse_period("day", date="2026-11-30"), Grouping.SERVICE)

    kk = next(row.figures for row in report.rows if row.detail.startswith("DK-KK"))
    assert (kk.issued, kk.booked) == (3, 2)  # W, A, B
    assert kk.online_share == pytest.approx(2 / 3)
    # A waited from its slot (10.00), not from its early check-in (09.40): 15; B from its
    # arrival (10.35), later than its slot: 5.
    assert kk.avg_wait_booked == pytest.approx(10 * MIN)
    assert kk.avg_wait_walk_in == pytest.approx(25 * MIN)  # W: 09.45 to 10.10
    assert report.total.issued == 4 and report.total.booked == 3  # E's late ticket too
    assert report.total.online_share == pytest.approx(3 / 4)


def test_the_api_gives_the_bookings_table(desk: Desk) -> None:
    run_the_morning(desk)
    report = compute_report(desk.ctx(), parse_period("day", date="2026-11-30"), Grouping.SERVICE)

    body = report_json(report, None)
    first = body["bookings"][0]
    assert first["code"] == "DK-KK" and first["date"] == "2026-11-30"
    assert first["figures"]["made"] == 4 and first["figures"]["avg_minutes_before_slot"] == 7.5
    assert body["bookings_total"]["late"] == 1
    assert body["total"]["booked"] == 3


def test_a_period_without_bookings_has_none(desk: Desk) -> None:
    report = compute_report(desk.ctx(), parse_period("day", date="2026-11-30"), Grouping.SERVICE)
    assert report.bookings == [] and report.bookings_total is not None
    assert report.bookings_total.made == 0 and report.bookings_total.on_time_share is None
