"""Bookings in the domain: what a day offers, taking a place, the check-in at the hall and
what becomes of bookings nobody kept (docs/booking.md). The test hall opens round the
clock; the clock starts on Monday 30 November 2026, 09.00 in Jakarta."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import select

from server.domain import bookings
from server.domain.booking_rules import BookingRules, counters_lent, slot_capacity
from server.domain.errors import DomainError
from server.domain.identity import PersonalDataKey
from server.models import (
    BookingBand,
    BookingEvent,
    BookingQueueRule,
    BookingSettings,
    BookingState,
    Holiday,
    LateCheckIn,
    Service,
    TicketSource,
    TicketState,
)
from shared.errors import ErrorCode
from tests.conftest import JAKARTA, FakeClock

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk

KEY = PersonalDataKey.from_secret("the test hall's secret, long enough")
PHONE = "0812-3456-7890"


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time in Jakarta in the week of the test (30 November 2026 is a Monday)."""
    return dt.datetime(2026, 11, 30, hour, minute, tzinfo=JAKARTA) + dt.timedelta(days=day)


def enable(desk: Desk, service_id: int, **settings: Any) -> BookingSettings:
    row = BookingSettings(service_id=service_id, enabled=True, **settings)
    desk.session.merge(row)
    desk.session.flush()
    return row


def book(desk: Desk, service_id: int, slot: dt.datetime, **who: Any) -> bookings.Made:
    request = bookings.BookingRequest(
        service_id=service_id,
        slot_start=slot,
        name=who.pop("name", "Siti Rahmawati"),
        phone=who.pop("phone", PHONE),
        **who,
    )
    return bookings.book(desk.ctx(None), request, KEY)


def refused(call: Any, *args: Any, **kwargs: Any) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


# --- slots and places ----------------------------------------------------------------------


def test_a_counter_serving_two_services_lends_each_half_its_time() -> None:
    serving = [(1, frozenset({10, 11})), (2, frozenset({11}))]
    assert counters_lent(serving) == 1.5
    # 1.5 counters x 30 min / 10 min = 4.5 visits a slot; 30 % online: 1 place.
    assert slot_capacity(BookingRules(enabled=True), 1.5, 10) == 1
    assert slot_capacity(BookingRules(enabled=True, online_share=1.0), 1.5, 10) == 4
    assert slot_capacity(BookingRules(enabled=True, capacity=7), 1.5, 10) == 7
    assert slot_capacity(BookingRules(enabled=True), 0, 10) == 0  # nobody serves it


def test_a_day_is_cut_into_slots_with_the_places_left(desk: Desk) -> None:
    enable(desk, desk.hall.kk, slot_minutes=60, online_share=1.0)
    service = desk.service(desk.hall.kk)  # Loket 1 (half) and Loket 2: 1.5 counters
    day = bookings.offer(desk.ctx(), service, at(1, 0).date())
    assert day.status == "open" and len(day.slots) == 24
    first = day.slots[0]
    assert first.slot.start == at(1, 0) and first.left == 9  # 1.5 x 60 / 10
    book(desk, desk.hall.kk, at(1, 10))
    ten = next(
        s
        for s in bookings.offer(desk.ctx(), service, at(1, 0).date()).slots
        if s.slot.start == at(1, 10)
    )
    assert ten.left == 8


def test_today_offers_only_what_starts_after_the_cut_off(desk: Desk) -> None:
    enable(desk, desk.hall.kk, cutoff_minutes=30)
    day = bookings.offer(desk.ctx(), desk.service(desk.hall.kk), at(0, 0).date())
    open_slots = [o.slot.start for o in day.slots if o.open]
    assert open_slots[0] == at(0, 9, 30)  # 09.00 now: 09.00 is inside the cut-off
    assert refused(book, desk, desk.hall.kk, at(0, 9)).code == ErrorCode.BOOKING_CLOSED


def test_days_beyond_the_window_holidays_and_services_without_bookings_are_not_offered(
    desk: Desk,
) -> None:
    enable(desk, desk.hall.kk, days_ahead=3)
    desk.session.add(Holiday(date=at(2, 0).date(), name="Hari libur"))
    desk.session.flush()
    ctx, kk = desk.ctx(), desk.service(desk.hall.kk)
    assert bookings.offer(ctx, kk, at(4, 0).date()).status == "not_offered"
    assert bookings.offer(ctx, kk, at(2, 0).date()).status == "holiday"
    assert bookings.offer(ctx, desk.service(desk.hall.ktp), at(1, 0).date()).status == "not_offered"
    assert refused(book, desk, desk.hall.kk, at(2, 10)).code == ErrorCode.BOOKING_CLOSED
    assert refused(book, desk, desk.hall.ktp, at(1, 10)).code == ErrorCode.BOOKING_CLOSED


def test_a_time_that_is_not_a_slot_is_refused(desk: Desk) -> None:
    enable(desk, desk.hall.kk)
    assert refused(book, desk, desk.hall.kk, at(1, 10, 7)).code == ErrorCode.VALIDATION_ERROR


# --- taking a place ------------------------------------------------------------------------


def test_a_booking_keeps_the_person_only_as_the_hall_may(desk: Desk) -> None:
    enable(desk, desk.hall.kk, nik_required=True)
    made = book(desk, desk.hall.kk, at(1, 10), nik="3603121708900001")
    booking = made.booking
    assert len(booking.code) == 8 and booking.state == BookingState.BOOKED
    assert booking.phone == "+6281234567890" and booking.nik_last4 == "0001"
    assert booking.nik_cipher is not None and "3603121708900001" not in booking.nik_cipher
    assert KEY.decrypt(booking.nik_cipher) == "3603121708900001"
    assert made.manage_secret not in booking.manage_hash
    events = desk.session.scalars(select(BookingEvent).where(BookingEvent.booking_id == booking.id))
    assert [e.kind for e in events] == ["booked"]


@pytest.mark.parametrize(
    ("who", "field"),
    [
        ({"name": "  "}, "name"),
        ({"name": "Siti\x07"}, "name"),
        ({"phone": "021 555 1234"}, "phone"),
        ({"nik": "123"}, "nik"),
        ({"nik": None}, "nik"),
    ],
)
def test_who_books_is_checked_field_by_field(desk: Desk, who: dict[str, Any], field: str) -> None:
    enable(desk, desk.hall.kk, nik_required=True)
    who.setdefault("nik", "3603121708900001")
    problem = refused(book, desk, desk.hall.kk, at(1, 10), **who)
    assert problem.code == ErrorCode.VALIDATION_ERROR and problem.details["field"] == field


def test_the_last_place_of_a_slot_is_taken_once(desk: Desk) -> None:
    enable(desk, desk.hall.kk, capacity=2)
    book(desk, desk.hall.kk, at(1, 10), phone="081111111111")
    book(desk, desk.hall.kk, at(1, 10), phone="081222222222")
    assert refused(book, desk, desk.hall.kk, at(1, 10), phone="081333333333").code == (
        ErrorCode.SLOT_FULL
    )


def test_one_active_booking_per_phone_and_per_nik_per_service_and_day(desk: Desk) -> None:
    enable(desk, desk.hall.kk, nik_required=True)
    nik = "3603121708900001"
    first = book(desk, desk.hall.kk, at(1, 10), nik=nik)
    again = refused(
        book, desk, desk.hall.kk, at(1, 14), phone="+62 812 3456 7890", nik="3603121708900002"
    )
    assert again.code == ErrorCode.DUPLICATE_BOOKING
    same_nik = refused(book, desk, desk.hall.kk, at(1, 14), phone="081299999999", nik=nik)
    assert same_nik.code == ErrorCode.DUPLICATE_BOOKING
    book(desk, desk.hall.kk, at(2, 10), nik=nik)  # another day is fine
    bookings.cancel_by_visitor(desk.ctx(None), first.booking.code, first.manage_secret)
    book(desk, desk.hall.kk, at(1, 14), nik=nik)  # the cancelled one no longer counts


def test_a_band_has_its_own_daily_quota_and_holds_the_only_bookable_slots(desk: Desk) -> None:
    enable(desk, desk.hall.kk, capacity=10)
    desk.session.add(BookingBand(service_id=desk.hall.kk, starts="07:30", ends="09:00", quota=2))
    desk.session.flush()
    day = bookings.offer(desk.ctx(), desk.service(desk.hall.kk), at(1, 0).date())
    assert [o.slot.start for o in day.slots] == [at(1, 7, 30), at(1, 8), at(1, 8, 30)]
    book(desk, desk.hall.kk, at(1, 7, 30), phone="081111111111")
    book(desk, desk.hall.kk, at(1, 8), phone="081222222222")
    full = refused(book, desk, desk.hall.kk, at(1, 8, 30), phone="081333333333")
    assert full.code == ErrorCode.SLOT_FULL
    assert refused(book, desk, desk.hall.kk, at(1, 10)).code == ErrorCode.VALIDATION_ERROR
    after = bookings.offer(desk.ctx(), desk.service(desk.hall.kk), at(1, 0).date())
    assert after.status == "full" and all(o.left == 0 for o in after.slots)


def test_walk_ins_and_bookings_share_the_daily_quota(desk: Desk) -> None:
    kk: Service = desk.service(desk.hall.kk)
    kk.daily_quota = 3
    enable(desk, desk.hall.kk, capacity=5)
    desk.issue(desk.hall.kk)
    book(desk, desk.hall.kk, at(0, 11), phone="081111111111")
    book(desk, desk.hall.kk, at(0, 12), phone="081222222222")
    # Two places kept for the bookings: the kiosk's fourth ticket is refused ...
    with pytest.raises(DomainError) as kiosk:
        desk.issue(desk.hall.kk)
    assert kiosk.value.code == ErrorCode.QUOTA_EXHAUSTED
    # ... and so is a third booking.
    assert refused(book, desk, desk.hall.kk, at(0, 13), phone="081333333333").code == (
        ErrorCode.SLOT_FULL
    )


# --- check-in ------------------------------------------------------------------------------


def check_in(desk: Desk, code: str) -> bookings.CheckedIn:
    return bookings.check_in(desk.ctx(None), code)


def test_too_early_is_told_when_to_come_back(desk: Desk, clock: FakeClock) -> None:
    enable(desk, desk.hall.kk)
    made = book(desk, desk.hall.kk, at(0, 11))
    early = refused(check_in, desk, made.booking.code)
    assert early.code == ErrorCode.OUTSIDE_CHECK_IN_WINDOW
    assert (early.details["reason"], early.details["time"]) == ("early", "10:00")
    tomorrow = book(desk, desk.hall.kk, at(1, 9, 30), phone="081299999999")
    other_day = refused(check_in, desk, tomorrow.booking.code)
    assert other_day.details["date"] == at(1, 0).date().isoformat()


def test_slot_time_places_the_booking_as_if_it_had_come_at_its_slot(
    desk: Desk, clock: FakeClock
) -> None:
    enable(desk, desk.hall.kk)  # the default rule
    made = book(desk, desk.hall.kk, at(0, 10))
    clock.set(at(0, 9, 30))
    before = desk.issue(desk.hall.kk)  # a walk-in at 09.30
    checked = check_in(desk, made.booking.code)
    ticket = checked.issued.ticket
    assert ticket.source == TicketSource.BOOKING and ticket.booked_for is None
    assert ticket.queue_key == at(0, 10).timestamp()
    clock.set(at(0, 10, 5))
    after = desk.issue(desk.hall.kk)  # a walk-in after the slot
    desk.open(desk.hall.c2)
    assert desk.drain(desk.hall.c2) == [before.number, ticket.number, after.number]
    assert checked.booking.state == BookingState.CHECKED_IN and not checked.booking.late


def test_due_first_calls_a_checked_in_booking_before_the_walk_ins_once_its_slot_has_come(
    desk: Desk, clock: FakeClock
) -> None:
    enable(desk, desk.hall.kk, queue_rule=BookingQueueRule.DUE_FIRST)
    made = book(desk, desk.hall.kk, at(0, 10))
    clock.set(at(0, 9, 50))
    walk_in = desk.issue(desk.hall.kk)
    ticket = check_in(desk, made.booking.code).issued.ticket
    assert ticket.booked_for == at(0, 10)
    clock.set(at(0, 10, 1))
    desk.open(desk.hall.c2)
    assert desk.drain(desk.hall.c2) == [ticket.number, walk_in.number]


def test_reservation_gives_a_ticket_at_the_back_of_the_line(desk: Desk, clock: FakeClock) -> None:
    enable(desk, desk.hall.kk, queue_rule=BookingQueueRule.RESERVATION)
    made = book(desk, desk.hall.kk, at(0, 10))
    clock.set(at(0, 9, 50))
    walk_in = desk.issue(desk.hall.kk)
    ticket = check_in(desk, made.booking.code).issued.ticket
    assert ticket.booked_for is None and ticket.queue_key > walk_in.queue_key


def test_late_gets_a_walk_in_ticket_or_a_refusal_as_the_service_says(
    desk: Desk, clock: FakeClock
) -> None:
    enable(desk, desk.hall.kk)
    made = book(desk, desk.hall.kk, at(0, 10))
    clock.set(at(0, 10, 16))  # the window closed at 10.15
    late = check_in(desk, made.booking.code)
    assert late.booking.late and late.issued.ticket.queue_key == at(0, 10, 16).timestamp()

    enable(desk, desk.hall.kk, late=LateCheckIn.REFUSE)
    other = book(desk, desk.hall.kk, at(0, 11), phone="081299999999")
    clock.set(at(0, 11, 16))
    refusal = refused(check_in, desk, other.booking.code)
    assert (refusal.code, refusal.details["reason"]) == (
        ErrorCode.OUTSIDE_CHECK_IN_WINDOW,
        "late",
    )


def test_the_window_edges_are_inside_it(desk: Desk, clock: FakeClock) -> None:
    enable(desk, desk.hall.kk, late=LateCheckIn.REFUSE)
    first = book(desk, desk.hall.kk, at(0, 11), phone="081111111111")
    second = book(desk, desk.hall.kk, at(0, 12), phone="081222222222")
    clock.set(at(0, 10))  # 60 minutes before 11.00
    assert check_in(desk, first.booking.code).issued.ticket.state == TicketState.WAITING
    clock.set(at(0, 12, 15))  # 15 minutes after 12.00
    assert not check_in(desk, second.booking.code).booking.late


def test_a_slot_just_after_midnight_in_jakarta_opens_its_check_in_at_midnight(
    desk: Desk, clock: FakeClock
) -> None:
    enable(desk, desk.hall.kk)
    clock.set(at(0, 20))
    made = book(desk, desk.hall.kk, at(1, 0, 30))  # 00.30 Tuesday: 17.30 Monday in UTC
    assert made.booking.service_date == at(1, 0).date()
    clock.set(at(0, 23, 45))  # inside the hour before, but still Monday's line
    early = refused(check_in, desk, made.booking.code)
    assert (early.details["date"], early.details["time"]) == ("2026-12-01", "00:00")
    clock.set(at(1, 0, 1))
    ticket = check_in(desk, made.booking.code).issued.ticket
    assert ticket.service_date == at(1, 0).date() and ticket.queue_key == at(1, 0, 30).timestamp()


def test_a_slot_just_before_midnight_checked_in_after_it_queues_in_the_new_day(
    desk: Desk, clock: FakeClock
) -> None:
    enable(desk, desk.hall.kk, queue_rule=BookingQueueRule.DUE_FIRST, check_in_after_minutes=45)
    clock.set(at(0, 20))
    made = book(desk, desk.hall.kk, at(0, 23, 30))
    clock.set(at(1, 0, 5))  # in the window, but Monday's line has closed
    checked = check_in(desk, made.booking.code)
    ticket = checked.issued.ticket
    assert not checked.booking.late and ticket.service_date == at(1, 0).date()
    assert ticket.booked_for is None and ticket.queue_key == at(1, 0, 5).timestamp()


def test_a_booking_checked_in_twice_keeps_its_one_ticket(desk: Desk, clock: FakeClock) -> None:
    enable(desk, desk.hall.kk)
    made = book(desk, desk.hall.kk, at(0, 9, 30))
    first = check_in(desk, made.booking.code)
    again = check_in(desk, made.booking.code.lower())
    assert again.already and not first.already
    assert again.issued.ticket.id == first.issued.ticket.id
    assert again.issued.ticket.number == first.issued.ticket.number


def test_unknown_malformed_cancelled_and_missed_bookings_are_not_checked_in(
    desk: Desk, clock: FakeClock
) -> None:
    enable(desk, desk.hall.kk)
    assert refused(check_in, desk, "ZZZZZZZZ").code == ErrorCode.NOT_FOUND
    assert refused(check_in, desk, "<script>").code == ErrorCode.NOT_FOUND
    made = book(desk, desk.hall.kk, at(0, 9, 30))
    bookings.cancel_by_visitor(desk.ctx(None), made.booking.code, made.manage_secret)
    gone = refused(check_in, desk, made.booking.code)
    assert (gone.code, gone.details["state"]) == (ErrorCode.BOOKING_NOT_ACTIVE, "cancelled")


# --- changing and ending -------------------------------------------------------------------


def test_only_the_link_cancels_and_only_before_check_in(desk: Desk) -> None:
    enable(desk, desk.hall.kk)
    made = book(desk, desk.hall.kk, at(0, 9, 30))
    wrong = refused(bookings.cancel_by_visitor, desk.ctx(None), made.booking.code, "guess")
    assert wrong.code == ErrorCode.NOT_FOUND  # as for an unknown code
    check_in(desk, made.booking.code)
    late = refused(
        bookings.cancel_by_visitor, desk.ctx(None), made.booking.code, made.manage_secret
    )
    assert late.code == ErrorCode.BOOKING_NOT_ACTIVE


def test_a_reschedule_moves_the_booking_and_keeps_its_code(desk: Desk) -> None:
    enable(desk, desk.hall.kk, capacity=1)
    made = book(desk, desk.hall.kk, at(1, 10))
    moved = bookings.reschedule(
        desk.ctx(None), made.booking.code, made.manage_secret, at(2, 14), KEY
    )
    assert moved.code == made.booking.code and moved.slot_start == at(2, 14)
    book(desk, desk.hall.kk, at(1, 10), phone="081299999999")  # its old place is free
    full = refused(
        bookings.reschedule, desk.ctx(None), made.booking.code, made.manage_secret, at(1, 10), KEY
    )
    assert full.code == ErrorCode.SLOT_FULL


def test_bookings_not_checked_in_by_the_end_of_their_window_become_no_shows(
    desk: Desk, clock: FakeClock
) -> None:
    enable(desk, desk.hall.kk)
    missed = book(desk, desk.hall.kk, at(0, 10), phone="081111111111").booking
    later = book(desk, desk.hall.kk, at(0, 11), phone="081222222222").booking
    clock.set(at(0, 10, 15))
    assert bookings.mark_no_shows(desk.ctx(None)) == 0  # the window's last minute
    clock.set(at(0, 10, 16))
    assert bookings.mark_no_shows(desk.ctx(None)) == 1
    assert missed.state == BookingState.NO_SHOW and later.state == BookingState.BOOKED
    assert missed.active_phone is None  # the phone may book again


def test_a_no_show_who_comes_later_that_day_is_answered_as_late_by_the_service_s_setting(
    desk: Desk, clock: FakeClock
) -> None:
    enable(desk, desk.hall.kk)
    missed = book(desk, desk.hall.kk, at(0, 10), phone="081111111111").booking
    clock.set(at(0, 10, 20))
    assert bookings.mark_no_shows(desk.ctx(None)) == 1  # the job ran before they came

    late = check_in(desk, missed.code)

    assert late.booking.state == BookingState.CHECKED_IN and late.booking.late
    assert late.issued.ticket.queue_key == at(0, 10, 20).timestamp()  # at the back
    assert late.booking.ended_at is None  # not counted towards a booking block

    enable(desk, desk.hall.kk, late=LateCheckIn.REFUSE)
    other = book(desk, desk.hall.kk, at(0, 11), phone="081299999999").booking
    clock.set(at(0, 11, 20))
    bookings.mark_no_shows(desk.ctx(None))
    refusal = refused(check_in, desk, other.code)
    assert (refusal.code, refusal.details["reason"]) == (
        ErrorCode.OUTSIDE_CHECK_IN_WINDOW,
        "late",
    )
    clock.set(at(1, 9))  # the next day it is gone
    gone = refused(check_in, desk, other.code)
    assert (gone.code, gone.details["state"]) == (ErrorCode.BOOKING_NOT_ACTIVE, "no_show")


def test_the_no_show_penalty_blocks_a_phone_for_a_while(desk: Desk, clock: FakeClock) -> None:
    enable(desk, desk.hall.kk)
    desk.settings(booking_no_show_limit=2, booking_block_days=30)
    for day in (0, 1):
        clock.set(at(day, 8))
        book(desk, desk.hall.kk, at(day, 10))
        clock.set(at(day, 12))
        bookings.mark_no_shows(desk.ctx(None))
    blocked = refused(book, desk, desk.hall.kk, at(3, 10))
    assert blocked.code == ErrorCode.BOOKING_BLOCKED
    assert blocked.details["until"] == "2026-12-31"
    book(desk, desk.hall.kk, at(3, 10), phone="081299999999")  # another phone is not


def test_a_closure_cancels_the_days_bookings_with_its_reason(desk: Desk) -> None:
    enable(desk, desk.hall.kk)
    enable(desk, desk.hall.pkb)
    book(desk, desk.hall.kk, at(2, 10), phone="081111111111")
    book(desk, desk.hall.pkb, at(2, 10), phone="081222222222")
    book(desk, desk.hall.kk, at(3, 10), phone="081333333333")
    day = at(2, 0).date()
    assert len(bookings.bookings_on(desk.session, day)) == 2
    assert len(bookings.bookings_on(desk.session, day, agency_id=desk.hall.dk)) == 1
    assert bookings.cancel_for_closure(desk.ctx("admin"), day, "Cuti bersama") == 2
    ended = bookings.bookings_on(desk.session, day)
    assert ended == []


def test_a_lost_code_is_found_by_phone_and_date(desk: Desk) -> None:
    enable(desk, desk.hall.kk, nik_required=True)
    made = book(desk, desk.hall.kk, at(1, 10), nik="3603121708900001")
    found = bookings.lookup(desk.ctx(None), KEY, at(1, 0).date(), phone="+6281234567890")
    assert [b.code for b in found] == [made.booking.code]
    by_nik = bookings.lookup(
        desk.ctx(None), KEY, at(1, 0).date(), nik_last4="0001", service_id=desk.hall.kk
    )
    assert [b.code for b in by_nik] == [made.booking.code]
    assert bookings.lookup(desk.ctx(None), KEY, at(2, 0).date(), phone=PHONE) == []
    vague = refused(bookings.lookup, desk.ctx(None), KEY, at(1, 0).date(), nik_last4="0001")
    assert vague.code == ErrorCode.VALIDATION_ERROR
