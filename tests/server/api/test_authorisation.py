"""Who may do what over HTTP: each rule pinned down by a call that must be refused.

Rules (server/domain/access.py): every endpoint needs a token except login and the
visitor's ticket page; kiosks issue, displays only listen, counter terminals read but do
not operate; officers and supervisors act within their own agency; admins everywhere.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from tests.conftest import Api
from tests.factories import Hall
from tests.server.api.responses import assert_error


def ticket_state(api: Api, ticket: dict[str, Any]) -> str:
    """What the visitor's page says, read without any token."""
    state: str = api.client.get(f"/api/v1/tickets/{ticket['status_code']}").get_json()["ticket"][
        "state"
    ]
    return state


# Every /api/v1 endpoint that needs a token, with the ids filled in by ``fill``.
PROTECTED = [
    ("POST", "/api/v1/auth/logout"),
    ("GET", "/api/v1/auth/me"),
    ("GET", "/api/v1/config"),
    ("GET", "/api/v1/settings"),
    ("PATCH", "/api/v1/settings"),
    *(
        ("POST", f"/api/v1/counters/<int:counter_id>/{action}")
        for action in (
            "open",
            "pause",
            "resume",
            "close",
            "next",
            "call",
            "recall",
            "start",
            "finish",
            "no-show",
            "transfer",
        )
    ),
    ("GET", "/api/v1/counters/<int:counter_id>"),
    ("GET", "/api/v1/counters/<int:counter_id>/queue"),
    ("POST", "/api/v1/devices/me/health"),
    ("GET", "/api/v1/displays/<string:zone_code>/snapshot"),
    ("GET", "/api/v1/agencies/<string:agency_code>/snapshot"),
    ("GET", "/api/v1/hall/snapshot"),
    ("GET", "/api/v1/reports"),
    ("GET", "/api/v1/reports/skm"),
    ("GET", "/api/v1/survey/counters/<int:counter_id>"),
    ("POST", "/api/v1/survey/counters/<int:counter_id>/answers"),
    ("POST", "/api/v1/survey/kiosk/lookup"),
    ("POST", "/api/v1/survey/kiosk/answers"),
    ("GET", "/api/v1/services/<int:service_id>/line"),
    ("POST", "/api/v1/tickets"),
    ("POST", "/api/v1/tickets/<int:ticket_id>/printed"),
    ("POST", "/api/v1/tickets/<int:ticket_id>/cancel"),
    ("POST", "/api/v1/tickets/<int:ticket_id>/requeue"),
    ("POST", "/api/v1/bookings/<string:code>/check-in"),
    ("GET", "/api/v1/booking/services"),
    ("GET", "/api/v1/booking/services/<int:service_id>/days"),
    ("POST", "/api/v1/booking/lookup"),
    ("POST", "/api/v1/bookings"),
    ("GET", "/api/v1/bookings/<string:code>"),
    ("POST", "/api/v1/bookings/<string:code>/cancel"),
    ("POST", "/api/v1/bookings/<string:code>/reschedule"),
]
PUBLIC = [
    ("POST", "/api/v1/auth/login"),
    ("GET", "/api/v1/tickets/<string:status_code>"),
]
GARBAGE_TOKENS = [
    "Bearer nonsense",
    "Bearer ant_u_" + "A" * 43,
    "Bearer ant_d_" + "A" * 43,
    "Bearer ",
    "Basic YWRtaW46cmFoYXNpYS0xMjM=",
    "ant_d_token-without-scheme",
]


def fill(rule: str, hall: Hall, ticket_id: int) -> str:
    return (
        rule.replace("<int:counter_id>", str(hall.c1))
        .replace("<int:ticket_id>", str(ticket_id))
        .replace("<int:service_id>", str(hall.ktp))
        .replace("<string:zone_code>", "zona-a")
        .replace("<string:agency_code>", "DK")
        .replace("<string:code>", "K7QM3XHD")
        .replace("<string:code>", "K7QM3XHD")
    )


def test_the_tables_cover_every_api_endpoint(app: Flask) -> None:
    """A new endpoint must be placed in PROTECTED or PUBLIC, so it is tested below."""
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/")
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    }

    assert routes == set(PROTECTED) | set(PUBLIC)


@pytest.mark.parametrize(("method", "rule"), PROTECTED, ids=lambda v: str(v))
def test_every_endpoint_but_login_and_the_ticket_page_needs_a_token(
    api: Api, hall: Hall, method: str, rule: str
) -> None:
    ticket = api.as_device("kiosk").issue(hall.ktp)
    path = fill(rule, hall, ticket["id"])

    assert_error(api.client.open(path, method=method, json={}), 401, "unauthenticated")
    for garbage in GARBAGE_TOKENS:
        response = api.client.open(path, method=method, json={}, headers={"Authorization": garbage})
        assert_error(response, 401, "unauthenticated")
    assert ticket_state(api, ticket) == "waiting"


def test_login_and_the_ticket_page_need_no_token(api: Api, hall: Hall) -> None:
    ticket = api.as_device("kiosk").issue(hall.ktp)

    assert api.client.get(f"/api/v1/tickets/{ticket['status_code']}").status_code == 200
    assert (
        api.client.post(
            "/api/v1/auth/login", json={"username": "admin", "password": "rahasia-123"}
        ).status_code
        == 200
    )


# --- devices ------------------------------------------------------------------------


def test_a_kiosk_issues_but_does_not_operate_a_counter(api: Api, hall: Hall) -> None:
    kiosk = api.as_device("kiosk")

    assert kiosk.post("/api/v1/tickets", json={"service_id": hall.ktp}).status_code == 201
    assert_error(kiosk.counter(hall.c1, "open"), 403, "forbidden")
    assert_error(kiosk.counter(hall.c1, "next"), 403, "forbidden")


@pytest.mark.parametrize(
    "field", [{"source": "booking"}, {"booked_for": None}, {"source": "kiosk"}]
)
def test_a_kiosk_cannot_set_source_or_booked_for(
    api: Api, hall: Hall, field: dict[str, Any]
) -> None:
    response = api.as_device("kiosk").post(
        "/api/v1/tickets", json={"service_id": hall.ktp, **field}
    )

    assert_error(response, 403, "forbidden")


def test_a_kiosk_cannot_cancel_a_ticket(api: Api, hall: Hall) -> None:
    kiosk = api.as_device("kiosk")
    ticket = kiosk.issue(hall.ktp)

    assert_error(kiosk.post(f"/api/v1/tickets/{ticket['id']}/cancel"), 403, "forbidden")
    assert ticket_state(api, ticket) == "waiting"


def test_a_display_may_not_issue_a_ticket(api: Api, hall: Hall) -> None:
    response = api.as_device("display-a").post("/api/v1/tickets", json={"service_id": hall.ktp})

    assert_error(response, 403, "forbidden")
    assert api.as_device("kiosk").issue(hall.ktp)["number"] == "DK-001"  # no number used


@pytest.mark.parametrize("action", ["open", "next", "close", "pause"])
def test_a_display_may_not_operate_a_counter(api: Api, hall: Hall, action: str) -> None:
    assert_error(api.as_device("display-a").counter(hall.c1, action), 403, "forbidden")


def test_a_display_reads_its_own_zone_only(api: Api) -> None:
    display = api.as_device("display-a")

    assert display.get("/api/v1/displays/zona-a/snapshot").status_code == 200
    assert_error(display.get("/api/v1/displays/zona-b/snapshot"), 403, "forbidden")


def test_a_display_does_not_see_counters_queues(api: Api, hall: Hall) -> None:
    display = api.as_device("display-a")

    assert_error(display.get(f"/api/v1/counters/{hall.c1}/queue"), 404, "not_found")


@pytest.mark.parametrize("action", ["open", "next"])
def test_a_counter_terminal_cannot_operate_even_its_own_counter(
    api: Api, hall: Hall, action: str
) -> None:
    """An officer must log in, so every call is recorded against a person."""
    assert_error(api.as_device("counter-pc-1").counter(hall.c1, action), 403, "forbidden")


def test_only_devices_report_their_health(api: Api) -> None:
    response = api.as_user("admin").post("/api/v1/devices/me/health", json={"printer": "ok"})

    assert_error(response, 403, "forbidden")


# --- officers and supervisors -------------------------------------------------------


@pytest.mark.parametrize("action", ["open", "next"])
def test_a_samsat_officer_cannot_operate_a_disdukcapil_counter(
    api: Api, hall: Hall, action: str
) -> None:
    assert_error(api.as_user("petugas.sm").counter(hall.c1, action), 403, "forbidden")


def test_a_samsat_officer_cannot_cancel_a_disdukcapil_ticket(api: Api, hall: Hall) -> None:
    ticket = api.as_device("kiosk").issue(hall.ktp)

    response = api.as_user("petugas.sm").post(f"/api/v1/tickets/{ticket['id']}/cancel")

    assert_error(response, 403, "forbidden")
    assert ticket_state(api, ticket) == "waiting"


def test_a_samsat_officer_cannot_requeue_a_disdukcapil_ticket(api: Api, hall: Hall) -> None:
    ticket = api.as_device("kiosk").issue(hall.ktp)

    response = api.as_user("petugas.sm").post(f"/api/v1/tickets/{ticket['id']}/requeue")

    assert_error(response, 403, "forbidden")


def test_another_agencys_counter_is_hidden_from_an_officer(api: Api, hall: Hall) -> None:
    officer = api.as_user("petugas.sm")

    assert_error(officer.get(f"/api/v1/counters/{hall.c1}"), 404, "not_found")
    assert_error(officer.get(f"/api/v1/counters/{hall.c1}/queue"), 404, "not_found")


def test_a_supervisor_operates_their_agencys_counters_only(api: Api, hall: Hall) -> None:
    api.as_device("kiosk").issue(hall.ktp)
    supervisor = api.as_user("sup.dk")

    assert supervisor.counter(hall.c1, "open").status_code == 200
    assert supervisor.counter(hall.c1, "next").get_json()["ticket"]["number"] == "DK-001"
    assert_error(supervisor.counter(hall.c3, "open"), 403, "forbidden")


def test_a_supervisor_cannot_cancel_another_agencys_ticket(api: Api, hall: Hall) -> None:
    ticket = api.as_device("kiosk").issue(hall.pkb)

    response = api.as_user("sup.dk").post(f"/api/v1/tickets/{ticket['id']}/cancel")

    assert_error(response, 403, "forbidden")


def test_an_officer_cannot_read_the_whole_hall(api: Api) -> None:
    assert_error(api.as_user("petugas.dk").get("/api/v1/hall/snapshot"), 403, "forbidden")


@pytest.mark.parametrize("name", ["sup.dk", "petugas.dk"])
def test_only_an_admin_changes_settings(api: Api, name: str) -> None:
    response = api.as_user(name).patch("/api/v1/settings", json={"site_name": "MPP Lain"})

    assert_error(response, 403, "forbidden")


@pytest.mark.parametrize("name", ["kiosk", "display-a", "counter-pc-1"])
def test_no_device_changes_settings(api: Api, name: str) -> None:
    response = api.as_device(name).patch("/api/v1/settings", json={"site_name": "MPP Lain"})

    assert_error(response, 403, "forbidden")


# --- admin --------------------------------------------------------------------------


def test_an_admin_may_do_all(api: Api, hall: Hall) -> None:
    kiosk = api.as_device("kiosk")
    dk_ticket, sm_ticket = kiosk.issue(hall.kk), kiosk.issue(hall.pkb)
    admin = api.as_user("admin")

    for counter_id in (hall.c1, hall.c3):
        assert admin.counter(counter_id, "open").status_code == 200
    assert admin.counter(hall.c3, "next").get_json()["ticket"]["id"] == sm_ticket["id"]
    assert admin.post(f"/api/v1/tickets/{dk_ticket['id']}/cancel").status_code == 200
    assert admin.issue(hall.ktp, source="booking")["source"] == "booking"
    assert admin.patch("/api/v1/settings", json={"site_name": "MPP X"}).status_code == 200
    for path in (
        "/api/v1/displays/zona-b/snapshot",
        "/api/v1/agencies/SM/snapshot",
        "/api/v1/hall/snapshot",
        f"/api/v1/counters/{hall.c4}/queue",
        "/api/v1/settings",
    ):
        assert admin.get(path).status_code == 200, path


def test_any_agencys_staff_and_counter_terminals_see_a_line_but_no_kiosk_or_display(
    api: Api, hall: Hall
) -> None:
    path = f"/api/v1/services/{hall.ktp}/line"
    assert api.as_user("petugas.sm").get(path).status_code == 200  # another agency: counts only
    assert api.as_device("counter-pc-1").get(path).status_code == 200
    assert_error(api.as_device("kiosk").get(path), 403, "forbidden")
    assert_error(api.as_device("display-a").get(path), 403, "forbidden")


# --- reading the hall, a zone, an agency (issue 13, point 6) ---------------------------


def test_a_supervisor_reads_their_agency_and_the_zones_its_counters_are_in(api: Api) -> None:
    sup = api.as_user("sup.dk")  # DK's counters are all in zona-a

    for path in (
        "/api/v1/agencies/DK/snapshot",
        "/api/v1/displays/zona-a/snapshot",
        "/board/zona-a/data.json",
    ):
        assert sup.get(path).status_code == 200, path


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/hall/snapshot",
        "/api/v1/displays/zona-b/snapshot",  # Samsat's counter 4 only
        "/api/v1/agencies/SM/snapshot",
    ],
)
def test_a_supervisor_does_not_read_the_hall_other_zones_or_other_agencies(
    api: Api, path: str
) -> None:
    assert_error(api.as_user("sup.dk").get(path), 403, "forbidden")


def test_a_supervisor_does_not_read_the_board_of_a_zone_without_their_counters(api: Api) -> None:
    assert api.as_user("sup.dk").get("/board/zona-b/data.json").status_code == 403


def device_stored_with_agency(app: Flask, hall: Hall, kind: str) -> str:
    """A kiosk or display with an agency, as ``add-device --agency`` made them before it
    refused: inserted directly, since the CLI no longer can."""
    from server.domain.auth import DEVICE_TOKEN_PREFIX, new_token, token_hash
    from server.models import Device, DeviceKind

    token = new_token(DEVICE_TOKEN_PREFIX)
    with app.extensions["antre"].db.write() as session:
        session.add(
            Device(
                kind=DeviceKind(kind),
                name=f"old {kind} of DK",
                token_hash=token_hash(token),
                zone_id=hall.zone_a,
                agency_id=hall.dk,
                active=True,
                created_at=app.extensions["antre"].clock(),
                health={},
            )
        )
    return token


@pytest.mark.parametrize("kind", ["kiosk", "display"])
def test_a_kiosk_or_display_stored_with_an_agency_cannot_read_its_tickets(
    app: Flask, api: Api, hall: Hall, kind: str
) -> None:
    device = Api(api.client, hall, device_stored_with_agency(app, hall, kind))

    assert_error(device.get("/api/v1/agencies/DK/snapshot"), 403, "forbidden")
