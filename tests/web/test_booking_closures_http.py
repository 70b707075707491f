"""A day closed or shortened after bookings exist, in the console over plain HTTP
(in-process): new weekly hours for many services or for one, and a special opening
changed or deleted, warn with the bookings they would leave outside the hours their slot
needs (how many, of which services) and save nothing until the box is ticked; then they
save and cancel those bookings, whose visitors read why on the booking's status page
(issue 16, point 4). A service or an agency deactivated does the same for its bookings
from today on. The holiday does the same (tests/web/test_admin_bookings_http.py).

The test hall opens round the clock; the clock is Monday 30 November 2026, 09.00 in
Jakarta; Sunday 6 December is a day the special opening opens."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask

from server.models import Booking, BookingState, Service, SpecialOpening
from tests.conftest import FakeClock
from tests.factories import Hall
from tests.web.test_admin_bookings_http import at, book, enable, in_hall
from tests.web.test_admin_catalog_http import Console, service_form
from tests.web.test_admin_catalog_http import admin as admin  # fixtures, used by name
from tests.web.test_admin_hours_http import SATURDAY_TOO, confirmation, page_of

WEEKDAYS = {d: ["07:30", "16:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat")}
SUNDAY = dt.date(2026, 12, 6)


def states(app: Flask) -> dict[str, tuple[BookingState, str | None, str | None]]:
    with app.extensions["antre"].db.read() as session:
        return {
            b.code: (b.state, b.cancelled_by, b.cancel_reason)
            for b in session.query(Booking).order_by(Booking.id)
        }


def hours_of(app: Flask, service_id: int) -> dict[str, list[str]]:
    with app.extensions["antre"].db.read() as session:
        service = session.get(Service, service_id)
        assert service is not None
        return dict(service.hours)


def status_page(app: Flask, code: str) -> str:
    return page_of(app.test_client().get(f"/b/{code}"))


# --- new weekly hours ---------------------------------------------------------------------


def test_new_weekly_hours_warn_of_the_bookings_outside_them_and_cancel_them_when_ticked(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.ktp, capacity=5)
    enable(app, clock, hall.kk, capacity=5)
    evening = book(app, clock, hall.ktp, at(17, day=1))  # Tuesday 17.00: after 16.00
    sunday = book(app, clock, hall.kk, at(10, day=6), phone="0813-1111-2222")  # closed
    kept = book(app, clock, hall.kk, at(10, day=1), phone="0813-3333-4444")  # inside
    form = {"scope": str(hall.dk), **SATURDAY_TOO}

    preview = page_of(admin.post("/admin/hours", {**form, "action": "preview"}))

    assert "2 pemesanan yang belum check-in jatuh di luar jam buka yang baru" in preview
    assert "(Perekaman KTP-el: 1, Perubahan KK: 1)" in preview
    assert 'name="cancel_bookings"' in preview
    apply = {**form, "action": "apply", "confirm": confirmation(preview)}

    refused = admin.post("/admin/hours", apply)

    assert refused.status_code == 422
    assert 'class="field-error" id="cancel_bookings-error"' in page_of(refused)
    assert hours_of(app, hall.ktp)["sun"] == ["00:00", "24:00"]  # nothing saved
    assert {s[0] for s in states(app).values()} == {BookingState.BOOKED}  # nothing cancelled

    answer = admin.post("/admin/hours", {**apply, "cancel_bookings": "on"})

    assert answer.status_code == 302
    assert "sun" not in hours_of(app, hall.ktp) and "sun" not in hours_of(app, hall.kk)
    reason = "Jam layanan diubah: layanan tutup pada jam itu."
    after = states(app)
    assert after[evening] == after[sunday] == (BookingState.CANCELLED, "closure", reason)
    assert after[kept] == (BookingState.BOOKED, None, None)
    assert f"Dibatalkan oleh MPP: {reason}" in status_page(app, evening)
    listing = page_of(admin.get(answer.headers["Location"]))
    assert "2 pemesanan di luar jam layanan yang baru dibatalkan" in listing


def test_new_hours_that_keep_every_booking_ask_nothing(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.kk, capacity=5)
    kept = book(app, clock, hall.kk, at(10, day=1))
    form = {"scope": str(hall.dk), **SATURDAY_TOO}
    preview = page_of(admin.post("/admin/hours", {**form, "action": "preview"}))
    assert 'name="cancel_bookings"' not in preview

    answer = admin.post(
        "/admin/hours", {**form, "action": "apply", "confirm": confirmation(preview)}
    )

    assert answer.status_code == 302
    assert states(app)[kept][0] == BookingState.BOOKED


def test_a_booking_made_after_the_preview_makes_it_stale(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.ktp, capacity=5)
    book(app, clock, hall.ktp, at(17, day=1))
    form = {"scope": str(hall.dk), **SATURDAY_TOO}
    preview = page_of(admin.post("/admin/hours", {**form, "action": "preview"}))
    late = book(app, clock, hall.ktp, at(18, day=2), phone="0813-1111-2222")  # meanwhile

    answer = admin.post(
        "/admin/hours",
        {**form, "action": "apply", "confirm": confirmation(preview), "cancel_bookings": "on"},
    )

    assert answer.status_code == 422
    assert "2 pemesanan yang belum check-in" in page_of(answer)  # the new preview says so
    assert states(app)[late][0] == BookingState.BOOKED


# --- special openings ---------------------------------------------------------------------


def sunday_opening(app: Flask, clock: FakeClock, hall: Hall) -> tuple[int, list[str]]:
    """Disdukcapil open Monday to Saturday, and on Sunday 6 December 08.00-12.00 by a
    special opening of the hall; three bookings of that Sunday, and one of Monday."""

    def work(ctx: Any) -> int:
        for service_id in (hall.ktp, hall.kk):
            service = ctx.session.get(Service, service_id)
            service.hours = dict(WEEKDAYS)
        opening = SpecialOpening(
            date=SUNDAY, opens="08:00", closes="12:00", agency_id=None, name="Minggu layanan"
        )
        ctx.session.add(opening)
        ctx.session.flush()
        return int(opening.id)

    opening_id = in_hall(app, clock, work)
    enable(app, clock, hall.ktp, capacity=5)
    enable(app, clock, hall.kk, capacity=5)
    codes = [
        book(app, clock, hall.ktp, at(9, day=6)),
        book(app, clock, hall.ktp, at(11, day=6), phone="0813-1111-2222"),
        book(app, clock, hall.kk, at(10, 30, day=6), phone="0813-3333-4444"),
        book(app, clock, hall.kk, at(10, day=7), phone="0813-5555-6666"),
    ]
    return opening_id, codes


def test_a_special_opening_shortened_warns_then_cancels_the_bookings_after_its_new_close(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    opening_id, (nine, eleven, half_ten, monday) = sunday_opening(app, clock, hall)
    form = {
        "date": "2026-12-06",
        "scope": "hall",
        "opens": "08.00",
        "closes": "10.00",
        "name": "Minggu layanan",
    }

    warned = admin.post(f"/admin/special-openings/{opening_id}", form)

    assert warned.status_code == 422
    page = page_of(warned)
    assert "2 pemesanan yang belum check-in jatuh di luar jam buka yang baru" in page
    assert "(Perekaman KTP-el: 1, Perubahan KK: 1)" in page and 'name="cancel_bookings"' in page
    with app.extensions["antre"].db.read() as session:
        assert session.get(SpecialOpening, opening_id).closes == "12:00"  # type: ignore[union-attr]
    assert {s[0] for s in states(app).values()} == {BookingState.BOOKED}

    answer = admin.post(f"/admin/special-openings/{opening_id}", {**form, "cancel_bookings": "on"})

    assert answer.status_code == 302
    reason = "Buka khusus (Minggu layanan) diubah: layanan tutup pada jam itu."
    after = states(app)
    assert after[eleven] == after[half_ten] == (BookingState.CANCELLED, "closure", reason)
    assert after[nine][0] == after[monday][0] == BookingState.BOOKED
    assert f"Dibatalkan oleh MPP: {reason}" in status_page(app, eleven)


def test_a_special_opening_deleted_warns_then_cancels_the_bookings_it_held_open(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    opening_id, codes = sunday_opening(app, clock, hall)
    delete = f"/admin/special-openings/{opening_id}/delete"

    warned = admin.post(delete, {})

    assert warned.status_code == 422
    page = page_of(warned)
    assert 'id="delete-warning"' in page
    assert "3 pemesanan yang belum check-in hanya tertampung oleh buka khusus ini" in page
    assert "(Perekaman KTP-el: 2, Perubahan KK: 1)" in page
    with app.extensions["antre"].db.read() as session:
        assert session.get(SpecialOpening, opening_id) is not None

    answer = admin.post(delete, {"cancel_bookings": "on"})

    assert answer.status_code == 302
    with app.extensions["antre"].db.read() as session:
        assert session.get(SpecialOpening, opening_id) is None
    after = states(app)
    assert [after[code][:2] for code in codes] == [
        (BookingState.CANCELLED, "closure"),
        (BookingState.CANCELLED, "closure"),
        (BookingState.CANCELLED, "closure"),
        (BookingState.BOOKED, None),  # Monday's: its own hours hold
    ]
    reason = "Buka khusus (Minggu layanan) ditiadakan: layanan tutup pada jam itu."
    assert after[codes[0]][2] == reason  # called off, not "diubah" (changed)
    assert f"Dibatalkan oleh MPP: {reason}" in status_page(app, codes[0])


def test_a_holiday_s_warning_names_the_services_too(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.kk, capacity=5)
    enable(app, clock, hall.pkb, capacity=5)
    book(app, clock, hall.kk, at(10, day=1))
    book(app, clock, hall.kk, at(11, day=1), phone="0813-1111-2222")
    book(app, clock, hall.pkb, at(10, day=1), phone="0813-3333-4444")

    warned = admin.post("/admin/holidays", {"date": "2026-12-01", "name": "Cuti bersama"})

    assert "Ada 3 pemesanan pada hari ini (Perubahan KK: 2, Pajak kendaraan tahunan: 1)" in (
        page_of(warned)
    )


# --- one service's own hours ----------------------------------------------------------------


def test_a_service_s_own_new_hours_warn_and_cancel_the_same_way(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.kk, capacity=5)
    saturday = book(app, clock, hall.kk, at(10, day=5))  # the form opens Monday to Friday
    friday = book(app, clock, hall.kk, at(10, day=4), phone="0813-1111-2222")  # 08.00-11.00
    form = service_form(code="DK-KK", name="Perubahan KK", agency_id=str(hall.dk))

    warned = admin.post(f"/admin/services/{hall.kk}", form)

    assert warned.status_code == 422
    assert "1 pemesanan yang belum check-in jatuh di luar jam buka yang baru" in page_of(warned)
    assert "(Perubahan KK: 1)" in page_of(warned)
    assert "sat" in hours_of(app, hall.kk) and states(app)[saturday][0] == BookingState.BOOKED

    answer = admin.post(f"/admin/services/{hall.kk}", {**form, "cancel_bookings": "on"})

    assert answer.status_code == 302
    assert "sat" not in hours_of(app, hall.kk)
    reason = "Jam layanan diubah: layanan tutup pada jam itu."
    assert states(app)[saturday] == (BookingState.CANCELLED, "closure", reason)
    assert states(app)[friday][0] == BookingState.BOOKED


# --- a service or an agency deactivated ---------------------------------------------------

WITHDRAWN = "Layanan dihentikan: tidak dilayani lagi di mal ini."


def test_a_service_deactivated_warns_then_cancels_its_bookings_from_today_on(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.kk, capacity=5)
    enable(app, clock, hall.pkb, capacity=5)
    begun = book(app, clock, hall.kk, at(10))  # its slot has begun when the form is sent
    thursday = book(app, clock, hall.kk, at(10, day=3), phone="0813-1111-2222")
    other = book(app, clock, hall.pkb, at(10, day=1), phone="0813-3333-4444")
    clock.set(at(10, 5))
    form = service_form(code="DK-KK", name="Perubahan KK", agency_id=str(hall.dk), active=None)

    warned = admin.post(f"/admin/services/{hall.kk}", form)

    assert warned.status_code == 422
    page = page_of(warned)
    assert "2 pemesanan yang belum check-in, dari hari ini ke depan, tidak dapat dilayani" in page
    assert "(Perubahan KK: 2)" in page and 'name="cancel_bookings"' in page
    with app.extensions["antre"].db.read() as session:
        assert session.get(Service, hall.kk).active  # type: ignore[union-attr]
    assert {s[0] for s in states(app).values()} == {BookingState.BOOKED}

    answer = admin.post(f"/admin/services/{hall.kk}", {**form, "cancel_bookings": "on"})

    assert answer.status_code == 302
    after = states(app)
    assert after[begun] == after[thursday] == (BookingState.CANCELLED, "closure", WITHDRAWN)
    assert after[other] == (BookingState.BOOKED, None, None)
    assert f"Dibatalkan oleh MPP: {WITHDRAWN}" in status_page(app, thursday)
    listing = page_of(admin.get(answer.headers["Location"]))
    assert "2 pemesanan yang tidak dapat dilayani lagi dibatalkan" in listing


def test_an_inactive_service_saved_again_asks_nothing(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    form = service_form(code="DK-KK", name="Perubahan KK", agency_id=str(hall.dk), active=None)
    assert admin.post(f"/admin/services/{hall.kk}", form).status_code == 302

    assert admin.post(f"/admin/services/{hall.kk}", form).status_code == 302


def test_an_agency_deactivated_warns_then_cancels_its_services_bookings(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.pkb, capacity=5)
    enable(app, clock, hall.kk, capacity=5)
    samsat = book(app, clock, hall.pkb, at(11, day=2))
    disdukcapil = book(app, clock, hall.kk, at(11, day=2))
    form = {"name": "Samsat", "short_name": "Samsat", "colour": "#b45f06", "position": "2"}

    warned = admin.post(f"/admin/agencies/{hall.sm}", form)

    assert warned.status_code == 422
    page = page_of(warned)
    assert "1 pemesanan yang belum check-in, dari hari ini ke depan" in page
    assert "(Pajak kendaraan tahunan: 1)" in page and 'name="cancel_bookings"' in page
    assert states(app)[samsat][0] == BookingState.BOOKED

    answer = admin.post(f"/admin/agencies/{hall.sm}", {**form, "cancel_bookings": "on"})

    assert answer.status_code == 302
    after = states(app)
    assert after[samsat] == (BookingState.CANCELLED, "closure", WITHDRAWN)
    assert after[disdukcapil] == (BookingState.BOOKED, None, None)
    assert f"Dibatalkan oleh MPP: {WITHDRAWN}" in status_page(app, samsat)


def test_an_active_agency_saved_asks_nothing(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.pkb, capacity=5)
    kept = book(app, clock, hall.pkb, at(11, day=2))
    form = {"name": "Samsat", "short_name": "Samsat", "colour": "#b45f06", "position": "2"}

    answer = admin.post(f"/admin/agencies/{hall.sm}", {**form, "active": "on"})

    assert answer.status_code == 302
    assert states(app)[kept][0] == BookingState.BOOKED
