"""Issuing tickets over HTTP, the visitor's public status page, and the staff's changes to
a ticket no counter holds (printed report, cancel, requeue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from server.models import Holiday, Service
from tests.conftest import JAKARTA, Api, FakeClock
from tests.factories import Hall
from tests.server.api.responses import assert_error

TICKETS = "/api/v1/tickets"


def change_service(app: Flask, service_id: int, **values: Any) -> None:
    """What an admin would change in the service's configuration."""
    with app.extensions["antre"].db.write() as session:
        service = session.get(Service, service_id)
        assert service is not None
        for name, value in values.items():
            setattr(service, name, value)


def no_show_ticket(api: Api, hall: Hall) -> dict[str, Any]:
    """A DK-KTP ticket called three times at counter 1 whose visitor never came."""
    ticket = api.as_device("kiosk").issue(hall.ktp)
    officer = api.as_user("petugas.dk")
    officer.counter(hall.c1, "open")
    assert officer.counter(hall.c1, "next").get_json()["ticket"]["id"] == ticket["id"]
    officer.counter(hall.c1, "recall")
    officer.counter(hall.c1, "recall")
    response = officer.counter(hall.c1, "no-show")
    assert response.status_code == 200, response.get_json()
    return ticket


@pytest.fixture
def kiosk(api: Api) -> Api:
    return api.as_device("kiosk")


@pytest.fixture
def officer(api: Api) -> Api:
    return api.as_user("petugas.dk")


# --- issuing ------------------------------------------------------------------------


def test_a_kiosk_gets_the_first_number_with_nobody_ahead(kiosk: Api, hall: Hall) -> None:
    response = kiosk.post(TICKETS, json={"service_id": hall.ktp, "printed": True})

    assert response.status_code == 201
    body = response.get_json()
    assert body["ticket"]["number"] == "DK-001"
    assert body["ticket"]["state"] == "waiting"
    assert body["ticket"]["source"] == "kiosk"
    assert body["ticket"]["priority"] == "none"
    assert body["ticket"]["printed"] is True
    assert body["people_ahead"] == 0
    assert isinstance(body["estimated_wait_minutes"], int)
    assert "Idempotent-Replayed" not in response.headers


def test_the_next_visitor_sees_one_person_ahead(kiosk: Api, hall: Hall, clock: FakeClock) -> None:
    kiosk.issue(hall.ktp)
    clock.advance(minutes=1)

    body = kiosk.post(TICKETS, json={"service_id": hall.ktp}).get_json()

    assert body["ticket"]["number"] == "DK-002"
    assert body["people_ahead"] == 1


def test_services_sharing_a_series_share_its_numbers(kiosk: Api, hall: Hall) -> None:
    numbers = [kiosk.issue(hall.ktp)["number"], kiosk.issue(hall.kk)["number"]]
    numbers.append(kiosk.issue(hall.pkb)["number"])

    assert numbers == ["DK-001", "DK-002", "SM-001"]


def test_a_priority_ticket_is_issued_where_priority_is_offered(kiosk: Api, hall: Hall) -> None:
    assert kiosk.issue(hall.ktp, priority="elderly")["priority"] == "elderly"


def test_a_retry_with_the_same_idempotency_key_returns_the_same_ticket(
    kiosk: Api, hall: Hall
) -> None:
    """A kiosk whose answer got lost on the network retries: one ticket, one number."""
    key = {"Idempotency-Key": "kiosk-1-req-0001"}
    first = kiosk.post(TICKETS, json={"service_id": hall.ktp}, headers=key)

    retry = kiosk.post(TICKETS, json={"service_id": hall.ktp}, headers=key)

    assert first.status_code == retry.status_code == 201
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert retry.get_json()["ticket"]["id"] == first.get_json()["ticket"]["id"]
    assert retry.get_json()["ticket"]["number"] == first.get_json()["ticket"]["number"] == "DK-001"
    assert kiosk.issue(hall.ktp)["number"] == "DK-002"  # no number lost to the retry


def test_a_retry_may_differ_in_whether_the_ticket_was_printed(kiosk: Api, hall: Hall) -> None:
    key = {"Idempotency-Key": "k-printed"}
    first = kiosk.post(TICKETS, json={"service_id": hall.ktp, "printed": True}, headers=key)
    retry = kiosk.post(TICKETS, json={"service_id": hall.ktp, "printed": False}, headers=key)

    assert retry.status_code == 201
    assert retry.get_json()["ticket"]["id"] == first.get_json()["ticket"]["id"]


def test_the_same_idempotency_key_for_another_request_is_refused(kiosk: Api, hall: Hall) -> None:
    key = {"Idempotency-Key": "kiosk-1-req-0002"}
    kiosk.post(TICKETS, json={"service_id": hall.ktp}, headers=key)

    response = kiosk.post(TICKETS, json={"service_id": hall.kk}, headers=key)

    assert_error(response, 422, "idempotency_key_reused")
    assert kiosk.issue(hall.kk)["number"] == "DK-002"


def test_idempotency_keys_belong_to_their_caller(api: Api, kiosk: Api, hall: Hall) -> None:
    """Two callers picking the same key (a counter, a kiosk) still get two tickets."""
    key = {"Idempotency-Key": "1"}
    at_kiosk = kiosk.post(TICKETS, json={"service_id": hall.ktp}, headers=key).get_json()
    at_counter = api.as_user("petugas.dk").post(TICKETS, json={"service_id": hall.ktp}, headers=key)

    assert at_counter.status_code == 201
    assert "Idempotent-Replayed" not in at_counter.headers
    assert at_counter.get_json()["ticket"]["id"] != at_kiosk["ticket"]["id"]


@pytest.mark.parametrize("key", ["k" * 129, "   ", "tab\there"])
def test_an_unusable_idempotency_key_is_refused(kiosk: Api, hall: Hall, key: str) -> None:
    response = kiosk.post(TICKETS, json={"service_id": hall.ktp}, headers={"Idempotency-Key": key})

    error = assert_error(response, 422, "validation_error")
    assert "Idempotency-Key" in error["message"]


def test_a_key_of_the_longest_allowed_length_works(kiosk: Api, hall: Hall) -> None:
    key = {"Idempotency-Key": "k" * 128}

    assert kiosk.post(TICKETS, json={"service_id": hall.ktp}, headers=key).status_code == 201


def test_priority_is_refused_where_the_service_does_not_offer_it(
    app: Flask, kiosk: Api, hall: Hall
) -> None:
    change_service(app, hall.pkb, priority_offered=False)

    response = kiosk.post(TICKETS, json={"service_id": hall.pkb, "priority": "pregnant"})

    assert_error(response, 422, "priority_not_offered")
    assert kiosk.issue(hall.pkb)["priority"] == "none"


def test_a_used_up_daily_quota_refuses_the_next_ticket(app: Flask, kiosk: Api, hall: Hall) -> None:
    change_service(app, hall.ktp, daily_quota=2)
    kiosk.issue(hall.ktp)
    kiosk.issue(hall.ktp)

    response = kiosk.post(TICKETS, json={"service_id": hall.ktp})

    error = assert_error(response, 409, "quota_exhausted")
    assert error["details"]["quota"] == 2


def test_a_refused_ticket_does_not_use_up_a_number(app: Flask, kiosk: Api, hall: Hall) -> None:
    change_service(app, hall.ktp, daily_quota=1)
    kiosk.issue(hall.ktp)
    assert kiosk.post(TICKETS, json={"service_id": hall.ktp}).status_code == 409

    assert kiosk.issue(hall.kk)["number"] == "DK-002"


def test_no_ticket_on_a_holiday(app: Flask, kiosk: Api, hall: Hall) -> None:
    with app.extensions["antre"].db.write() as session:
        session.add(Holiday(date=dt.date(2026, 11, 30), name="Cuti bersama"))

    assert_error(kiosk.post(TICKETS, json={"service_id": hall.ktp}), 409, "service_closed")


def test_no_ticket_after_the_service_closes_for_the_day(
    app: Flask, kiosk: Api, hall: Hall, clock: FakeClock
) -> None:
    change_service(app, hall.ktp, hours={"mon": ["07:30", "16:00"]})
    clock.set(dt.datetime(2026, 11, 30, 16, 0, tzinfo=JAKARTA))

    error = assert_error(kiosk.post(TICKETS, json={"service_id": hall.ktp}), 409, "service_closed")
    assert error["details"] == {"opens": "07:30", "closes": "16:00"}


def test_no_ticket_on_a_weekday_the_service_does_not_open(
    app: Flask, kiosk: Api, hall: Hall
) -> None:
    change_service(app, hall.ktp, hours={"tue": ["07:30", "16:00"]})

    assert_error(kiosk.post(TICKETS, json={"service_id": hall.ktp}), 409, "service_closed")


def test_an_unknown_service_is_not_found(kiosk: Api) -> None:
    assert_error(kiosk.post(TICKETS, json={"service_id": 9999}), 404, "not_found")


def test_staff_may_issue_a_booked_ticket(officer: Api, hall: Hall) -> None:
    slot = "2026-11-30T10:00:00+07:00"

    ticket = officer.issue(hall.ktp, source="booking", booked_for=slot)

    assert ticket["source"] == "booking"
    assert dt.datetime.fromisoformat(ticket["booked_for"]) == dt.datetime.fromisoformat(slot)


def test_a_ticket_issued_by_staff_is_marked_as_from_the_counter(officer: Api, hall: Hall) -> None:
    assert officer.issue(hall.ktp)["source"] == "counter"


def test_an_officer_issues_only_for_their_own_agency(api: Api, officer: Api, hall: Hall) -> None:
    refused = officer.post(TICKETS, json={"service_id": hall.pkb})

    assert_error(refused, 403, "forbidden")
    assert api.as_user("admin").issue(hall.pkb)["number"].startswith("SM")


def test_a_booked_slot_needs_a_booking(officer: Api, hall: Hall) -> None:
    body = {"service_id": hall.ktp, "booked_for": "2026-11-30T10:00:00+07:00"}

    error = assert_error(officer.post(TICKETS, json=body), 422, "validation_error")

    assert "booked_for" in error["message"]


# --- the visitor's public page ------------------------------------------------------


def test_the_public_status_needs_no_token_and_shows_no_ids(
    api: Api, kiosk: Api, hall: Hall
) -> None:
    kiosk.issue(hall.ktp)
    ticket = kiosk.issue(hall.ktp)

    response = api.client.get(f"{TICKETS}/{ticket['status_code']}")

    assert response.status_code == 200
    body = response.get_json()
    assert body["ticket"]["number"] == "DK-002"
    assert body["ticket"]["state"] == "waiting"
    assert body["people_ahead"] == 1
    assert "estimated_wait_minutes" in body
    assert isinstance(body["seq"], int)
    for staff_only in ("id", "status_code", "officer_id", "target_counter_id", "source"):
        assert staff_only not in body["ticket"]


def test_the_public_status_shows_the_counter_once_called(
    api: Api, kiosk: Api, officer: Api, hall: Hall
) -> None:
    ticket = kiosk.issue(hall.ktp)
    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "next")

    body = api.client.get(f"{TICKETS}/{ticket['status_code']}").get_json()

    assert body["ticket"]["state"] == "called"
    assert body["ticket"]["counter"] == "Loket 1"


@pytest.mark.parametrize("code", ["tidak-ada-kode", "x" * 33, "1"])
def test_an_unknown_status_code_is_not_found(api: Api, code: str) -> None:
    assert_error(api.client.get(f"{TICKETS}/{code}"), 404, "not_found")


# --- printed report -----------------------------------------------------------------


def test_the_issuing_kiosk_reports_that_its_printer_failed(kiosk: Api, hall: Hall) -> None:
    ticket = kiosk.issue(hall.ktp, printed=True)

    response = kiosk.post(f"{TICKETS}/{ticket['id']}/printed", json={"printed": False})

    assert response.status_code == 200
    assert response.get_json()["ticket"]["printed"] is False


@pytest.mark.parametrize("reporter", ["counter-pc-1", "display-a"])
def test_another_device_cannot_report_a_ticket_printed(
    api: Api, kiosk: Api, hall: Hall, reporter: str
) -> None:
    ticket = kiosk.issue(hall.ktp)

    response = api.as_device(reporter).post(
        f"{TICKETS}/{ticket['id']}/printed", json={"printed": True}
    )

    assert_error(response, 403, "forbidden")


def test_an_officer_cannot_report_a_ticket_printed(kiosk: Api, officer: Api, hall: Hall) -> None:
    ticket = kiosk.issue(hall.ktp)

    response = officer.post(f"{TICKETS}/{ticket['id']}/printed", json={"printed": True})

    assert_error(response, 403, "forbidden")


def test_printed_report_of_an_unknown_ticket_is_not_found(kiosk: Api) -> None:
    assert_error(kiosk.post(f"{TICKETS}/9999/printed", json={"printed": True}), 404, "not_found")


def test_printed_report_needs_the_printed_flag(kiosk: Api, hall: Hall) -> None:
    ticket = kiosk.issue(hall.ktp)

    error = assert_error(
        kiosk.post(f"{TICKETS}/{ticket['id']}/printed", json={}), 422, "validation_error"
    )
    assert error["details"]["field"] == "printed"


# --- cancel -------------------------------------------------------------------------


def test_an_officer_cancels_a_waiting_ticket_of_their_agency(
    kiosk: Api, officer: Api, hall: Hall
) -> None:
    ticket = kiosk.issue(hall.kk)

    response = officer.post(f"{TICKETS}/{ticket['id']}/cancel", json={"reason": "pulang"})

    assert response.status_code == 200
    assert response.get_json()["ticket"]["state"] == "cancelled"
    assert officer.counter(hall.c2, "open").status_code == 200
    assert officer.counter(hall.c2, "next").get_json()["ticket"] is None


def test_a_cancel_needs_no_reason(kiosk: Api, officer: Api, hall: Hall) -> None:
    ticket = kiosk.issue(hall.kk)

    assert officer.post(f"{TICKETS}/{ticket['id']}/cancel").status_code == 200


def test_a_cancelled_ticket_cannot_be_cancelled_again(kiosk: Api, officer: Api, hall: Hall) -> None:
    ticket = kiosk.issue(hall.kk)
    officer.post(f"{TICKETS}/{ticket['id']}/cancel")

    assert_error(officer.post(f"{TICKETS}/{ticket['id']}/cancel"), 409, "invalid_transition")


def test_a_called_ticket_cannot_be_cancelled(kiosk: Api, officer: Api, hall: Hall) -> None:
    ticket = kiosk.issue(hall.ktp)
    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "next")

    assert_error(officer.post(f"{TICKETS}/{ticket['id']}/cancel"), 409, "invalid_transition")


def test_a_cancel_reason_longer_than_200_characters_is_refused(
    kiosk: Api, officer: Api, hall: Hall
) -> None:
    ticket = kiosk.issue(hall.ktp)

    response = officer.post(f"{TICKETS}/{ticket['id']}/cancel", json={"reason": "x" * 201})

    assert_error(response, 422, "validation_error")


def test_cancelling_an_unknown_ticket_is_not_found(officer: Api) -> None:
    assert_error(officer.post(f"{TICKETS}/9999/cancel"), 404, "not_found")


# --- requeue ------------------------------------------------------------------------


def test_a_returning_no_show_goes_back_a_few_places_down(
    api: Api, kiosk: Api, hall: Hall, clock: FakeClock
) -> None:
    missed = no_show_ticket(api, hall)
    for _ in range(4):
        clock.advance(minutes=1)
        kiosk.issue(hall.ktp)

    response = api.as_user("petugas.dk").post(
        f"{TICKETS}/{missed['id']}/requeue", json={"places": 2}
    )

    assert response.status_code == 200
    body = response.get_json()
    assert body["ticket"]["state"] == "waiting"
    assert body["people_ahead"] == 2


def test_requeue_uses_the_configured_places_by_default(
    api: Api, kiosk: Api, hall: Hall, clock: FakeClock
) -> None:
    missed = no_show_ticket(api, hall)
    for _ in range(5):
        clock.advance(minutes=1)
        kiosk.issue(hall.ktp)

    body = api.as_user("petugas.dk").post(f"{TICKETS}/{missed['id']}/requeue").get_json()

    assert body["people_ahead"] == 3


def test_a_waiting_ticket_cannot_be_requeued(kiosk: Api, officer: Api, hall: Hall) -> None:
    ticket = kiosk.issue(hall.ktp)

    assert_error(officer.post(f"{TICKETS}/{ticket['id']}/requeue"), 409, "invalid_transition")


def test_a_no_show_of_yesterday_cannot_be_requeued(api: Api, hall: Hall, clock: FakeClock) -> None:
    missed = no_show_ticket(api, hall)
    clock.advance(days=1)

    response = api.as_user("petugas.dk").post(f"{TICKETS}/{missed['id']}/requeue")

    assert_error(response, 409, "invalid_transition")


@pytest.mark.parametrize("places", [-1, 51, "3", 2.5, None])
def test_requeue_places_must_be_a_whole_number_up_to_50(api: Api, hall: Hall, places: Any) -> None:
    missed = no_show_ticket(api, hall)

    response = api.as_user("petugas.dk").post(
        f"{TICKETS}/{missed['id']}/requeue", json={"places": places}
    )

    assert_error(response, 422, "validation_error")


def test_requeueing_an_unknown_ticket_is_not_found(officer: Api) -> None:
    assert_error(officer.post(f"{TICKETS}/9999/requeue"), 404, "not_found")
