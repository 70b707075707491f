"""The console's booking pages over plain HTTP (in-process): a service's booking settings
and bands, the day's bookings as staff see them (phone masked, never the NIK), a staff
cancellation with its reason, the CSV, and the supervisor's agency bound. The test hall
opens round the clock; the clock is Monday 30 November 2026, 09.00 in Jakarta."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from server.domain import bookings
from server.domain.context import SYSTEM, Ctx
from server.domain.identity import PersonalDataKey
from server.domain.settings import load_settings
from server.models import (
    Booking,
    BookingBand,
    BookingSettings,
    BookingState,
    Holiday,
    SpecialOpening,
)
from shared.states import BookingQueueRule, LateCheckIn
from tests.conftest import JAKARTA, FakeClock
from tests.factories import Hall
from tests.web.test_admin_catalog_http import Console

KEY = PersonalDataKey.from_secret("the console test's secret, long enough")
NIK = "3603121205850001"


@pytest.fixture
def admin(app: Flask) -> Console:
    return Console(app.test_client()).log_in("admin")


@pytest.fixture
def supervisor(app: Flask) -> Console:
    return Console(app.test_client()).log_in("sup.dk")


def at(hour: int, minute: int = 0, day: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 30, hour, minute, tzinfo=JAKARTA) + dt.timedelta(days=day)


def in_hall(app: Flask, clock: FakeClock, work: Any) -> Any:
    with app.extensions["antre"].db.write() as session:
        return work(Ctx(session, clock(), load_settings(session), SYSTEM))


def enable(app: Flask, clock: FakeClock, service_id: int, **settings: Any) -> None:
    def work(ctx: Ctx) -> None:
        ctx.session.merge(BookingSettings(service_id=service_id, enabled=True, **settings))

    in_hall(app, clock, work)


def book(app: Flask, clock: FakeClock, service_id: int, slot: dt.datetime, **who: Any) -> str:
    request = bookings.BookingRequest(
        service_id=service_id,
        slot_start=slot,
        name=who.pop("name", "Siti Rahmawati"),
        phone=who.pop("phone", "0812-3456-7890"),
        **who,
    )
    return str(in_hall(app, clock, lambda ctx: bookings.book(ctx, request, KEY).booking.code))


def settings_form(**changes: Any) -> dict[str, Any]:
    form = {
        "enabled": "on",
        "days_ahead": "14",
        "slot_minutes": "20",
        "capacity": "",
        "online_share": "50",
        "cutoff_minutes": "60",
        "check_in_before_minutes": "30",
        "check_in_after_minutes": "10",
        "late": "refuse",
        "queue_rule": "due_first",
        "nik_required": "on",
        "band_starts_0": "07.30",
        "band_ends_0": "09.00",
        "band_quota_0": "20",
        "band_starts_1": "09:00",
        "band_ends_1": "11.30",
        "band_quota_1": "300",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def stored(
    app: Flask, service_id: int
) -> tuple[BookingSettings | None, list[tuple[str, str, int]]]:
    with app.extensions["antre"].db.read() as session:
        row = session.get(BookingSettings, service_id)
        if row is not None:
            session.expunge(row)
        bands = [
            (b.starts, b.ends, b.quota)
            for b in session.query(BookingBand)
            .filter_by(service_id=service_id)
            .order_by(BookingBand.starts)
        ]
        return row, bands


def test_the_admin_sets_a_services_bookings_and_its_bands(
    admin: Console, app: Flask, hall: Hall
) -> None:
    page = admin.get(f"/admin/bookings/services/{hall.ktp}").get_data(as_text=True)
    # Not set yet: the defaults, with the derived places and the default rule marked.
    assert 'name="days_ahead"' in page and 'value="7"' in page
    assert "Sesuai jam slot (bawaan)" in page
    answer = admin.post(f"/admin/bookings/services/{hall.ktp}", settings_form())
    assert answer.status_code == 302, answer.get_data(as_text=True)
    row, bands = stored(app, hall.ktp)
    assert row is not None and row.enabled and row.days_ahead == 14 and row.slot_minutes == 20
    assert row.capacity is None and row.online_share == 0.5 and row.cutoff_minutes == 60
    assert (row.check_in_before_minutes, row.check_in_after_minutes) == (30, 10)
    assert row.late == LateCheckIn.REFUSE and row.queue_rule == BookingQueueRule.DUE_FIRST
    assert row.nik_required
    assert bands == [("07:30", "09:00", 20), ("09:00", "11:30", 300)]
    # Saved again without the second band and with a capacity: the band goes.
    admin.post(
        f"/admin/bookings/services/{hall.ktp}",
        settings_form(capacity="4", band_starts_1="", band_ends_1="", band_quota_1=""),
    )
    row, bands = stored(app, hall.ktp)
    assert row is not None and row.capacity == 4 and bands == [("07:30", "09:00", 20)]
    listing = admin.get("/admin/bookings").get_data(as_text=True)
    assert "DK-KTP" in listing


def test_the_settings_form_shows_the_places_the_counters_give(admin: Console, hall: Hall) -> None:
    # DK-KK: Loket 1 (half its time) and Loket 2, 10 minutes a visit: 1.5 x 30 / 10 x 0.3
    # = 1.35 -> 1 place; at 100 % online 4.
    page = admin.get(f"/admin/bookings/services/{hall.kk}").get_data(as_text=True)
    assert "kini 1 tempat per slot" in page
    admin.post(
        f"/admin/bookings/services/{hall.kk}", settings_form(online_share="100", slot_minutes="30")
    )
    page = admin.get(f"/admin/bookings/services/{hall.kk}").get_data(as_text=True)
    assert "kini 4 tempat per slot" in page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"slot_minutes": "0"}, "slot_minutes"),
        ({"online_share": "150"}, "online_share"),
        ({"queue_rule": "first_come"}, "queue_rule"),
        ({"late": "maybe"}, "late"),
        ({"band_starts_0": "9", "band_ends_0": "x"}, "band_0"),
        ({"band_quota_0": "0"}, "band_quota_0"),
        ({"band_starts_1": "08:00"}, "bands"),  # overlaps 07.30-09.00
        ({"days_ahead": "banyak"}, "days_ahead"),
    ],
)
def test_a_wrong_setting_is_shown_beside_its_field_and_nothing_is_saved(
    admin: Console, app: Flask, hall: Hall, changes: dict[str, str], field: str
) -> None:
    answer = admin.post(f"/admin/bookings/services/{hall.ktp}", settings_form(**changes))
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert f'id="{field}-error"' in page or 'class="has-error"' in page
    assert stored(app, hall.ktp) == (None, [])


def test_a_supervisor_sets_their_agencys_services_only(supervisor: Console, hall: Hall) -> None:
    assert supervisor.get(f"/admin/bookings/services/{hall.ktp}").status_code == 200
    assert supervisor.get(f"/admin/bookings/services/{hall.pkb}").status_code == 403
    answer = supervisor.post(f"/admin/bookings/services/{hall.pkb}", settings_form())
    assert answer.status_code == 403


def test_the_days_list_masks_the_phone_never_shows_the_nik_and_counts_per_slot(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.kk, online_share=1.0, nik_required=True)
    enable(app, clock, hall.pkb)
    first = book(app, clock, hall.kk, at(11), nik=NIK)
    book(app, clock, hall.kk, at(11), name="Budi", phone="0813-1111-2222", nik="3603124512900002")
    book(app, clock, hall.pkb, at(13), name="Wayan", phone="0857-3333-4444")
    page = admin.get("/admin/bookings?day=2026-11-30").get_data(as_text=True)
    assert "+62 812-****-7890" in page and "Siti Rahmawati" in page
    assert "3456-7890" not in page.replace("****-7890", "")
    assert NIK not in page and "0001" not in page
    assert f"{first[:4]}-{first[4:]}" in page
    # 11.00 DK-KK: two booked; 13.00 SM-PKB: one.
    slots = page.split('id="slot-counts"')[1].split("</table>")[0]
    assert slots.count("<tr>") == 3  # the head and two slots
    assert "11.00</td><td>DK-KK</td>" in slots and "13.00</td><td>SM-PKB</td>" in slots
    # Another day has none.
    assert "Tidak ada pemesanan" in admin.get("/admin/bookings?day=2026-12-01").get_data(
        as_text=True
    )


def test_a_supervisor_sees_only_their_agencys_bookings(
    supervisor: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.kk)
    enable(app, clock, hall.pkb)
    book(app, clock, hall.kk, at(11))
    wayan = book(app, clock, hall.pkb, at(13), name="Wayan", phone="0857-3333-4444")
    page = supervisor.get("/admin/bookings?day=2026-11-30&agency=" + str(hall.sm))
    text = page.get_data(as_text=True)
    assert "Siti Rahmawati" in text and "Wayan" not in text and wayan not in text
    csv_text = supervisor.get("/admin/bookings.csv?day=2026-11-30").get_data(as_text=True)
    assert "DK-KK" in csv_text and "SM-PKB" not in csv_text


def test_staff_cancel_a_booking_with_a_reason_the_visitor_can_read(
    supervisor: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.kk)
    code = book(app, clock, hall.kk, at(11))
    with app.extensions["antre"].db.read() as session:
        booking_id = session.query(Booking.id).filter_by(code=code).scalar()
    no_reason = supervisor.post(f"/admin/bookings/{booking_id}/cancel", {"reason": " "})
    assert no_reason.status_code == 302
    with app.extensions["antre"].db.read() as session:
        assert session.get(Booking, booking_id).state == BookingState.BOOKED
    answer = supervisor.post(
        f"/admin/bookings/{booking_id}/cancel",
        {"reason": "Petugas perekaman sakit", "day": "2026-11-30"},
    )
    assert answer.status_code == 302 and "day=2026-11-30" in answer.headers["Location"]
    with app.extensions["antre"].db.read() as session:
        booking = session.get(Booking, booking_id)
        assert booking.state == BookingState.CANCELLED and booking.cancelled_by == "staff"
        assert booking.cancel_reason == "Petugas perekaman sakit"
    page = supervisor.get("/admin/bookings?day=2026-11-30").get_data(as_text=True)
    assert "Dibatalkan" in page and "Petugas perekaman sakit" in page
    # Cancelled already: said so, not a 500.
    again = supervisor.post(f"/admin/bookings/{booking_id}/cancel", {"reason": "lagi"})
    assert again.status_code == 302


def test_a_supervisor_cannot_cancel_another_agencys_booking(
    supervisor: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.pkb)
    code = book(app, clock, hall.pkb, at(13))
    with app.extensions["antre"].db.read() as session:
        booking_id = session.query(Booking.id).filter_by(code=code).scalar()
    answer = supervisor.post(f"/admin/bookings/{booking_id}/cancel", {"reason": "salah"})
    assert answer.status_code == 403
    assert supervisor.post("/admin/bookings/999999/cancel", {"reason": "x"}).status_code == 404


def test_the_csv_has_the_masked_phone_and_no_nik(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.kk, nik_required=True)
    code = book(app, clock, hall.kk, at(11), name="=HYPERLINK(1)", nik=NIK)
    answer = admin.get("/admin/bookings.csv?day=2026-11-30")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "bookings-2026-11-30.csv" in answer.headers["Content-Disposition"]
    lines = answer.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("code,service,slot_start,state,name,phone_masked")
    assert lines[1].startswith(f"{code},DK-KK,2026-11-30T11:00+07:00,booked,'=HYPERLINK(1)")
    assert "+62 812-****-7890" in lines[1]
    assert NIK not in answer.get_data(as_text=True) and "0001" not in lines[1]


def test_the_settings_page_shows_the_booking_penalty_settings(admin: Console) -> None:
    page = admin.get("/admin/settings").get_data(as_text=True)
    assert "Batas tidak hadir" in page and 'name="booking_no_show_limit"' in page
    assert "Lama blokir (hari)" in page and 'name="booking_block_days"' in page


# --- closures ---------------------------------------------------------------------------


def holidays_on(app: Flask, day: dt.date) -> list[str]:
    with app.extensions["antre"].db.read() as session:
        return [h.name for h in session.query(Holiday).filter_by(date=day)]


def test_a_holiday_on_a_day_with_bookings_warns_with_their_count_then_cancels_them(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.kk)
    enable(app, clock, hall.pkb)
    codes = [
        book(app, clock, hall.kk, at(10, day=1)),
        book(app, clock, hall.pkb, at(14, day=1), phone="0813-1111-2222"),
    ]
    book(app, clock, hall.kk, at(10, day=2))  # another day: untouched
    form = {"date": "2026-12-01", "name": "Cuti bersama"}
    warned = admin.post("/admin/holidays", form)
    assert warned.status_code == 422
    page = warned.get_data(as_text=True)
    assert "Ada 2 pemesanan pada hari ini" in page and 'name="cancel_bookings"' in page
    assert holidays_on(app, dt.date(2026, 12, 1)) == []  # nothing saved, nothing cancelled
    answer = admin.post("/admin/holidays", {**form, "cancel_bookings": "on"})
    assert answer.status_code == 302
    assert holidays_on(app, dt.date(2026, 12, 1)) == ["Cuti bersama"]
    with app.extensions["antre"].db.read() as session:
        states = {
            b.code: (b.state, b.cancelled_by, b.cancel_reason)
            for b in session.query(Booking).order_by(Booking.id)
        }
    for code in codes:
        assert states[code] == (BookingState.CANCELLED, "closure", "Hari libur: Cuti bersama.")
    assert sorted(s[0] for s in states.values()) == [
        BookingState.BOOKED,
        BookingState.CANCELLED,
        BookingState.CANCELLED,
    ]
    listing = admin.get("/admin/holidays?year=2026").get_data(as_text=True)
    assert "2 pemesanan pada hari itu dibatalkan" in listing


def test_a_holiday_spares_the_bookings_a_special_opening_still_covers(
    admin: Console, app: Flask, clock: FakeClock, hall: Hall
) -> None:
    enable(app, clock, hall.kk)
    enable(app, clock, hall.pkb)
    in_hall(
        app,
        clock,
        lambda ctx: ctx.session.add(
            SpecialOpening(
                date=dt.date(2026, 12, 1),
                opens="08:00",
                closes="12:00",
                agency_id=hall.sm,
                name="Samsat keliling",
            )
        ),
    )
    book(app, clock, hall.pkb, at(10, day=1))  # inside Samsat's special opening: kept
    book(app, clock, hall.pkb, at(14, day=1), phone="0813-1111-2222")  # after it: cancelled
    warned = admin.post("/admin/holidays", {"date": "2026-12-01", "name": "Cuti bersama"})
    assert "Ada 1 pemesanan pada hari ini" in warned.get_data(as_text=True)


def test_a_holiday_on_a_day_without_bookings_is_added_at_once(admin: Console, app: Flask) -> None:
    answer = admin.post("/admin/holidays", {"date": "2026-12-25", "name": "Natal"})
    assert answer.status_code == 302
    assert holidays_on(app, dt.date(2026, 12, 25)) == ["Natal"]
