"""Text that is not text, and control characters, never get in through the API.

The security review's probes: a lone UTF-16 surrogate (valid JSON, not encodable as
UTF-8) or a NUL (refused by PostgreSQL's ``text``) in a kiosk's health report, the site
settings or a login made pages answer 500; NUL, ESC, BEL and VT in the site name or the
ticket's footer reached the printer and broke the XLSX export; ``booked_for`` overflowed
or put a ticket before everyone. Each is a 422 ``validation_error`` naming the field, on
SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from server.api.spec import build_document
from server.models import Setting
from tests.conftest import Api
from tests.factories import PASSWORD, Hall
from tests.pg import fresh_database
from tests.server.api.responses import assert_error, ok
from tests.web.console_login import client_session

HEALTH = "/api/v1/devices/me/health"
SETTINGS = "/api/v1/settings"
LOGIN = "/api/v1/auth/login"
TICKETS = "/api/v1/tickets"

NOT_TEXT = {"lone surrogate": "MPP \ud800", "NUL": "MPP\x00"}
CONTROLS = {"NUL": "\x00", "ESC p": "\x1bp\x00\x19", "BEL": "\x07", "VT": "\x0b", "DEL": "\x7f"}
C1 = {"CSI": "\x9b", "NEL": "\x85"}
BOTH_BACKENDS = pytest.mark.parametrize(
    "database_url",
    ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    indirect=True,
)


@pytest.fixture
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, schema_template: Path
) -> Iterator[str]:
    """SQLite, or PostgreSQL for the tests marked ``BOTH_BACKENDS``: PostgreSQL refuses
    NUL in text where SQLite stores it, and its driver encodes text differently."""
    if getattr(request, "param", "sqlite") == "sqlite":
        target = tmp_path / "antre.sqlite3"
        shutil.copy(schema_template, target)
        yield f"sqlite:///{target}"
        return
    with fresh_database(migrated=True) as url:
        yield url


@pytest.fixture
def kiosk(api: Api) -> Api:
    return api.as_device("kiosk")


@pytest.fixture
def admin(api: Api) -> Api:
    return api.as_user("admin")


def field_of(response: Any) -> str:
    error = assert_error(response, 422, "validation_error")
    field: str = error["details"]["field"]
    return field


# --- not text: lone surrogates and NUL, in any body -----------------------------------


@BOTH_BACKENDS
@pytest.mark.parametrize("value", NOT_TEXT.values(), ids=NOT_TEXT.keys())
@pytest.mark.parametrize("field", ["message", "version"])
def test_a_health_report_that_is_not_text_is_refused_and_the_devices_page_still_opens(
    app: Flask, kiosk: Api, field: str, value: str
) -> None:
    response = kiosk.post(HEALTH, json={"printer": "ok", field: value})

    assert field_of(response) == field
    page = client_session(app, "admin").get("/admin/devices")
    assert page.status_code == 200


@BOTH_BACKENDS
@pytest.mark.parametrize("value", NOT_TEXT.values(), ids=NOT_TEXT.keys())
@pytest.mark.parametrize("field", ["site_name", "ticket_footer"])
def test_site_settings_that_are_not_text_are_refused_and_the_pages_still_open(
    app: Flask, admin: Api, field: str, value: str
) -> None:
    response = admin.patch(SETTINGS, json={field: value})

    assert field_of(response) == field
    console = client_session(app, "admin")
    for page in ("/admin/settings", "/board/zona-a", "/monitor"):
        assert console.get(page).status_code == 200, page


@BOTH_BACKENDS
@pytest.mark.parametrize("value", NOT_TEXT.values(), ids=NOT_TEXT.keys())
def test_a_login_with_a_user_name_that_is_not_text_is_refused_not_a_500(
    api: Api, value: str
) -> None:
    response = api.post(LOGIN, json={"username": value, "password": PASSWORD})

    assert field_of(response) == "username"


@BOTH_BACKENDS
def test_a_nul_in_a_password_is_refused_as_not_text(api: Api) -> None:
    response = api.post(LOGIN, json={"username": "admin", "password": "rahasia\x00"})

    assert field_of(response) == "password"


def test_a_surrogate_in_a_key_or_deep_inside_a_body_is_refused(kiosk: Api) -> None:
    assert field_of(kiosk.post(HEALTH, json={"printer": "ok", "\udc00": 1})) == "body"
    deep = kiosk.post(TICKETS, json={"service_id": 1, "x": {"y": ["ok", "\ud83d"]}})
    assert field_of(deep) == "x.y[1]"


def test_a_whole_emoji_is_text_and_is_kept(app: Flask, admin: Api) -> None:
    """A surrogate *pair* in JSON is one character, as it should be: not refused."""
    body = ok(admin.patch(SETTINGS, json={"site_name": "MPP \ud83c\udfdb"}))

    assert body["site_name"] == "MPP 🏛"


@BOTH_BACKENDS
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/tickets/abc%00def",
        "/api/v1/displays/zona%00a/snapshot",
        "/api/v1/agencies/D%00K/snapshot",
        "/t/abc%00def",
        "/board/zona-a?page_seconds=1%00",
        "/reports.csv?period=day&agency=D%00K",
    ],
)
def test_a_nul_in_the_url_is_refused_before_any_lookup(admin: Api, path: str) -> None:
    response = admin.get(path)

    if path.startswith("/api/"):
        assert_error(response, 422, "validation_error")
    elif path.startswith("/t/"):  # the visitor's page: a malformed code is an unknown one
        assert response.status_code == 404
    else:  # a page answers with the console's error page
        assert response.status_code == 422


# --- control characters in what is shown, printed or exported ------------------------


@pytest.mark.parametrize("value", {**CONTROLS, **C1}.values(), ids={**CONTROLS, **C1}.keys())
@pytest.mark.parametrize("field", ["site_name", "ticket_footer", "site_short_name"])
def test_control_characters_in_a_setting_are_refused(admin: Api, field: str, value: str) -> None:
    response = admin.patch(SETTINGS, json={field: f"Mal{value}Pelayanan"})

    assert field_of(response) == field
    assert ok(admin.get(SETTINGS))[field] != f"Mal{value}Pelayanan"


def test_the_footer_may_have_several_lines_the_site_name_may_not(admin: Api) -> None:
    footer = "Terima kasih.\nSimpan tiket ini."

    assert ok(admin.patch(SETTINGS, json={"ticket_footer": footer}))["ticket_footer"] == footer
    assert field_of(admin.patch(SETTINGS, json={"site_name": "Mal\nPelayanan"})) == "site_name"
    assert field_of(admin.patch(SETTINGS, json={"ticket_footer": "a\r\nb"})) == "ticket_footer"


@pytest.mark.parametrize("value", CONTROLS.values(), ids=CONTROLS.keys())
@pytest.mark.parametrize("field", ["message", "version"])
def test_control_characters_in_a_health_report_are_refused(
    kiosk: Api, field: str, value: str
) -> None:
    assert field_of(kiosk.post(HEALTH, json={"printer": "ok", field: f"v1{value}"})) == field


def test_a_cancel_reason_with_an_escape_is_refused(api: Api, hall: Hall) -> None:
    ticket = api.as_device("kiosk").issue(hall.ktp)
    officer = api.as_user("petugas.dk")

    response = officer.post(f"{TICKETS}/{ticket['id']}/cancel", json={"reason": "pergi\x1b[2J"})

    assert field_of(response) == "reason"


def test_a_password_may_hold_any_printable_or_control_character_but_nul(api: Api) -> None:
    """A password is never shown: a tab in it is the user's business (a wrong one is 401)."""
    response = api.post(LOGIN, json={"username": "admin", "password": "rahasia\tku"})

    assert_error(response, 401, "invalid_credentials")


def test_settings_stored_before_the_check_fall_back_to_their_defaults(app: Flask, api: Api) -> None:
    """A row written before the rule (or by hand) never reaches a client or a page."""
    with app.extensions["antre"].db.write() as session:
        session.add(Setting(key="site_name", value="MPP\x1bp\x00\x19\xfa"))
        session.add(Setting(key="ticket_footer", value="Terima kasih\x1dV\x00"))

    config = ok(api.as_device("kiosk").get("/api/v1/config"))

    assert config["site"]["name"] == "Mal Pelayanan Publik"
    assert "\x1d" not in config["settings"]["ticket_footer"]


# --- booked_for ---------------------------------------------------------------------


@BOTH_BACKENDS
@pytest.mark.parametrize(
    "slot",
    [
        "0001-01-01T00:00:00+14:00",  # before year 1 in UTC: overflowed (500)
        "9999-12-31T23:59:59-12:00",  # after year 9999 in UTC: overflowed (500)
        "0001-01-01T00:00:00+00:00",  # accepted, and called before everyone
        "2026-11-29T10:00:00+07:00",  # yesterday in the hall
        "2026-12-01T10:00:00+07:00",  # tomorrow in the hall
        "2026-11-29T16:59:59+00:00",  # 23.59 yesterday in Jakarta
    ],
)
def test_a_booked_slot_off_the_service_date_is_refused(api: Api, hall: Hall, slot: str) -> None:
    officer = api.as_user("petugas.dk")
    body = {"service_id": hall.ktp, "source": "booking", "booked_for": slot}

    assert field_of(officer.post(TICKETS, json=body)) == "booked_for"


@pytest.mark.parametrize(
    "slot",
    ["2026-11-30T00:00:00+07:00", "2026-11-30T23:59:59+07:00", "2026-11-29T17:00:00+00:00"],
)
def test_a_booked_slot_anywhere_on_the_service_date_is_taken(
    api: Api, hall: Hall, slot: str
) -> None:
    ticket = api.as_user("petugas.dk").issue(hall.ktp, source="booking", booked_for=slot)

    assert ticket["source"] == "booking"


# --- the OpenAPI document says so ---------------------------------------------------


def request_schema(document: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    body = document["paths"][path][method]["requestBody"]["content"]["application/json"]
    schema: dict[str, Any] = body["schema"]
    return schema


@pytest.mark.parametrize(
    ("path", "method", "field", "multiline"),
    [
        (SETTINGS, "patch", "site_name", False),
        (SETTINGS, "patch", "ticket_footer", True),
        (HEALTH, "post", "message", False),
        (LOGIN, "post", "username", False),
    ],
)
def test_the_document_gives_shown_text_a_pattern_without_controls(
    path: str, method: str, field: str, multiline: bool
) -> None:
    schema = request_schema(build_document(), path, method)["properties"][field]

    pattern = re.compile(schema["pattern"])
    assert pattern.match("Mal Pelayanan Publik — Café 🏛")
    assert not pattern.match("Mal\x1bp Pelayanan") and not pattern.match("Mal\x9b")
    assert bool(pattern.match("Terima kasih.\nSampai jumpa.")) is multiline


def test_the_document_leaves_passwords_and_choices_without_a_pattern() -> None:
    document = build_document()

    assert "pattern" not in request_schema(document, LOGIN, "post")["properties"]["password"]
    priority = request_schema(document, TICKETS, "post")["properties"]["priority"]
    assert "pattern" not in priority and "enum" in priority
    assert (
        "service date"
        in request_schema(document, TICKETS, "post")["properties"]["booked_for"]["description"]
    )
