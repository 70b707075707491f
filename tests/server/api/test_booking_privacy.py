"""A visitor's name, phone and NIK are kept with the booking and nowhere else on the way:
not in the server's log lines (the request log included) and not in any pushed event,
through a booking's whole life over the API (booked by a partner app with a NIK, found
again by phone, moved, checked in at the kiosk, a second one cancelled by its link)
(issue 16, point 7). The clock stands on Monday 30 November 2026, 09.00 in Jakarta; the
test hall opens round the clock."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

import pytest
from flask import Flask

from server.domain.devices import register_device
from server.extensions import socketio
from server.models import BookingSettings
from server.state import AppState
from tests.conftest import JAKARTA, Api, FakeClock

NAME = "Siti Rahmawati"
PHONE = "0812-3456-7890"
NIK = "3603121205890004"
# What would betray the person in a line of text: the name, the number in any form the
# server writes it, the NIK (its last four digits alone would match request ids by chance).
SECRETS = (NAME, "Rahmawati", "81234567890", "3456-7890", "34567890", NIK, NIK[:12])


@pytest.fixture
def portal(app: Flask, api: Api, clock: FakeClock) -> Api:
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        session.merge(
            BookingSettings(
                service_id=api.hall.kk,
                enabled=True,
                capacity=5,
                cutoff_minutes=0,
                nik_required=True,
            )
        )
        _device, token = register_device(
            session, "Portal Kab.", "portal", None, None, None, clock()
        )
    return Api(api.client, api.hall, token)


def slot(hour: int, minute: int = 0) -> str:
    return dt.datetime(2026, 11, 30, hour, minute, tzinfo=JAKARTA).isoformat()


def answer(response: Any, status: int = 200) -> Any:
    """The JSON of an answer, closed as a server closes a sent answer (the request log
    writes its line then)."""
    body = response.get_json()
    response.close()
    assert response.status_code == status, body
    return body


def text_of(received: list[dict[str, Any]]) -> str:
    return repr([(message["name"], message["args"]) for message in received])


def test_name_phone_and_nik_are_never_logged_nor_pushed(
    app: Flask, api: Api, portal: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    admin = api.as_user("admin")
    hall_room = socketio.test_client(app, auth={"token": admin.token})
    board = socketio.test_client(app, auth={"token": api.hall.tokens["display-a"]})
    for listener in (hall_room, board):
        listener.get_received()
    visitor = {"name": NAME, "phone": PHONE, "nik": NIK}
    body = {"service_id": api.hall.kk, "slot_start": slot(10), **visitor}

    made = answer(portal.post("/api/v1/bookings", json=body), 201)
    code, secret = made["booking"]["code"], made["manage_secret"]
    found = answer(
        portal.post("/api/v1/booking/lookup", json={"date": "2026-11-30", "phone": PHONE})
    )
    assert [b["code"] for b in found["bookings"]] == [code]
    answer(
        portal.post(
            f"/api/v1/bookings/{code}/reschedule",
            json={"secret": secret, "slot_start": slot(9, 30)},
        )
    )
    answer(api.as_device("kiosk").post(f"/api/v1/bookings/{code}/check-in"), 201)
    again = {**body, "slot_start": slot(11), "phone": "0813-0000-1111", "nik": NIK[:-1] + "9"}
    other = answer(portal.post("/api/v1/bookings", json=again), 201)
    answer(
        portal.post(
            f"/api/v1/bookings/{other['booking']['code']}/cancel",
            json={"secret": other["manage_secret"]},
        )
    )

    pushed = text_of(hall_room.get_received()) + text_of(board.get_received())
    hall_room.disconnect()
    board.disconnect()
    assert "ticket.issued" in pushed  # the check-in's ticket was pushed, without the person
    logged = caplog.text
    assert "POST /api/v1/bookings" in logged  # the request log was heard
    for secret_text in SECRETS:
        assert secret_text not in pushed, secret_text
        assert secret_text not in logged, secret_text
