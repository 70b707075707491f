"""Bad input gets a clear 4xx in the one JSON error shape, never a 500.

Kiosks, counter clients and anyone on the hall LAN can send anything; the server must
say what was wrong (the field, the code) and stay up.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import Api
from tests.factories import Hall
from tests.server.api.responses import assert_error

TICKETS = "/api/v1/tickets"


def raw_post(who: Api, path: str, data: bytes | str, content_type: str) -> Any:
    """POST exactly these bytes, as a broken client would."""
    headers = {"Authorization": f"Bearer {who.token}"} if who.token else {}
    return who.client.post(path, data=data, content_type=content_type, headers=headers)


@pytest.fixture
def kiosk(api: Api) -> Api:
    return api.as_device("kiosk")


@pytest.fixture
def admin(api: Api) -> Api:
    return api.as_user("admin")


# --- fields -------------------------------------------------------------------------


def test_an_unknown_field_is_refused_naming_it(kiosk: Api, hall: Hall) -> None:
    response = kiosk.post(TICKETS, json={"service_id": hall.ktp, "layanan": "KTP"})

    error = assert_error(response, 422, "validation_error")
    assert error["details"]["field"] == "layanan"
    assert error["message"].startswith("layanan")


def test_a_missing_required_field_is_named(kiosk: Api) -> None:
    error = assert_error(kiosk.post(TICKETS, json={}), 422, "validation_error")

    assert error["details"]["field"] == "service_id"


def test_an_empty_body_counts_as_an_empty_object(kiosk: Api) -> None:
    error = assert_error(kiosk.post(TICKETS), 422, "validation_error")

    assert error["details"]["field"] == "service_id"


@pytest.mark.parametrize(
    "body",
    [
        {"service_id": "1"},
        {"service_id": True},
        {"service_id": 1.0},
        {"service_id": 1.5},
        {"service_id": None},
        {"service_id": [1]},
        {"service_id": {"id": 1}},
        {"service_id": 0},
        {"service_id": -3},
    ],
    ids=repr,
)
def test_service_id_must_be_a_positive_whole_number(kiosk: Api, body: dict[str, Any]) -> None:
    error = assert_error(kiosk.post(TICKETS, json=body), 422, "validation_error")

    assert error["details"]["field"] == "service_id"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"priority": "vip"}, "priority"),
        ({"priority": None}, "priority"),
        ({"priority": 1}, "priority"),
        ({"printed": "yes"}, "printed"),
        ({"printed": 1}, "printed"),
    ],
    ids=repr,
)
def test_other_issue_fields_are_checked(
    kiosk: Api, hall: Hall, extra: dict[str, Any], field: str
) -> None:
    response = kiosk.post(TICKETS, json={"service_id": hall.ktp, **extra})

    assert assert_error(response, 422, "validation_error")["details"]["field"] == field


def test_printed_may_be_null_when_the_kiosk_does_not_know(kiosk: Api, hall: Hall) -> None:
    assert kiosk.issue(hall.ktp, printed=None)["printed"] is None


@pytest.mark.parametrize(
    "booked_for", ["besok pagi", "2026-11-30T10:00:00", "2026-11-30T10:00:00+07:00" + " " * 30, 5]
)
def test_booked_for_must_be_a_date_time_with_a_time_zone(
    api: Api, hall: Hall, booked_for: Any
) -> None:
    body = {"service_id": hall.ktp, "source": "booking", "booked_for": booked_for}

    response = api.as_user("petugas.dk").post(TICKETS, json=body)

    assert assert_error(response, 422, "validation_error")["details"]["field"] == "booked_for"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "u" * 65, "password": "x"}, "username"),
        ({"username": "", "password": "x"}, "username"),
        ({"username": "admin", "password": "p" * 201}, "password"),
        ({"username": "admin"}, "password"),
        ({"username": 7, "password": "x"}, "username"),
    ],
    ids=repr,
)
def test_login_fields_are_checked(api: Api, body: dict[str, Any], field: str) -> None:
    response = api.client.post("/api/v1/auth/login", json=body)

    assert assert_error(response, 422, "validation_error")["details"]["field"] == field


def test_a_too_long_health_message_is_refused(kiosk: Api) -> None:
    response = kiosk.post("/api/v1/devices/me/health", json={"printer": "ok", "message": "x" * 301})

    assert assert_error(response, 422, "validation_error")["details"]["field"] == "message"


def test_a_device_reports_its_printer_health(kiosk: Api) -> None:
    response = kiosk.post("/api/v1/devices/me/health", json={"printer": "paper_out"})

    assert response.status_code == 200
    assert response.get_json()["health"]["printer"] == "paper_out"


# --- bodies that are not a JSON object ----------------------------------------------


def test_a_text_body_is_malformed_json(kiosk: Api, hall: Hall) -> None:
    response = raw_post(kiosk, TICKETS, f"service_id={hall.ktp}", "text/plain")

    assert_error(response, 400, "malformed_json")


def test_a_form_body_is_malformed_json(kiosk: Api, hall: Hall) -> None:
    response = raw_post(
        kiosk, TICKETS, f"service_id={hall.ktp}", "application/x-www-form-urlencoded"
    )

    assert_error(response, 400, "malformed_json")


@pytest.mark.parametrize("text", ['{"service_id": 1', "{'service_id': 1}", "\xff\xfe", "nul"])
def test_broken_json_is_malformed_json(kiosk: Api, text: str) -> None:
    assert_error(raw_post(kiosk, TICKETS, text, "application/json"), 400, "malformed_json")


@pytest.mark.parametrize("body", [[], [{"service_id": 1}], "x", 1, True])
def test_a_json_body_that_is_not_an_object_is_refused(kiosk: Api, body: Any) -> None:
    assert_error(kiosk.post(TICKETS, json=body), 422, "validation_error")


def test_a_json_null_body_is_refused(kiosk: Api) -> None:
    response = raw_post(kiosk, TICKETS, "null", "application/json")

    assert response.status_code in (400, 422)
    assert response.get_json()["error"]["code"] in ("malformed_json", "validation_error")


def test_broken_json_for_the_settings_is_malformed_json(admin: Api) -> None:
    """The settings form speaks JSON like every other endpoint, with the same answers."""
    headers = {"Authorization": f"Bearer {admin.token}"}
    response = admin.client.patch(
        "/api/v1/settings", data='{"site_name": ', content_type="application/json", headers=headers
    )

    assert_error(response, 400, "malformed_json")


def test_a_body_over_64_kib_is_refused(kiosk: Api, hall: Hall) -> None:
    body = json.dumps({"service_id": hall.ktp, "pad": "x" * (64 * 1024)})

    assert_error(raw_post(kiosk, TICKETS, body, "application/json"), 413, "payload_too_large")


# --- routes and methods -------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/antrean", "/api/v2/tickets", "/tidak-ada"])
def test_an_unknown_route_is_a_json_404(api: Api, path: str) -> None:
    assert_error(api.client.get(path), 404, "not_found")


def test_an_unknown_route_with_a_token_is_a_json_404(kiosk: Api) -> None:
    assert_error(kiosk.post("/api/v1/counters/1/teleport"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/auth/login"),
        ("DELETE", "/api/v1/tickets"),
        ("PUT", "/api/v1/settings"),
        ("GET", "/api/v1/counters/1/next"),
        ("POST", "/api/v1/config"),
    ],
)
def test_a_wrong_method_is_a_json_405(api: Api, method: str, path: str) -> None:
    assert_error(api.client.open(path, method=method), 405, "method_not_allowed")


def test_the_openapi_document_is_served(api: Api) -> None:
    response = api.client.get("/api/openapi.json")

    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert "paths" in response.get_json()


# --- never a 500 --------------------------------------------------------------------

# Every POST/PATCH endpoint ({ticket} and {counter} are filled in with real ids); logout
# comes last since it revokes the token the others are called with.
ENDPOINTS = [
    ("POST", "/api/v1/auth/login"),
    ("POST", "/api/v1/tickets"),
    ("POST", "/api/v1/tickets/{ticket}/printed"),
    ("POST", "/api/v1/tickets/{ticket}/cancel"),
    ("POST", "/api/v1/tickets/{ticket}/requeue"),
    ("POST", "/api/v1/devices/me/health"),
    ("PATCH", "/api/v1/settings"),
    *(
        ("POST", f"/api/v1/counters/{{counter}}/{action}")
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
    ("POST", "/api/v1/auth/logout"),
]

ODD_BODIES = [
    '{"service_id": "1"}',
    '{"service_id": 1e309}',
    '{"service_id": -1e309}',
    '{"service_id": NaN}',
    '{"service_id": Infinity}',
    '{"service_id": 9223372036854775808}',
    '{"service_id": 99999999999999999999999999}',
    '{"ticket_id": -1}',
    '{"ticket_id": 9223372036854775808}',
    '{"counter_id": 18446744073709551616}',
    '{"places": 1e400}',
    "[]",
    '"x"',
    "x",
    '{"a": {"b": [1]}}',
    '{"username": {"$ne": null}, "password": []}',
    '{"takeover": "yes"}',
    '{"position": "front", "service_id": 1, "counter_id": 1}',
    '{"reason": "\\u0000"}',
    '{"printed": 1}',
    '{"service_id": 1, "service_id": "dup"}',
    '{"\\ud800": 1}',
    "[" * 5000 + "]" * 5000,
    '{"a":' * 5000 + "1" + "}" * 5000,
    "\x00\x01\x02",
]


@pytest.mark.parametrize("body", ODD_BODIES, ids=lambda body: body[:40])
def test_odd_bodies_never_break_the_server(api: Api, admin: Api, hall: Hall, body: str) -> None:
    """Each odd body goes to every POST/PATCH endpoint as an admin (so that no
    authorisation check stops it before the body is read); each answer is a JSON 4xx
    with an error code (or a success, for the few that are valid somewhere)."""
    ticket = api.as_device("kiosk").issue(hall.ktp)
    headers = {"Authorization": f"Bearer {admin.token}"}
    broken = []
    for method, template in ENDPOINTS:
        path = template.format(ticket=ticket["id"], counter=hall.c1)
        response = api.client.open(
            path, method=method, data=body, content_type="application/json", headers=headers
        )
        answer = response.get_json(silent=True) if response.is_json else None
        if response.status_code >= 500 or answer is None:
            broken.append((method, path, response.status_code))
        elif response.status_code >= 400 and "code" not in answer.get("error", {}):
            broken.append((method, path, "no error code"))

    assert not broken, "\n".join(f"{m} {p} -> {status}" for m, p, status in broken)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/counters/99999999999999999999/open", None),
        ("GET", "/api/v1/counters/9223372036854775808", None),
        ("GET", "/api/v1/counters/9223372036854775808/queue", None),
        ("POST", "/api/v1/tickets/99999999999999999999/cancel", None),
        ("POST", "/api/v1/tickets/9223372036854775808/printed", {"printed": True}),
    ],
    ids=lambda v: str(v),
)
def test_huge_ids_in_the_path_are_not_found(
    admin: Api, method: str, path: str, body: dict[str, Any] | None
) -> None:
    headers = {"Authorization": f"Bearer {admin.token}"}

    response = admin.client.open(path, method=method, json=body, headers=headers)

    assert_error(response, 404, "not_found")
