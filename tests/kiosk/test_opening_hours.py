"""The kiosk's side of the opening hours: what it reads from the server's configuration
(holidays, special openings) and how it words when a closed service opens next."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kiosk.opening_hours import (
    SpecialDay,
    holiday_dates,
    next_opening,
    next_opening_text,
    open_at,
    special_days,
)

JAKARTA = ZoneInfo("Asia/Jakarta")
HOURS = {day: ["07:30", "16:00"] for day in ("mon", "tue", "wed", "thu")} | {
    "fri": ["07:30", "11:00"]
}
# Wednesday 2 December 2026, mid-morning in the hall.
NOW = dt.datetime(2026, 12, 2, 9, 15, tzinfo=JAKARTA)


def on(days: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment ``days`` after NOW's date, at ``hour:minute`` in the hall."""
    day = NOW.date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), JAKARTA)


@pytest.mark.parametrize(
    ("days", "hour", "minute", "indonesian", "english"),
    [
        (0, 13, 0, "Buka pukul 13.00", "Opens at 13.00"),
        (1, 7, 30, "Buka besok 07.30", "Opens tomorrow 07.30"),
        (5, 7, 30, "Buka Senin 07.30", "Opens Monday 07.30"),  # Monday 7 December
        (3, 8, 0, "Buka Sabtu 08.00", "Opens Saturday 08.00"),
        (6, 8, 0, "Buka Selasa 08.00", "Opens Tuesday 08.00"),
        (7, 7, 30, "Buka 9 Des 07.30", "Opens 9 Dec 07.30"),  # a week on: the date
        (31, 7, 30, "Buka 2 Jan 07.30", "Opens 2 Jan 07.30"),
    ],
)
def test_the_next_opening_in_words(
    days: int, hour: int, minute: int, indonesian: str, english: str
) -> None:
    moment = on(days, hour, minute)
    assert next_opening_text(moment, NOW, "id") == indonesian
    assert next_opening_text(moment, NOW, "en") == english


def test_no_opening_within_the_horizon_says_nothing_more_than_closed() -> None:
    assert next_opening_text(None, NOW, "id") == ""


def test_an_unknown_language_falls_back_to_indonesian() -> None:
    assert next_opening_text(on(1, 7, 30), NOW, "jv") == "Buka besok 07.30"


CONFIG = {
    "holidays": [{"date": "2026-12-25", "name": "Natal"}, {"date": "kemarin"}, "x"],
    "special_openings": [
        {
            "date": "2026-12-05",
            "opens": "08:00",
            "closes": "12:00",
            "agency_id": 1,
            "name": "Buka khusus Sabtu",
        },
        {"date": "2026-12-12", "opens": "08:00", "closes": "12:00", "agency_id": None, "name": ""},
        {"date": "2026-12-19", "opens": "siang", "closes": "12:00", "agency_id": 1, "name": ""},
        {"date": "2026-12-26"},
        "rusak",
    ],
}


def test_holidays_and_special_openings_are_read_from_the_configuration() -> None:
    assert holiday_dates(CONFIG) == {dt.date(2026, 12, 25)}
    assert special_days(CONFIG) == (
        SpecialDay(dt.date(2026, 12, 5), dt.time(8), dt.time(12), 1, "Buka khusus Sabtu"),
        SpecialDay(dt.date(2026, 12, 12), dt.time(8), dt.time(12), None, ""),
    )
    assert special_days({}) == () and special_days({"special_openings": "x"}) == ()


def test_a_saturday_special_opening_opens_the_agencys_service_on_the_kiosk() -> None:
    special = special_days(CONFIG)
    saturday_nine = on(3, 9)
    assert open_at(HOURS, holiday_dates(CONFIG), saturday_nine, special, agency_id=1)
    assert not open_at(HOURS, holiday_dates(CONFIG), saturday_nine, special, agency_id=2)
    assert not open_at(HOURS, holiday_dates(CONFIG), saturday_nine)  # the old call: closed


def test_friday_afternoon_the_kiosk_says_when_the_agency_opens_next() -> None:
    special = special_days(CONFIG)
    friday_noon = on(2, 12)
    dk = next_opening(HOURS, holiday_dates(CONFIG), friday_noon, special, agency_id=1)
    other = next_opening(HOURS, holiday_dates(CONFIG), friday_noon, special, agency_id=2)
    assert next_opening_text(dk, friday_noon, "id") == "Buka besok 08.00"
    assert next_opening_text(other, friday_noon, "id") == "Buka Senin 07.30"
