"""The booking API for partner apps: a portal lists slots, books, reads and cancels by
code, moves a booking and finds a lost code, with the domain's errors; every answer is
checked against the OpenAPI document. The test hall opens round the clock; the clock is
Monday 30 November 2026, 09.00 in Jakarta."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from server.api.spec import build_document
from server.domain.devices import register_device
from server.models import BookingSettings
from server.public_limit import API_BUDGET
from server.state import AppState
from tests.conftest import JAKARTA, Api, FakeClock
from tests.server.test_openapi import DocumentedAnswers

TUESDAY_10 = dt.datetime(2026, 12, 1, 10, 0, tzinfo=JAKARTA)
VISITOR = {"name": "Siti Rahmawati", "phone": "0812-3456-7890"}


def enable(app: Flask, service_id: int, **settings: Any) -> None:
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        session.merge(BookingSettings(service_id=service_id, enabled=True, **settings))


@pytest.fixture
def portal(app: Flask, api: Api, clock: FakeClock) -> Api:
    """A partner app, registered as admins register devices."""
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        _device, token = register_device(
            session, "Portal Kab.", "portal", None, None, None, clock()
        )
    enable(app, api.hall.kk, slot_minutes=60, capacity=2)
    return Api(api.client, api.hall, token)


@pytest.fixture
def answers(app: Flask) -> DocumentedAnswers:
    return DocumentedAnswers(app, build_document())


def book(portal: Api, answers: DocumentedAnswers, slot: dt.datetime, **who: Any) -> Any:
    body = {"service_id": portal.hall.kk, "slot_start": slot.isoformat(), **VISITOR, **who}
    return portal.post("/api/v1/bookings", json=body)


def test_a_portal_lists_the_services_and_the_days_with_places_left(
    portal: Api, answers: DocumentedAnswers
) -> None:
    services = answers.check(portal.get("/api/v1/booking/services"))["services"]
    assert [s["id"] for s in services] == [portal.hall.kk]
    days = answers.check(portal.get(f"/api/v1/booking/services/{portal.hall.kk}/days"))
    assert len(days["days"]) == 8  # today and 7 days ahead
    tuesday = days["days"][1]
    assert tuesday["date"] == "2026-12-01" and tuesday["status"] == "open"
    ten = next(s for s in tuesday["slots"] if s["time"] == "10:00")
    assert ten == {
        "start": "2026-12-01T03:00:00+00:00",
        "end": "2026-12-01T04:00:00+00:00",
        "time": "10:00",
        "left": 2,
        "open": True,
    }


def test_a_service_without_bookings_is_not_found(portal: Api, answers: DocumentedAnswers) -> None:
    response = portal.get(f"/api/v1/booking/services/{portal.hall.ktp}/days")
    assert response.status_code == 404
    assert answers.check(response)["error"]["code"] == "not_found"


def test_book_read_and_cancel_by_code(portal: Api, answers: DocumentedAnswers) -> None:
    made = answers.check(book(portal, answers, TUESDAY_10))
    booking = made["booking"]
    assert booking["state"] == "booked" and booking["slot_start"] == "2026-12-01T03:00:00+00:00"
    code = booking["code"].replace("-", "")
    assert made["status_path"] == f"/b/{code}"
    assert made["manage_path"] == f"/b/{code}/manage?s={made['manage_secret']}"
    # The code reads in any case and without its dash; no personal data comes back.
    read = answers.check(portal.get(f"/api/v1/bookings/{booking['code'].lower()}"))
    assert read == booking
    assert "Siti" not in str(read) and "812" not in str(read)

    wrong = portal.post(f"/api/v1/bookings/{booking['code']}/cancel", json={"secret": "guess"})
    assert wrong.status_code == 404 and answers.check(wrong)["error"]["code"] == "not_found"
    cancelled = portal.post(
        f"/api/v1/bookings/{booking['code']}/cancel", json={"secret": made["manage_secret"]}
    )
    assert answers.check(cancelled)["booking"]["state"] == "cancelled"
    again = portal.post(
        f"/api/v1/bookings/{booking['code']}/cancel", json={"secret": made["manage_secret"]}
    )
    assert again.status_code == 409
    assert answers.check(again)["error"]["code"] == "booking_not_active"


def test_unknown_and_malformed_codes_are_answered_alike(
    portal: Api, answers: DocumentedAnswers
) -> None:
    for code in ("ZZZZ-ZZZZ", "not a code", "x" * 40, "K7QM3XH"):
        response = portal.get(f"/api/v1/bookings/{code}")
        assert response.status_code == 404, code
        assert answers.check(response)["error"] == {
            "code": "not_found",
            "message": "booking not found",
        }


def test_the_domain_refusals_keep_their_codes(portal: Api, answers: DocumentedAnswers) -> None:
    answers.check(book(portal, answers, TUESDAY_10))
    twin = book(portal, answers, TUESDAY_10 + dt.timedelta(hours=1))
    assert answers.check(twin)["error"]["code"] == "duplicate_booking"
    answers.check(book(portal, answers, TUESDAY_10, phone="0813 1111 2222"))
    full = book(portal, answers, TUESDAY_10, phone="0813 3333 4444")
    assert answers.check(full)["error"]["code"] == "slot_full"
    soon = book(portal, answers, dt.datetime(2026, 11, 30, 9, 0, tzinfo=JAKARTA))
    assert answers.check(soon)["error"]["code"] == "booking_closed"
    bad_phone = book(portal, answers, TUESDAY_10 + dt.timedelta(hours=3), phone="12345")
    error = answers.check(bad_phone)["error"]
    assert error["code"] == "validation_error" and error["details"]["field"] == "phone"


def test_a_booking_moves_to_another_slot_with_its_secret(
    portal: Api, answers: DocumentedAnswers
) -> None:
    made = answers.check(book(portal, answers, TUESDAY_10))
    code = made["booking"]["code"]
    later = TUESDAY_10 + dt.timedelta(days=1, hours=2)
    moved = portal.post(
        f"/api/v1/bookings/{code}/reschedule",
        json={"secret": made["manage_secret"], "slot_start": later.isoformat()},
    )
    assert answers.check(moved)["booking"]["slot_start"] == "2026-12-02T05:00:00+00:00"
    assert moved.get_json()["booking"]["code"] == code


def test_a_lost_code_is_found_by_phone_and_date(portal: Api, answers: DocumentedAnswers) -> None:
    made = answers.check(book(portal, answers, TUESDAY_10))
    found = portal.post(
        "/api/v1/booking/lookup", json={"date": "2026-12-01", "phone": "+62 812 3456 7890"}
    )
    assert [b["code"] for b in answers.check(found)["bookings"]] == [made["booking"]["code"]]
    other_day = portal.post(
        "/api/v1/booking/lookup", json={"date": "2026-12-02", "phone": "081234567890"}
    )
    assert answers.check(other_day)["bookings"] == []
    no_key = portal.post("/api/v1/booking/lookup", json={"date": "2026-12-01"})
    assert answers.check(no_key)["error"]["code"] == "validation_error"


def test_only_partner_apps_staff_kiosks_and_counters_may_book(
    portal: Api, api: Api, answers: DocumentedAnswers
) -> None:
    anonymous = api.get("/api/v1/booking/services")
    assert answers.check(anonymous)["error"]["code"] == "unauthenticated"
    board = api.as_device("display-a").get("/api/v1/booking/services")
    assert board.status_code == 403 and answers.check(board)["error"]["code"] == "forbidden"
    assert api.as_device("kiosk").get("/api/v1/booking/services").status_code == 200
    assert api.as_user("petugas.dk").get("/api/v1/booking/services").status_code == 200


def test_an_address_over_its_budget_waits(portal: Api, clock: FakeClock) -> None:
    for _ in range(API_BUDGET):
        assert portal.get("/api/v1/bookings/ZZZZZZZZ").status_code == 404
    refused = portal.get("/api/v1/bookings/ZZZZZZZZ")
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == "too_many_attempts"
    assert 1 <= int(refused.headers["Retry-After"]) <= 61
    clock.advance(seconds=61)
    assert portal.get("/api/v1/bookings/ZZZZZZZZ").status_code == 404
