"""Checking a booking in over HTTP: who may, what each booking's state answers, and the
same ticket when it is checked in twice (docs/booking.md#check-in). The clock stands on
Monday 30 November 2026, 09.00 in Jakarta; the test hall is open all day."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from server.api.spec import build_document
from server.db import Database
from server.models import BookingState, LateCheckIn
from tests.conftest import JAKARTA, Api, FakeClock
from tests.factories import Hall
from tests.server.api.booked import booking_state, cancel_booking, take_booking
from tests.server.api.responses import assert_error
from tests.server.test_openapi import DocumentedAnswers


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, 30, hour, minute, tzinfo=JAKARTA)


def check_in_path(code: str) -> str:
    return f"/api/v1/bookings/{code}/check-in"


@pytest.fixture
def db(app: Flask) -> Database:
    database: Database = app.extensions["antre"].db
    return database


@pytest.fixture
def documented(app: Flask) -> DocumentedAnswers:
    return DocumentedAnswers(app, build_document())


@pytest.fixture
def code(db: Database, clock: FakeClock, hall: Hall) -> str:
    """A KTP-el booking for 09.30 (its check-in window opened at 08.30)."""
    return take_booking(db, clock(), hall.ktp, at(9, 30))


def check_in(api: Api, code: str) -> Any:
    return api.post(check_in_path(code))


# --- the kiosk -------------------------------------------------------------------------------


def test_the_kiosk_checks_a_booking_in_and_gets_its_ticket(
    api: Api, code: str, hall: Hall, db: Database, documented: DocumentedAnswers
) -> None:
    response = check_in(api.as_device("kiosk"), code)

    assert response.status_code == 201
    body = documented.check(response)
    assert body["ticket"]["number"] == "DK-001"
    assert body["ticket"]["source"] == "booking"
    assert body["ticket"]["service"]["id"] == hall.ktp
    assert body["ticket"]["status_code"]
    assert body["booking"] == {
        "code": code,
        "slot_start": at(9, 30).astimezone(dt.UTC).isoformat(),
        "slot_minutes": 30,
        "late": False,
    }
    assert body["already_checked_in"] is False
    assert booking_state(db, code) == BookingState.CHECKED_IN


def test_a_second_check_in_answers_200_with_the_same_ticket(
    api: Api, code: str, documented: DocumentedAnswers
) -> None:
    kiosk = api.as_device("kiosk")
    first = check_in(kiosk, code).get_json()

    again = check_in(kiosk, code)

    assert again.status_code == 200
    body = documented.check(again)
    assert body["already_checked_in"] is True
    assert body["ticket"]["id"] == first["ticket"]["id"]
    assert body["ticket"]["number"] == first["ticket"]["number"]
    assert kiosk.issue(api.hall.ktp)["number"] == "DK-002"  # no number was taken meanwhile


def test_a_code_is_read_as_people_type_it(api: Api, code: str) -> None:
    typed = f"{code[:4].lower()}-{code[4:].lower()}"

    assert check_in(api.as_device("kiosk"), typed).status_code == 201


@pytest.mark.parametrize(
    "wrong", ["ZZZZZZZZ", "K7QM-3XH", "not a code at all", "%F0%9F%98%80", "A" * 400]
)
def test_unknown_and_malformed_codes_get_the_same_not_found(
    api: Api, code: str, wrong: str, documented: DocumentedAnswers
) -> None:
    response = check_in(api.as_device("kiosk"), wrong)

    error = assert_error(response, 404, "not_found")
    documented.check(response)
    unknown = check_in(api.as_device("kiosk"), "ZZZZZZZZ").get_json()["error"]
    assert error["message"] == unknown["message"]


def test_a_display_board_may_not_check_in(api: Api, code: str, db: Database) -> None:
    assert_error(check_in(api.as_device("display-a"), code), 403, "forbidden")
    assert booking_state(db, code) == BookingState.BOOKED


def test_a_caller_without_a_token_is_unauthenticated(api: Api, code: str) -> None:
    assert_error(check_in(api, code), 401, "unauthenticated")


# --- staff -----------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["petugas.dk", "sup.dk", "admin"])
def test_staff_of_the_agency_and_an_admin_check_a_visitor_in(
    api: Api, code: str, user: str, documented: DocumentedAnswers
) -> None:
    response = check_in(api.as_user(user), code)

    assert response.status_code == 201
    assert documented.check(response)["ticket"]["source"] == "booking"


def test_an_officer_of_another_agency_is_refused_and_the_booking_stays(
    api: Api, code: str, db: Database, documented: DocumentedAnswers
) -> None:
    response = check_in(api.as_user("petugas.sm"), code)

    assert_error(response, 403, "forbidden")
    documented.check(response)
    assert booking_state(db, code) == BookingState.BOOKED
    assert check_in(api.as_device("kiosk"), code).status_code == 201


def test_another_agency_s_officer_learns_nothing_from_an_unknown_code(api: Api) -> None:
    assert_error(check_in(api.as_user("petugas.sm"), "ZZZZZZZZ"), 404, "not_found")


# --- when the booking cannot be checked in ----------------------------------------------------


def test_an_early_visitor_is_told_when_check_in_opens(
    api: Api, db: Database, clock: FakeClock, hall: Hall, documented: DocumentedAnswers
) -> None:
    code = take_booking(db, clock(), hall.ktp, at(11, 0))

    response = check_in(api.as_device("kiosk"), code)

    error = assert_error(response, 409, "outside_check_in_window")
    documented.check(response)
    assert error["details"]["reason"] == "early"
    assert (error["details"]["date"], error["details"]["time"]) == ("2026-11-30", "10:00")
    assert booking_state(db, code) == BookingState.BOOKED


def test_a_booking_of_another_day_is_early_with_that_date(
    api: Api, db: Database, clock: FakeClock, hall: Hall
) -> None:
    code = take_booking(db, clock(), hall.ktp, at(9, 30) + dt.timedelta(days=2))

    error = assert_error(check_in(api.as_device("kiosk"), code), 409, "outside_check_in_window")

    assert (error["details"]["date"], error["details"]["time"]) == ("2026-12-02", "08:30")


def test_a_late_visitor_is_refused_where_the_service_says_so(
    api: Api, db: Database, clock: FakeClock, hall: Hall
) -> None:
    code = take_booking(db, clock(), hall.ktp, at(9, 30), late=LateCheckIn.REFUSE)
    clock.set(at(9, 46))

    error = assert_error(check_in(api.as_device("kiosk"), code), 409, "outside_check_in_window")

    assert error["details"]["reason"] == "late"


def test_a_late_visitor_gets_a_walk_in_ticket_by_default(
    api: Api, code: str, clock: FakeClock
) -> None:
    clock.set(at(9, 46))

    body = check_in(api.as_device("kiosk"), code).get_json()

    assert body["booking"]["late"] is True
    assert body["ticket"]["source"] == "booking"


def test_a_cancelled_booking_is_not_active(
    api: Api, code: str, db: Database, clock: FakeClock, documented: DocumentedAnswers
) -> None:
    cancel_booking(db, clock(), code)

    response = check_in(api.as_device("kiosk"), code)

    error = assert_error(response, 409, "booking_not_active")
    documented.check(response)
    assert error["details"]["state"] == "cancelled"


# --- what the kiosk learns from the configuration ----------------------------------------------


def test_the_configuration_says_which_services_take_bookings(
    api: Api, code: str, hall: Hall, documented: DocumentedAnswers
) -> None:
    config = documented.check(api.as_device("kiosk").get("/api/v1/config"))

    taking = {s["id"] for s in config["services"] if s["booking_enabled"]}
    assert taking == {hall.ktp}
