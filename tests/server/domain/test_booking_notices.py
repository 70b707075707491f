"""Notices about bookings (server/domain/notices/booking_triggers.py, booking_opt_in.py):
the confirmation at booking with consent, the reminders the day before and an hour
before, the hall's cancellation, and the consent carried to the ticket at check-in. The
clock starts on Monday 30 November 2026, 09.00 in Jakarta; the hall opens round the
clock."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from server.domain import admin_bookings, bookings
from server.domain.access import Principal
from server.domain.notices import booking_opt_in, opt_in
from server.domain.notices.booking_triggers import CONFIRMED_DEADLINE, queue_due_reminders
from server.models import Booking, Notice, NoticeState, NoticeSubscription, Role
from shared.booking_code import shown
from tests.factories import Hall
from tests.server.domain.test_bookings import KEY, at, enable
from tests.server.domain.test_notice_triggers import BASE, ctx, link_base  # noqa: F401 (fixtures)

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk

SECRET = "the test hall's secret, long enough"


@pytest.fixture
def kk(desk: Desk) -> int:
    enable(desk, desk.hall.kk, slot_minutes=60, capacity=4)
    return desk.hall.kk


def book(desk: Desk, slot: dt.datetime, channel: str | None = "whatsapp", **who: Any) -> Booking:
    request = bookings.BookingRequest(
        service_id=desk.hall.kk,
        slot_start=slot,
        name="Siti Rahmawati",
        phone=who.pop("phone", "0812-3456-7890"),
        notice_channel=channel,
        **who,
    )
    return bookings.book(desk.ctx(None), request, KEY).booking


def notices(desk: Desk, kind: str | None = None) -> list[Notice]:
    desk.session.flush()
    query = select(Notice).order_by(Notice.id)
    if kind is not None:
        query = query.where(Notice.kind == kind)
    return list(desk.session.scalars(query))


def remind(desk: Desk, when: dt.datetime) -> int:
    desk.clock.set(when)
    return queue_due_reminders(desk.ctx(None))


def test_consent_at_booking_keeps_the_bookings_number_and_queues_one_confirmation(
    desk: Desk, kk: int
) -> None:
    booking = book(desk, at(1, 10))
    [row] = desk.session.scalars(select(NoticeSubscription)).all()
    assert (row.booking_id, row.ticket_id) == (booking.id, None)
    assert (row.channel, row.address, row.language) == ("whatsapp", "+6281234567890", "id")
    [notice] = notices(desk)
    assert notice.kind == "booking_confirmed"
    assert notice.body == (
        f"Booking {shown(booking.code)} tercatat: Perubahan KK, Selasa, 1 Desember 2026 "
        f"pukul 10.00. Check-in di kios dengan kode atau QR di halaman ini: "
        f"{BASE}/b/{booking.code}"
    )
    assert notice.deadline - notice.created_at == CONFIRMED_DEADLINE
    assert "0812" not in notice.body and "Siti" not in notice.body


def test_an_english_booking_is_confirmed_in_english(desk: Desk, kk: int) -> None:
    book(desk, at(1, 10), language="en")
    [notice] = notices(desk)
    assert notice.body is not None
    assert notice.body.startswith("Booking ") and "Tuesday, 1 December 2026 at 10:00" in notice.body


def test_without_consent_nothing_is_kept_or_queued(desk: Desk, kk: int) -> None:
    book(desk, at(1, 10), channel=None)
    assert remind(desk, at(0, 16)) == 0
    assert desk.session.scalars(select(NoticeSubscription)).all() == []
    assert notices(desk) == []


def test_with_no_channel_configured_the_box_keeps_nothing(
    desk: Desk,
    kk: int,
    link_base: dict[str, str | None],  # noqa: F811
) -> None:
    link_base["base"] = None
    book(desk, at(1, 10))
    assert remind(desk, at(0, 16)) == 0
    assert desk.session.scalars(select(NoticeSubscription)).all() == []


def test_the_day_reminder_is_queued_once_from_16_the_day_before(desk: Desk, kk: int) -> None:
    booking = book(desk, at(1, 10))
    assert remind(desk, at(0, 15, 59)) == 0
    assert remind(desk, at(0, 16)) == 1
    assert remind(desk, at(0, 16, 1)) == 0  # the job's next round: the same event
    [notice] = notices(desk, "booking_reminder_day")
    assert notice.body is not None and notice.body.startswith(
        f"Pengingat: booking {shown(booking.code)} besok, Selasa, 1 Desember 2026 pukul 10.00"
    )
    assert notice.deadline == at(0, 21)


def test_a_day_reminder_not_queued_by_the_evening_is_never_queued(desk: Desk, kk: int) -> None:
    book(desk, at(1, 10))
    assert remind(desk, at(0, 21)) == 0  # the server was down from 15.00 to 21.00
    assert notices(desk, "booking_reminder_day") == []


def test_the_hour_reminder_is_queued_an_hour_before_and_never_after_the_start(
    desk: Desk, kk: int
) -> None:
    book(desk, at(1, 10))
    assert remind(desk, at(1, 8, 59)) == 0
    assert remind(desk, at(1, 9)) == 1
    [notice] = notices(desk, "booking_reminder_hour")
    assert "mulai pukul 10.00" in (notice.body or "") and notice.deadline == at(1, 10)

    book(desk, at(1, 14), phone="0813-1111-2222")
    assert remind(desk, at(1, 14)) == 0  # the job missed 13.00-14.00: too late now
    assert len(notices(desk, "booking_reminder_hour")) == 1


def test_a_booking_made_after_a_reminders_time_gets_the_confirmation_instead(
    desk: Desk, kk: int
) -> None:
    desk.clock.set(at(0, 18))
    book(desk, at(1, 10))
    assert remind(desk, at(0, 18, 1)) == 0
    assert remind(desk, at(1, 9)) == 1
    assert [n.kind for n in notices(desk)] == ["booking_confirmed", "booking_reminder_hour"]


def test_after_stop_no_reminder_and_the_queued_ones_fail(desk: Desk, kk: int) -> None:
    booking = book(desk, at(1, 10))
    assert booking_opt_in.stop_booking(desk.session, booking.id, desk.clock()) == 1
    [confirmation] = notices(desk)
    assert (confirmation.state, confirmation.reason) == (NoticeState.FAILED, "unsubscribed")
    assert remind(desk, at(0, 16)) == 0 and remind(desk, at(1, 9)) == 0


def test_the_visitors_own_cancellation_fails_what_is_queued_and_says_nothing(
    desk: Desk, kk: int
) -> None:
    booking = book(desk, at(1, 10))
    remind(desk, at(0, 16))
    bookings.cancel(desk.ctx(None), booking, by="visitor")
    assert [(n.kind, n.state, n.reason) for n in notices(desk)] == [
        ("booking_confirmed", NoticeState.FAILED, "cancelled"),
        ("booking_reminder_day", NoticeState.FAILED, "cancelled"),
    ]
    assert remind(desk, at(1, 9)) == 0


def test_a_cancellation_by_staff_is_told_once_with_the_status_link(
    desk: Desk, kk: int, hall: Hall
) -> None:
    booking = book(desk, at(1, 10))
    admin = desk.ctx("admin")
    principal = admin_principal(desk, hall)
    admin_bookings.cancel_by_staff(admin, principal, booking.id, "Petugas sakit")
    [told] = notices(desk, "booking_cancelled")
    assert told.body == (
        f"Mohon maaf, booking {shown(booking.code)} (Perubahan KK, Selasa, 1 Desember 2026 "
        f"pukul 10.00) dibatalkan oleh MPP. Alasannya, dan booking jam lain: "
        f"{BASE}/b/{booking.code}"
    )
    assert told.deadline == at(1, 11)
    assert remind(desk, at(1, 9)) == 0


def test_a_closure_tells_each_subscribed_booking(desk: Desk, kk: int) -> None:
    first = book(desk, at(1, 10))
    book(desk, at(1, 11), channel=None, phone="0813-1111-2222")
    cancelled = bookings.cancel_for_closure(desk.ctx(None), at(1, 0).date(), "Libur")
    assert cancelled == 2
    [told] = notices(desk, "booking_cancelled")
    assert shown(first.code) in (told.body or "")


def test_check_in_carries_the_consent_to_the_ticket_so_the_call_reaches_the_visitor(
    desk: Desk, kk: int, hall: Hall
) -> None:
    booking = book(desk, at(1, 10))
    remind(desk, at(1, 9))
    desk.clock.set(at(1, 9, 30))
    ticket = bookings.check_in(desk.ctx(None), booking.code).issued.ticket
    [hour] = notices(desk, "booking_reminder_hour")
    assert (hour.state, hour.reason) == (NoticeState.FAILED, "checked in")
    [carried] = opt_in.active_for_ticket(desk.session, ticket.id)
    assert (carried.channel, carried.address) == ("whatsapp", "+6281234567890")
    desk.open(hall.c1)
    assert desk.next(hall.c1) is not None
    [called] = notices(desk, "called")
    assert called.subscription_id == carried.id
    assert remind(desk, at(1, 9, 31)) == 0  # checked in: no reminder


def test_a_move_fails_the_old_slots_reminder_and_the_new_slot_is_reminded(
    desk: Desk, kk: int
) -> None:
    made = bookings.book(
        desk.ctx(None),
        bookings.BookingRequest(
            service_id=kk, slot_start=at(1, 10), name="Siti", phone="0812-3456-7890",
            notice_channel="whatsapp",
        ),
        KEY,
    )  # fmt: skip
    remind(desk, at(0, 16))
    desk.clock.set(at(0, 17))
    bookings.reschedule(desk.ctx(None), made.booking.code, made.manage_secret, at(2, 10), KEY)
    [old] = notices(desk, "booking_reminder_day")
    assert (old.state, old.reason) == (NoticeState.FAILED, "rescheduled")
    assert remind(desk, at(1, 16)) == 1
    assert len(notices(desk, "booking_reminder_day")) == 2


def test_telegram_binds_to_a_booking_by_its_own_payload_only(desk: Desk, kk: int) -> None:
    booking = book(desk, at(1, 10), channel=None)
    payload = opt_in.booking_start_payload(SECRET, booking.id, "id")
    assert payload.startswith(f"b{booking.id}-id_") and len(payload) <= 64
    ticket_payload = opt_in.start_payload(SECRET, booking.id, "id")
    forged = "b" + ticket_payload[1:]  # a ticket's MAC with a booking's prefix
    now = desk.clock()
    assert opt_in.bind_telegram(desk.session, SECRET, forged, "555", now, BASE) is None
    row = opt_in.bind_telegram(desk.session, SECRET, payload, "555", now, BASE)
    assert row is not None and (row.booking_id, row.channel) == (booking.id, "telegram")
    assert opt_in.bind_telegram(desk.session, SECRET, payload, "555", now, BASE) is row
    [confirmation] = notices(desk)
    assert confirmation.kind == "subscribed" and f"{BASE}/b/{booking.code}" in (
        confirmation.body or ""
    )
    assert remind(desk, at(0, 16)) == 1  # the bound chat is reminded like a phone


def test_a_booking_bound_from_the_english_status_page_is_confirmed_in_english(
    desk: Desk, kk: int
) -> None:
    booking = book(desk, at(1, 10), channel=None)  # made on the Indonesian page
    payload = opt_in.booking_start_payload(SECRET, booking.id, "en")
    row = opt_in.bind_telegram(desk.session, SECRET, payload, "555", desk.clock(), BASE)
    assert row is not None and row.language == "en"
    [confirmation] = notices(desk)
    assert (confirmation.body or "").startswith(f"Notices for booking {shown(booking.code)}")
    assert f"{BASE}/b/{booking.code}" in (confirmation.body or "")


def test_a_booking_link_made_before_the_language_was_carried_binds_in_the_bookings_own(
    desk: Desk, kk: int
) -> None:
    booking = book(desk, at(1, 10), channel=None, language="en")
    row = opt_in.bind_telegram(
        desk.session, SECRET, old_payload(SECRET, "b", booking.id), "555", desk.clock(), BASE
    )
    assert row is not None and row.language == "en"


def old_payload(secret: str, prefix: str, number: int) -> str:
    """A deep link's payload as this server made them before the page's language rode
    along (``t<id>_<mac>``): links already given out must keep working."""
    key = hmac.new(secret.encode(), b"antre telegram start payload v1", hashlib.sha256).digest()
    message = str(number) if prefix == "t" else f"{prefix}{number}"
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return f"{prefix}{number}_{base64.urlsafe_b64encode(digest[:16]).decode().rstrip('=')}"


def admin_principal(desk: Desk, hall: Hall) -> Principal:
    return Principal(kind="user", id=hall.users["admin"], role=Role.ADMIN)
