"""Which bookings a change of the hall's hours strands (``admin_bookings.stranded``): the
one check behind a holiday, new weekly hours and a special opening changed or deleted.
The test hall opens round the clock; the clock starts on Monday 30 November 2026, 09.00
in Jakarta."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from server.domain import admin_bookings
from server.domain.admin_catalog import Invalid
from server.models import BookingState, Holiday, Service, SpecialOpening
from tests.server.domain.test_bookings import at, book, enable

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk

MON_TO_FRI = {d: ["07:30", "16:00"] for d in ("mon", "tue", "wed", "thu", "fri")}


def test_a_slot_must_lie_wholly_inside_the_new_hours(desk: Desk) -> None:
    enable(desk, desk.hall.kk, capacity=5, slot_minutes=45)
    inside = book(desk, desk.hall.kk, at(1, 15), phone="0812-0000-0001").booking  # to 15.45
    across = book(desk, desk.hall.kk, at(1, 15, 45), phone="0812-0000-0002").booking  # to 16.30
    saturday = book(desk, desk.hall.kk, at(5, 9), phone="0812-0000-0003").booking
    ahead = admin_bookings.booked_ahead(desk.session, [desk.hall.kk], at(0, 0).date())

    found = admin_bookings.stranded(desk.ctx("admin"), ahead, hours={desk.hall.kk: MON_TO_FRI})

    assert {b.id for b in found} == {across.id, saturday.id}
    assert inside not in found
    assert admin_bookings.stranded(desk.ctx("admin"), ahead) == []  # the hours as they are


def test_a_special_opening_holds_a_holiday_s_bookings_inside_its_hours(desk: Desk) -> None:
    enable(desk, desk.hall.pkb, capacity=5)
    morning = book(desk, desk.hall.pkb, at(1, 9), phone="0812-0000-0001").booking
    afternoon = book(desk, desk.hall.pkb, at(1, 14), phone="0812-0000-0002").booking
    desk.session.add(
        SpecialOpening(
            date=at(1, 0).date(), opens="08:00", closes="12:00", agency_id=desk.hall.sm, name="x"
        )
    )
    desk.session.add(Holiday(date=at(1, 0).date(), name="Cuti bersama"))
    desk.session.flush()

    found = admin_bookings.stranded(desk.ctx("admin"), [morning, afternoon])

    assert found == [afternoon]


def test_a_slot_that_has_begun_is_left_to_check_in_or_the_no_show_job(desk: Desk) -> None:
    enable(desk, desk.hall.kk, capacity=5)
    made = book(desk, desk.hall.kk, at(0, 10)).booking
    desk.clock.set(at(0, 10, 5))  # the visitor may be at the kiosk now

    found = admin_bookings.stranded(desk.ctx("admin"), [made], hours={desk.hall.kk: {}})

    assert found == []


def test_nothing_is_cancelled_without_confirmation_and_all_of_them_with_it(desk: Desk) -> None:
    enable(desk, desk.hall.kk, capacity=5)
    enable(desk, desk.hall.ktp, capacity=5)
    sunday = [
        book(desk, desk.hall.kk, at(6, 10), phone="0812-0000-0001").booking,
        book(desk, desk.hall.kk, at(6, 11), phone="0812-0000-0002").booking,
        book(desk, desk.hall.ktp, at(6, 10), phone="0812-0000-0003").booking,
    ]
    for service_id in (desk.hall.kk, desk.hall.ktp):
        service = desk.session.get(Service, service_id)
        assert service is not None
        service.hours = dict(MON_TO_FRI)
    desk.session.flush()
    ids = [desk.hall.kk, desk.hall.ktp]

    with pytest.raises(Invalid) as refused:
        admin_bookings.close_for_new_hours(desk.ctx("admin"), ids, confirmed=False)

    warning = refused.value.problems[admin_bookings.CONFIRM_FIELD]
    assert warning.id.startswith("3 pemesanan yang belum check-in")
    assert "(Perubahan KK: 2, Perekaman KTP-el: 1)" in warning.id
    assert {b.state for b in sunday} == {BookingState.BOOKED}

    assert admin_bookings.close_for_new_hours(desk.ctx("admin"), ids, confirmed=True) == 3
    assert {(b.state, b.cancelled_by) for b in sunday} == {(BookingState.CANCELLED, "closure")}
    assert sunday[0].cancel_reason == "Jam layanan diubah: layanan tutup pada jam itu."


def test_a_span_until_24_00_holds_the_day_s_last_slot(desk: Desk) -> None:
    """The 23.30 slot ends at the next day's 00.00: inside a span that closes at 24.00."""
    enable(desk, desk.hall.kk, capacity=5)
    last = book(desk, desk.hall.kk, at(1, 23, 30)).booking
    evening = {d: ["16:00", "24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}

    assert admin_bookings.stranded(desk.ctx("admin"), [last], hours={desk.hall.kk: evening}) == []
    early = {d: ["16:00", "23:30"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    assert admin_bookings.stranded(desk.ctx("admin"), [last], hours={desk.hall.kk: early}) == [last]
