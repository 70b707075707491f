"""The console's forms refuse control characters in what is printed, exported or shown,
and the exports survive names stored before they did.

The security review: a supervisor could put ESC or BEL in an officer's display name (and
in their agency's service names), after which ``/reports.xlsx`` answered 500 for
everyone (openpyxl's ``IllegalCharacterError``); a NUL user name at the login form was
a 500 on PostgreSQL.
"""

from __future__ import annotations

import csv
import io

import pytest
from flask import Flask
from openpyxl import load_workbook
from sqlalchemy import update

from server.models import Service, Setting, User
from tests.conftest import Api
from tests.factories import PASSWORD, Hall
from tests.server.api.test_text_input import BOTH_BACKENDS
from tests.server.api.test_text_input import database_url as database_url  # SQLite or PG
from tests.server.domain.test_reports import seed_day
from tests.web.console_login import client_session
from tests.web.test_admin_catalog_http import Console as CatalogConsole
from tests.web.test_admin_catalog_http import service_form
from tests.web.test_admin_people_forms import Console, field_errors, secret, text
from tests.web.test_reports_exports import DAY

# NUL is refused before any form is read (below); these reach the forms' own checks.
ESCAPES = {"ESC": "\x1b", "BEL": "\x07", "VT": "\x0b", "DEL": "\x7f", "CSI": "\x9b"}


@pytest.fixture
def admin(app: Flask) -> Console:
    return Console(app, "admin")


@pytest.fixture
def sup(app: Flask) -> Console:
    return Console(app, "sup.dk")


# --- forms --------------------------------------------------------------------------


@pytest.mark.parametrize("char", ESCAPES.values(), ids=ESCAPES.keys())
def test_a_supervisor_cannot_put_a_control_character_in_an_officers_name(
    sup: Console, hall: Hall, char: str
) -> None:
    officer = hall.users["petugas.dk"]

    answer = sup.post(f"/admin/users/{officer}", {"display_name": f"Budi{char}Santoso"})

    assert answer.status_code == 422
    assert field_errors(answer)["display_name"] == "Tanpa karakter kontrol."
    assert f"Budi{char}" not in text(sup.get(f"/admin/users/{officer}"))


def test_a_new_officer_with_a_control_character_in_the_name_is_refused(sup: Console) -> None:
    answer = sup.post("/admin/users", {"username": "petugas3.dk", "display_name": "Rina\x1bp"})

    assert answer.status_code == 422
    assert "display_name" in field_errors(answer)


@pytest.mark.parametrize("char", ESCAPES.values(), ids=ESCAPES.keys())
def test_a_service_name_with_a_control_character_is_refused(
    app: Flask, hall: Hall, char: str
) -> None:
    supervisor = CatalogConsole(app.test_client()).log_in("sup.dk")

    answer = supervisor.post(
        "/admin/services/new", service_form(agency_id=str(hall.dk), name=f"Akta{char}lahir")
    )

    assert answer.status_code == 422
    assert "Tanpa karakter kontrol." in answer.get_data(as_text=True)


@pytest.mark.parametrize("char", ESCAPES.values(), ids=ESCAPES.keys())
@pytest.mark.parametrize("field", ["site_name", "ticket_footer"])
def test_the_settings_form_refuses_control_characters(
    admin: Console, api: Api, field: str, char: str
) -> None:
    answer = admin.post("/admin/settings", {field: f"Mal{char}Pelayanan"})

    assert answer.status_code == 422
    assert field_errors(answer)[field] == "Tanpa karakter kontrol."
    settings = api.as_user("admin").get("/api/v1/settings").get_json()
    assert char not in settings[field]


def test_the_settings_form_keeps_the_footers_lines(admin: Console, api: Api) -> None:
    answer = admin.post("/admin/settings", {"ticket_footer": "Terima kasih.\r\nSampai jumpa."})

    assert answer.status_code == 302
    footer = api.as_user("admin").get("/api/v1/settings").get_json()["ticket_footer"]
    assert footer == "Terima kasih.\nSampai jumpa."


def test_a_device_name_with_a_control_character_is_refused(admin: Console) -> None:
    answer = admin.post("/admin/devices", {"name": "kios\x1b2", "kind": "kiosk"})

    assert answer.status_code == 422
    assert field_errors(answer)["name"] == "Tanpa karakter kontrol."


def test_the_login_form_refuses_a_user_name_with_control_characters(app: Flask) -> None:
    client = app.test_client()
    form = client.get("/login").get_data(as_text=True)

    answer = client.post(
        "/login", data={"username": "adm\x1bin", "password": PASSWORD, "csrf_token": secret(form)}
    )

    assert answer.status_code == 422
    assert "karakter kontrol" in answer.get_data(as_text=True)


@BOTH_BACKENDS
@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/login", {"username": "adm\x00in", "password": PASSWORD}),
        ("/admin/users", {"username": "rina", "role": "officer", "agency": "D\x00K"}),
        ("/admin/users", {"username": "rina", "display_name": "Rina\x00"}),
        ("/admin/devices", {"name": "kios", "kind": "display", "zone": "zona-a\x00"}),
    ],
)
def test_a_nul_in_any_form_field_is_refused_before_the_form_is_read(
    admin: Console, path: str, form: dict[str, str]
) -> None:
    answer = admin.post(path, form)

    assert answer.status_code == 422
    assert "rina" not in text(admin.get("/admin/users"))


# --- exports of names stored before the check ------------------------------------------


@pytest.fixture
def seeded(app: Flask, hall: Hall) -> None:
    """A counted day, so every name has a row in the report."""
    with app.extensions["antre"].db.write() as session:
        seed_day(session, hall)


@pytest.mark.parametrize("group", ["service", "officer", "counter", "agency"])
def test_the_exports_answer_with_control_characters_stored_in_names(
    app: Flask,
    hall: Hall,
    seeded: None,
    group: str,
) -> None:
    with app.extensions["antre"].db.write() as session:
        session.execute(
            update(User)
            .where(User.id == hall.users["petugas.dk"])
            .values(display_name="Budi\x1b\x07")
        )
        session.execute(update(Service).where(Service.id == hall.ktp).values(name="KTP\x00\x0b-el"))
        session.add(Setting(key="site_name", value="MPP\x1bp"))
    client = client_session(app, "admin")

    workbook = client.get(f"/reports.xlsx?{DAY}&group={group}")
    table = client.get(f"/reports.csv?{DAY}&group={group}")

    assert workbook.status_code == table.status_code == 200
    cells = [
        str(value)
        for sheet in load_workbook(io.BytesIO(workbook.get_data())).worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    rows = list(csv.reader(io.StringIO(table.get_data(as_text=True))))
    for value in cells + [cell for row in rows for cell in row]:
        assert not any(ch in value for ch in "\x00\x07\x0b\x1b"), repr(value)
    shown = {"service": "KTP-el", "officer": "Budi"}.get(group)
    if shown is not None:
        assert any(row and row[0] == shown for row in rows), rows
