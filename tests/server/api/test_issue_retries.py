"""A kiosk's retry with its Idempotency-Key (server.domain.tickets.issue_ticket): whatever
happened to the service between the first attempt and the retry, the retry gets the
first ticket; a key used for another request is refused; a refusal stores no key.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import update

from server.models import Holiday, Service
from tests.conftest import Api
from tests.factories import Hall

TICKETS = "/api/v1/tickets"


@pytest.fixture
def kiosk(api: Api) -> Api:
    return api.as_device("kiosk")


def change_service(app: Flask, service_id: int, **values: Any) -> None:
    with app.extensions["antre"].db.write() as session:
        session.execute(update(Service).where(Service.id == service_id).values(**values))


def close_the_hall_today(app: Flask, _: int) -> None:
    with app.extensions["antre"].db.write() as session:
        session.add(Holiday(date=dt.date(2026, 11, 30), name="Cuti bersama"))


def close_the_service(app: Flask, service_id: int) -> None:
    change_service(app, service_id, hours={"tue": ["07:30", "16:00"]})


def stop_offering_it(app: Flask, service_id: int) -> None:
    change_service(app, service_id, active=False)


def use_up_the_quota(app: Flask, service_id: int) -> None:
    change_service(app, service_id, daily_quota=1)


def stop_offering_priority(app: Flask, service_id: int) -> None:
    change_service(app, service_id, priority_offered=False)


SINCE_THEN = {
    "holiday": close_the_hall_today,
    "closed": close_the_service,
    "inactive": stop_offering_it,
    "quota": use_up_the_quota,
    "no-priority": stop_offering_priority,
}


@pytest.mark.parametrize("since_then", SINCE_THEN.values(), ids=SINCE_THEN.keys())
def test_a_retry_gets_its_first_ticket_whatever_changed_since(
    app: Flask, kiosk: Api, hall: Hall, since_then: Any
) -> None:
    """The kiosk printed nothing (the answer was lost); its retry must not be refused."""
    request = {"service_id": hall.ktp, "priority": "elderly"}
    key = {"Idempotency-Key": "kiosk-1-0007"}
    first = kiosk.post(TICKETS, json=request, headers=key)
    assert first.status_code == 201
    since_then(app, hall.ktp)

    retry = kiosk.post(TICKETS, json=request, headers=key)

    assert retry.status_code == 201, retry.get_json()
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json()["ticket"]["id"] == first.get_json()["ticket"]["id"]


def test_a_key_used_for_another_service_is_refused_before_that_service_is_asked(
    app: Flask, kiosk: Api, hall: Hall
) -> None:
    key = {"Idempotency-Key": "kiosk-1-0008"}
    kiosk.post(TICKETS, json={"service_id": hall.ktp}, headers=key)
    close_the_service(app, hall.pkb)

    response = kiosk.post(TICKETS, json={"service_id": hall.pkb}, headers=key)

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "idempotency_key_reused"


def test_a_refused_request_keeps_no_key_and_its_retry_is_a_new_ticket(
    app: Flask, kiosk: Api, hall: Hall
) -> None:
    key = {"Idempotency-Key": "kiosk-1-0009"}
    close_the_service(app, hall.ktp)
    refused = kiosk.post(TICKETS, json={"service_id": hall.ktp}, headers=key)
    assert refused.get_json()["error"]["code"] == "service_closed"
    change_service(app, hall.ktp, hours={"mon": ["00:00", "24:00"]})

    retry = kiosk.post(TICKETS, json={"service_id": hall.ktp}, headers=key)

    assert retry.status_code == 201
    assert "Idempotent-Replayed" not in retry.headers
    assert retry.get_json()["ticket"]["number"] == "DK-001"


def test_a_key_used_twice_costs_no_number(kiosk: Api, hall: Hall) -> None:
    key = {"Idempotency-Key": "kiosk-1-0010"}
    first = kiosk.post(TICKETS, json={"service_id": hall.kk}, headers=key).get_json()
    kiosk.post(TICKETS, json={"service_id": hall.kk}, headers=key)
    kiosk.post(TICKETS, json={"service_id": hall.ktp}, headers=key)

    assert first["ticket"]["number"] == "DK-001"
    assert kiosk.issue(hall.kk)["number"] == "DK-002"
