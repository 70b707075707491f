"""The one opening-hours rule of server and kiosk: times as people write them, holidays,
special openings (buka khusus) and when a closed service opens next."""

from __future__ import annotations

import datetime as dt

import pytest

from shared.opening_hours import (
    END_OF_DAY,
    SpecialDay,
    clock_label,
    clock_text,
    next_opening,
    open_at,
    parse_clock,
    spans_on,
)

JAKARTA = dt.timezone(dt.timedelta(hours=7))
STANDARD = {
    **{day: ["07:30", "16:00"] for day in ("mon", "tue", "wed", "thu")},
    "fri": ["07:30", "11:00"],
}
DK, SM = 1, 2
# The week of Monday 30 November 2026.
MONDAY = dt.date(2026, 11, 30)
SATURDAY = MONDAY + dt.timedelta(days=5)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), JAKARTA)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07.30", dt.time(7, 30)),
        ("07:30", dt.time(7, 30)),
        ("7.30", dt.time(7, 30)),
        (" 16.00 ", dt.time(16)),
        ("00:00", dt.time(0)),
        ("23.59", dt.time(23, 59)),
        ("24.00", END_OF_DAY),
        ("24:00", END_OF_DAY),
    ],
)
def test_times_are_read_as_people_write_them(text: str, expected: dt.time) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize(
    "text", ["", "0730", "07-30", "7.3", "07.300", "24.01", "25.00", "07.60", "jam 8", "07,30"]
)
def test_what_is_not_a_time_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_clock(text)


def test_one_stored_form_and_the_halls_written_form() -> None:
    assert clock_text(parse_clock("7.30")) == "07:30"
    assert clock_text(parse_clock("24.00")) == "24:00"
    assert clock_label("07:30") == "07.30"


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (at(MONDAY, 7, 29), False),
        (at(MONDAY, 7, 30), True),
        (at(MONDAY, 15, 59), True),
        (at(MONDAY, 16), False),
        (at(MONDAY + dt.timedelta(days=4), 10, 59), True),  # Friday, shorter
        (at(MONDAY + dt.timedelta(days=4), 11), False),
        (at(SATURDAY, 9), False),
    ],
)
def test_a_service_is_open_within_its_weekday_hours(moment: dt.datetime, is_open: bool) -> None:
    assert open_at(STANDARD, (), (), moment, DK) is is_open


def test_hours_written_with_dots_count_like_the_stored_ones() -> None:
    assert open_at({"mon": ["07.30", "16.00"]}, (), (), at(MONDAY, 8), DK)


def test_open_until_midnight_takes_the_last_minute() -> None:
    late = {"mon": ["20:00", "24:00"]}
    assert open_at(late, (), (), at(MONDAY, 23, 59), DK)
    assert not open_at(late, (), (), at(MONDAY + dt.timedelta(days=1), 0, 0), DK)


def test_a_holiday_closes_the_hall() -> None:
    assert not open_at(STANDARD, {MONDAY}, (), at(MONDAY, 9), DK)


def test_a_special_opening_opens_its_agency_on_a_closed_saturday() -> None:
    saturday = SpecialDay(SATURDAY, dt.time(8), dt.time(12), DK, "Buka khusus Sabtu")
    assert open_at(STANDARD, (), [saturday], at(SATURDAY, 8), DK)
    assert not open_at(STANDARD, (), [saturday], at(SATURDAY, 12), DK)
    assert not open_at(STANDARD, (), [saturday], at(SATURDAY, 9), SM)  # another agency
    assert not open_at(STANDARD, (), [saturday], at(SATURDAY, 9), None)


def test_a_whole_hall_special_opening_opens_every_agency() -> None:
    saturday = SpecialDay(SATURDAY, dt.time(8), dt.time(12), None)
    assert open_at(STANDARD, (), [saturday], at(SATURDAY, 9), DK)
    assert open_at(STANDARD, (), [saturday], at(SATURDAY, 9), SM)


def test_a_service_with_no_weekly_hours_stays_closed_on_a_special_opening() -> None:
    """No hours at all is a service closed on purpose: a hall's Saturday does not open it."""
    saturday = SpecialDay(SATURDAY, dt.time(8), dt.time(12), None)
    assert not open_at({}, (), [saturday], at(SATURDAY, 9), DK)
    assert next_opening({}, (), [saturday], at(MONDAY, 9), DK) is None


def test_a_special_opening_on_a_holiday_wins_with_its_own_hours_only() -> None:
    """The later, explicit decision for that date: open, but only in the special hours."""
    morning = SpecialDay(MONDAY, dt.time(8), dt.time(12), DK)
    assert open_at(STANDARD, {MONDAY}, [morning], at(MONDAY, 9), DK)
    assert not open_at(STANDARD, {MONDAY}, [morning], at(MONDAY, 13), DK)  # not 16.00
    assert not open_at(STANDARD, {MONDAY}, [morning], at(MONDAY, 9), SM)


def test_on_an_ordinary_day_a_special_opening_only_adds_hours() -> None:
    evening = SpecialDay(MONDAY, dt.time(16), dt.time(20), DK)
    short = SpecialDay(MONDAY, dt.time(9), dt.time(10), DK)
    assert open_at(STANDARD, (), [evening], at(MONDAY, 18), DK)
    assert open_at(STANDARD, (), [short], at(MONDAY, 14), DK)  # its own hours still hold
    assert spans_on(STANDARD, (), [evening], MONDAY, DK) == [
        (dt.time(7, 30), dt.time(16)),
        (dt.time(16), dt.time(20)),
    ]


def test_unreadable_hours_are_closed_not_an_error() -> None:
    for hours in ({"mon": ["pagi", "sore"]}, {"mon": ["16:00", "07:30"]}, {"mon": "07:30"}, None):
        assert not open_at(hours, (), (), at(MONDAY, 9), DK)


# --- when a closed service opens next ------------------------------------------------


def test_an_open_service_is_open_now() -> None:
    now = at(MONDAY, 9)
    assert next_opening(STANDARD, (), (), now, DK) == now


def test_before_opening_it_opens_later_today() -> None:
    assert next_opening(STANDARD, (), (), at(MONDAY, 6), DK) == at(MONDAY, 7, 30)


def test_after_closing_it_opens_the_next_working_day() -> None:
    assert next_opening(STANDARD, (), (), at(MONDAY, 16), DK) == at(MONDAY + dt.timedelta(1), 7, 30)


def test_after_fridays_close_it_opens_on_monday() -> None:
    friday = MONDAY + dt.timedelta(days=4)
    assert next_opening(STANDARD, (), (), at(friday, 12), DK) == at(friday + dt.timedelta(3), 7, 30)


def test_holidays_are_skipped() -> None:
    tuesday, wednesday = MONDAY + dt.timedelta(1), MONDAY + dt.timedelta(2)
    holidays = {tuesday, wednesday}
    expected = at(MONDAY + dt.timedelta(3), 7, 30)
    assert next_opening(STANDARD, holidays, (), at(MONDAY, 17), DK) == expected


def test_a_special_opening_comes_first_when_it_is_sooner() -> None:
    saturday = SpecialDay(SATURDAY, dt.time(8), dt.time(12), DK)
    friday_noon = at(MONDAY + dt.timedelta(days=4), 12)
    assert next_opening(STANDARD, (), [saturday], friday_noon, DK) == at(SATURDAY, 8)
    assert next_opening(STANDARD, (), [saturday], friday_noon, SM) == at(
        MONDAY + dt.timedelta(days=7), 7, 30
    )


def test_a_later_span_of_the_same_day_is_the_next_opening() -> None:
    evening = SpecialDay(MONDAY, dt.time(18), dt.time(20), DK)
    assert next_opening(STANDARD, (), [evening], at(MONDAY, 17), DK) == at(MONDAY, 18)


def test_nothing_within_the_horizon_is_none() -> None:
    never = {"sat": ["08:00", "12:00"]}
    holidays = {SATURDAY, SATURDAY + dt.timedelta(days=7)}
    assert next_opening(never, holidays, (), at(MONDAY, 9), DK, horizon_days=12) is None
    assert next_opening({}, (), (), at(MONDAY, 9), DK) is None
    assert next_opening(never, holidays, (), at(MONDAY, 9), DK, horizon_days=19) == at(
        SATURDAY + dt.timedelta(days=14), 8
    )
