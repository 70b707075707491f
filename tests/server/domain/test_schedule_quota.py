"""Whether a service takes tickets now: opening hours in site time, holidays, quotas."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest

from server.domain import counters
from server.domain.errors import DomainError
from server.domain.schedule import check_hours, remaining_quota
from server.models import Agency, Holiday, Priority, SpecialOpening
from shared.errors import ErrorCode
from tests.conftest import JAKARTA, FakeClock
from tests.factories import Hall

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk

OFFICE_HOURS = {"mon": ["08:00", "16:00"], "fri": ["08:00", "11:30"]}


def refusal(desk: Desk, service_id: int, **kw: Any) -> ErrorCode:
    """The code a kiosk gets back for this service now (fails the test if issued)."""
    with pytest.raises(DomainError) as error:
        desk.issue(service_id, **kw)
    return error.value.code


def at(clock: FakeClock, days_after_monday: int, hour: int, minute: int = 0) -> None:
    """Set the hall's wall clock to a moment of the week of Monday 30 November 2026."""
    monday = dt.datetime(2026, 11, 30, hour, minute, tzinfo=JAKARTA)
    clock.set(monday + dt.timedelta(days=days_after_monday))


@pytest.mark.parametrize(
    ("hour", "minute", "open_"),
    [(7, 59, False), (8, 0, True), (12, 0, True), (15, 59, True), (16, 0, False), (23, 0, False)],
)
def test_a_service_takes_tickets_only_within_its_hours_in_site_time(
    desk: Desk, hall: Hall, clock: FakeClock, hour: int, minute: int, open_: bool
) -> None:
    desk.service(hall.ktp).hours = dict(OFFICE_HOURS)
    at(clock, 0, hour, minute)  # 08:00 Jakarta is 01:00 UTC: UTC time would say closed
    if open_:
        assert desk.issue(hall.ktp).number == "DK-001"
    else:
        assert refusal(desk, hall.ktp) == ErrorCode.SERVICE_CLOSED


def test_a_service_is_closed_on_a_weekday_without_hours(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    desk.service(hall.ktp).hours = dict(OFFICE_HOURS)
    at(clock, 1, 10)  # Tuesday
    assert refusal(desk, hall.ktp) == ErrorCode.SERVICE_CLOSED
    at(clock, 4, 11, 29)  # Friday, shorter day
    assert desk.issue(hall.ktp).number == "DK-001"
    at(clock, 4, 11, 30)
    assert refusal(desk, hall.ktp) == ErrorCode.SERVICE_CLOSED


def test_open_until_midnight_takes_tickets_in_the_last_minute(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    at(clock, 0, 23, 59)
    assert desk.issue(hall.ktp).service_date == dt.date(2026, 11, 30)


def test_the_whole_hall_is_closed_on_a_holiday(desk: Desk, hall: Hall) -> None:
    desk.session.add(Holiday(date=dt.date(2026, 11, 30), name="Cuti bersama"))
    desk.session.flush()
    for service in (hall.ktp, hall.kk, hall.pkb):
        assert refusal(desk, service) == ErrorCode.SERVICE_CLOSED


def test_a_holiday_closes_only_its_own_day(desk: Desk, hall: Hall) -> None:
    desk.session.add(Holiday(date=dt.date(2026, 12, 1), name="Esok hari"))
    desk.session.flush()
    assert desk.issue(hall.ktp).number == "DK-001"


def special_opening(desk: Desk, day: dt.date, agency_id: int | None, hours: str) -> None:
    opens, closes = hours.split("-")
    desk.session.add(
        SpecialOpening(date=day, opens=opens, closes=closes, agency_id=agency_id, name="Khusus")
    )
    desk.session.flush()


def refusal_details(desk: Desk, service_id: int) -> dict[str, Any]:
    with pytest.raises(DomainError) as error:
        desk.issue(service_id)
    assert error.value.code == ErrorCode.SERVICE_CLOSED
    return error.value.details


def test_a_special_opening_opens_its_agency_on_a_saturday_it_is_closed(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    for service in (hall.ktp, hall.pkb):
        desk.service(service).hours = dict(OFFICE_HOURS)
    saturday = dt.date(2026, 12, 5)
    special_opening(desk, saturday, hall.dk, "08:00-12:00")
    at(clock, 5, 9)

    assert desk.issue(hall.ktp).service_date == saturday
    assert refusal(desk, hall.pkb) == ErrorCode.SERVICE_CLOSED  # Samsat is not in its scope
    at(clock, 5, 12)
    assert refusal_details(desk, hall.ktp) == {"opens": "08:00", "closes": "12:00"}


def test_a_special_opening_on_a_holiday_opens_with_its_own_hours(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    """The later, explicit decision wins over the holiday list, for its hours only."""
    desk.service(hall.ktp).hours = dict(OFFICE_HOURS)
    desk.service(hall.pkb).hours = dict(OFFICE_HOURS)
    desk.session.add(Holiday(date=dt.date(2026, 11, 30), name="Cuti bersama"))
    special_opening(desk, dt.date(2026, 11, 30), None, "09:00-12:00")  # the whole hall

    at(clock, 0, 8, 30)
    assert refusal_details(desk, hall.ktp) == {"opens": "09:00", "closes": "12:00"}
    at(clock, 0, 9)
    assert desk.issue(hall.ktp).number == "DK-001"
    assert desk.issue(hall.pkb).number == "SM-001"
    at(clock, 0, 13)  # a Monday's own 16.00 does not come back on a holiday
    assert refusal(desk, hall.ktp) == ErrorCode.SERVICE_CLOSED


def test_a_special_opening_adds_hours_to_an_ordinary_day(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    desk.service(hall.ktp).hours = dict(OFFICE_HOURS)
    special_opening(desk, dt.date(2026, 11, 30), hall.dk, "18:00-20:00")
    at(clock, 0, 10)
    assert desk.issue(hall.ktp).number == "DK-001"
    at(clock, 0, 17)
    assert refusal_details(desk, hall.ktp) == {"opens": "18:00", "closes": "20:00"}
    at(clock, 0, 19)
    assert desk.issue(hall.ktp).number == "DK-002"


def test_an_inactive_service_or_agency_takes_no_tickets(desk: Desk, hall: Hall) -> None:
    desk.service(hall.ktp).active = False
    assert refusal(desk, hall.ktp) == ErrorCode.SERVICE_CLOSED
    agency = desk.session.get(Agency, hall.sm)
    assert agency is not None
    agency.active = False
    assert refusal(desk, hall.pkb) == ErrorCode.SERVICE_CLOSED
    assert desk.issue(hall.kk).number == "DK-001"


def test_priority_is_refused_where_the_service_does_not_offer_it(desk: Desk, hall: Hall) -> None:
    desk.service(hall.pkb).priority_offered = False
    assert refusal(desk, hall.pkb, priority=Priority.PREGNANT) == ErrorCode.PRIORITY_NOT_OFFERED
    assert desk.issue(hall.pkb).priority == Priority.NONE


def test_the_daily_quota_refuses_the_ticket_after_the_last_one(desk: Desk, hall: Hall) -> None:
    desk.service(hall.kk).daily_quota = 2
    desk.issue(hall.kk)
    assert remaining_quota(desk.session, desk.service(hall.kk), dt.date(2026, 11, 30)) == 1
    desk.issue(hall.kk)

    with pytest.raises(DomainError) as error:
        desk.issue(hall.kk)
    assert (error.value.code, error.value.details) == (ErrorCode.QUOTA_EXHAUSTED, {"quota": 2})
    assert remaining_quota(desk.session, desk.service(hall.kk), dt.date(2026, 11, 30)) == 0


def test_a_quota_belongs_to_its_service_and_its_day(
    desk: Desk, hall: Hall, clock: FakeClock
) -> None:
    desk.service(hall.kk).daily_quota = 1
    desk.issue(hall.kk)
    assert refusal(desk, hall.kk) == ErrorCode.QUOTA_EXHAUSTED
    assert desk.issue(hall.ktp).service_id == hall.ktp  # same series, other service: no quota
    at(clock, 1, 8)
    assert desk.issue(hall.kk).service_date == dt.date(2026, 12, 1)


def test_a_transfer_into_a_service_does_not_use_its_quota(desk: Desk, hall: Hall) -> None:
    desk.service(hall.kk).daily_quota = 1
    desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.next(hall.c1)
    desk.at(
        hall.c1, counters.transfer, to_service=desk.service(hall.kk), to_counter=None, front=False
    )

    assert desk.issue(hall.kk).number == "DK-002"  # the one KK ticket of the day
    assert refusal(desk, hall.kk) == ErrorCode.QUOTA_EXHAUSTED


def test_valid_hours_are_kept_as_given() -> None:
    hours = {"mon": ["07:30", "16:00"], "fri": ["07:30", "11:00"], "sat": ["00:00", "24:00"]}
    assert check_hours(hours) == hours
    assert check_hours({}) == {}


def test_hours_written_the_indonesian_way_are_stored_in_one_form() -> None:
    hours = {"mon": ["07.30", "16.00"], "tue": ["7:30", "16:00"], "sat": ["08.00", "24.00"]}
    assert check_hours(hours) == {
        "mon": ["07:30", "16:00"],
        "tue": ["07:30", "16:00"],
        "sat": ["08:00", "24:00"],
    }


@pytest.mark.parametrize(
    "hours",
    [
        None,
        [["07:30", "16:00"]],
        {"senin": ["07:30", "16:00"]},
        {"Mon": ["07:30", "16:00"]},
        {"mon": ["07:30"]},
        {"mon": ["07:30", "12:00", "16:00"]},
        {"mon": "07:30-16:00"},
        {"mon": ["0730", "16:00"]},
        {"mon": ["07,30", "16:00"]},
        {"mon": ["07:30", "24:01"]},
        {"mon": ["25:00", "26:00"]},
        {"mon": ["07:60", "16:00"]},
        {"mon": ["16:00", "07:30"]},
        {"mon": ["08:00", "08:00"]},
        {"mon": [730, 1600]},
    ],
)
def test_malformed_hours_are_refused(hours: Any) -> None:
    with pytest.raises(DomainError) as error:
        check_hours(hours)
    assert error.value.code == ErrorCode.VALIDATION_ERROR
    assert error.value.details == {"field": "hours"}
