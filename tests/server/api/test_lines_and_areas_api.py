"""What visitors and officers are told about a line: where to wait, whether anybody can
call it, and how it stands before a transfer."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import delete

from server.models import CounterService
from tests.conftest import Api
from tests.factories import Hall
from tests.server.api.responses import assert_error, ok

TICKETS = "/api/v1/tickets"


def unlink_service(app: Flask, service_id: int) -> None:
    """The console takes the service off every counter."""
    with app.extensions["antre"].db.write() as session:
        session.execute(delete(CounterService).where(CounterService.service_id == service_id))


def test_the_kiosk_is_told_where_the_visitor_waits(api: Api, hall: Hall) -> None:
    body = api.as_device("kiosk").post(TICKETS, json={"service_id": hall.kk}).get_json()
    # DK-KK is served at Loket 1 and Loket 2, both in Zona A.
    assert body["ticket"]["area"]["text"] == "Zona A (Loket 1–2)"
    assert body["ticket"]["area"]["zones"] == [
        {"code": "zona-a", "name": "Zona A", "counters": ["Loket 1", "Loket 2"]}
    ]
    assert (body["open_counters"], body["wait"]) == (0, "closed")  # not "you are next"


def test_the_visitors_page_follows_a_transfer_to_another_agencys_area(api: Api, hall: Hall) -> None:
    ticket = api.as_device("kiosk").issue(hall.ktp)
    page = f"{TICKETS}/{ticket['status_code']}"
    assert api.client.get(page).get_json()["ticket"]["area"]["text"] == "Zona A (Loket 1)"
    officer = api.as_user("petugas.dk")
    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "next")
    called = api.client.get(page).get_json()
    assert called["ticket"]["counter"] == "Loket 1"
    assert called["ticket"]["area"]["text"] == "Zona A (Loket 1)"

    ok(officer.counter(hall.c1, "transfer", json={"service_id": hall.pkb}))
    moved = api.client.get(page).get_json()
    # SM-PKB is served at Loket 3 (Zona A) and Loket 4 (Zona B).
    assert moved["ticket"]["area"]["text"] == "Zona A (Loket 3); Zona B (Loket 4)"
    assert (moved["people_ahead"], moved["open_counters"]) == (0, 0)


def test_a_service_no_counter_serves_is_refused_and_nothing_is_numbered(
    app: Flask, api: Api, hall: Hall
) -> None:
    unlink_service(app, hall.kk)
    kiosk = api.as_device("kiosk")
    config = kiosk.get("/api/v1/config").get_json()
    assert {s["id"]: s["area"] for s in config["services"]}[hall.kk] is None
    assert_error(kiosk.post(TICKETS, json={"service_id": hall.kk}), 409, "service_unstaffed")
    assert kiosk.issue(hall.ktp)["number"] == "DK-001"  # the series (shared) skipped nothing


def test_an_officer_cannot_send_a_visitor_to_a_line_nobody_serves(
    app: Flask, api: Api, hall: Hall
) -> None:
    unlink_service(app, hall.kk)
    api.as_device("kiosk").issue(hall.ktp)
    officer = api.as_user("petugas.dk")
    officer.counter(hall.c1, "open")
    officer.counter(hall.c1, "next")
    response = officer.counter(hall.c1, "transfer", json={"service_id": hall.kk})
    assert_error(response, 409, "service_unstaffed")
    assert ok(officer.get(f"/api/v1/counters/{hall.c1}"))["ticket"]["state"] == "called"


def test_before_a_transfer_the_officer_sees_how_the_other_line_stands(
    app: Flask, api: Api, hall: Hall
) -> None:
    api.as_device("kiosk").issue(hall.pkb)
    officer = api.as_user("petugas.dk")
    line = ok(officer.get(f"/api/v1/services/{hall.pkb}/line"))
    assert line == {
        "service_id": hall.pkb,
        "open_now": True,
        "staffed": True,
        "open_counters": 0,
        "paused_counters": 0,
        "waiting": 1,
        "estimated_wait_minutes": 10,
    }
    samsat = api.as_user("petugas.sm")
    samsat.counter(hall.c3, "open")
    assert ok(officer.get(f"/api/v1/services/{hall.pkb}/line"))["open_counters"] == 1
    samsat.counter(hall.c3, "pause")  # lunch: none open, but on a break, not closed
    line = ok(officer.get(f"/api/v1/services/{hall.pkb}/line"))
    assert (line["open_counters"], line["paused_counters"]) == (0, 1)
    samsat.counter(hall.c3, "resume")
    unlink_service(app, hall.kk)
    assert ok(officer.get(f"/api/v1/services/{hall.kk}/line"))["staffed"] is False
    assert_error(officer.get("/api/v1/services/999999/line"), 404, "not_found")
