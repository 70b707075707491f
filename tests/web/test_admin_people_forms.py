"""Users, devices and site settings pages over HTTP (in process): hand-crafted posts as
well as the forms' own, a supervisor's limits, secrets shown once, and every wrong input
answered with a message rather than a 500."""

from __future__ import annotations

import io
import logging
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests.conftest import Api
from tests.factories import PASSWORD, Hall


class Console:
    """A browser's session on the console: logged in through the form, posting with the
    page's CSRF secret unless told otherwise."""

    def __init__(self, app: Flask, username: str) -> None:
        self.http: FlaskClient = app.test_client()
        login = self.http.get("/login").get_data(as_text=True)
        answer = self.http.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": secret(login)},
        )
        assert answer.status_code == 302, answer.get_data(as_text=True)
        self.csrf = secret(self.http.get("/admin/users").get_data(as_text=True))

    def get(self, path: str) -> Any:
        return self.http.get(path)

    def post(self, path: str, data: dict[str, Any] | None = None, csrf: bool = True) -> Any:
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.csrf
        return self.http.post(path, data=form)


def secret(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found is not None
    return found.group(1)


def text(response: Any) -> str:
    return response.get_data(as_text=True)  # type: ignore[no-any-return]


def shown_once(response: Any) -> str:
    found = re.search(r'<code id="secret-value">([^<]+)</code>', text(response))
    assert found is not None, "no secret on the page"
    return found.group(1)


def field_errors(response: Any) -> dict[str, str]:
    return dict(re.findall(r'id="([a-z_]+)-error" role="alert">([^<]+)<', text(response)))


@pytest.fixture
def admin(app: Flask) -> Console:
    return Console(app, "admin")


@pytest.fixture
def sup(app: Flask) -> Console:
    return Console(app, "sup.dk")


def png(size: tuple[int, int] = (90, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 168)).save(out, "PNG")
    return out.getvalue()


# --- users ----------------------------------------------------------------------------


def test_a_supervisor_lists_only_the_officers_of_their_agency(sup: Console) -> None:
    page = text(sup.get("/admin/users"))

    listed = re.findall(r'data-username="([^"]+)"', page)
    assert listed == ["petugas.dk", "petugas2.dk"]
    assert 'name="role"' not in page  # a supervisor's form has no role or agency


@pytest.mark.parametrize(
    "form",
    [
        {"username": "jahat", "role": "admin"},
        {"username": "jahat", "role": "supervisor", "agency": "DK"},
        {"username": "jahat.sm", "role": "officer", "agency": "SM"},
    ],
)
def test_a_supervisors_hand_crafted_post_cannot_make_more_than_their_officers(
    sup: Console, admin: Console, form: dict[str, str]
) -> None:
    answer = sup.post("/admin/users", {**form, "password": "rahasia-123"})

    assert answer.status_code == 403
    assert "jahat" not in text(admin.get("/admin/users"))


def test_a_supervisor_creates_an_officer_and_the_new_password_is_shown_once(
    sup: Console, api: Api
) -> None:
    answer = sup.post("/admin/users", {"username": "petugas3.dk", "display_name": "Rina"})

    assert answer.status_code == 201
    assert answer.headers["Cache-Control"] == "no-store"
    password = shown_once(answer)
    login = api.client.post(
        "/api/v1/auth/login", json={"username": "petugas3.dk", "password": password}
    )
    assert login.status_code == 200 and login.get_json()["user"]["role"] == "officer"
    assert password not in text(sup.get("/admin/users"))


@pytest.mark.parametrize(
    ("target", "path", "form"),
    [
        ("petugas.sm", "", {"display_name": "x"}),
        ("petugas.sm", "/password", {"password": "rahasia-456"}),
        ("petugas.sm", "/active", {"active": "0"}),
        ("admin", "/active", {"active": "0"}),
        ("sup.dk", "/password", {"password": "rahasia-456"}),
        ("petugas.dk", "", {"role": "admin"}),
    ],
)
def test_a_supervisor_cannot_touch_anyone_else(
    sup: Console, hall: Hall, target: str, path: str, form: dict[str, str]
) -> None:
    answer = sup.post(f"/admin/users/{hall.users[target]}{path}", form)

    assert answer.status_code == 403


def test_a_supervisor_cannot_even_look_at_another_agencys_officer(sup: Console, hall: Hall) -> None:
    assert sup.get(f"/admin/users/{hall.users['petugas.sm']}").status_code == 403


@pytest.mark.parametrize("path", ["/admin/devices", "/admin/settings"])
def test_devices_and_settings_are_for_admins(sup: Console, path: str) -> None:
    assert sup.get(path).status_code == 403
    assert sup.post(path, {"name": "x", "kind": "kiosk"}).status_code == 403


def test_disabling_an_officer_stops_their_token_at_once(
    admin: Console, api: Api, hall: Hall
) -> None:
    officer = api.as_user("petugas.dk")
    assert officer.get("/api/v1/auth/me").status_code == 200

    answer = admin.post(f"/admin/users/{hall.users['petugas.dk']}/active", {"active": "0"})

    assert answer.status_code == 302
    assert officer.get("/api/v1/auth/me").status_code == 401
    page = text(admin.get(f"/admin/users/{hall.users['petugas.dk']}"))
    assert "Nonaktif" in page and "semua sesinya berakhir" in page


def test_an_admin_resets_a_password_and_the_old_sessions_end(
    admin: Console, api: Api, hall: Hall
) -> None:
    officer = api.as_user("petugas.sm")

    answer = admin.post(
        f"/admin/users/{hall.users['petugas.sm']}/password", {"password": "baru-rahasia"}
    )

    assert answer.status_code == 302
    assert officer.get("/api/v1/auth/me").status_code == 401
    login = {"username": "petugas.sm", "password": "baru-rahasia"}
    assert api.client.post("/api/v1/auth/login", json=login).status_code == 200


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({}, "username"),
        ({"username": "Bukan Nama!"}, "username"),
        ({"username": "baru", "agency": "DK", "password": "pendek"}, "password"),
        ({"username": "baru", "role": "officer"}, "agency"),
        ({"username": "baru", "role": "admin", "agency": "DK"}, "agency"),
        ({"username": "baru", "role": "raja", "agency": "DK"}, "role"),
        ({"username": "baru", "role": "officer", "agency": "ZZ"}, "agency"),
        ({"username": "petugas.dk", "role": "officer", "agency": "DK"}, "username"),
        ({"username": "baru", "role": "officer", "agency": "DK", "display_name": "x" * 250}, ""),
    ],
)
def test_a_wrong_new_user_is_answered_beside_the_field(
    admin: Console, form: dict[str, str], field: str
) -> None:
    answer = admin.post("/admin/users", form)

    assert answer.status_code == 422
    errors = field_errors(answer)
    assert errors, text(answer)
    if field:
        assert field in errors


def test_odd_requests_get_a_clear_answer_not_a_500(admin: Console, hall: Hall) -> None:
    officer = hall.users["petugas.dk"]
    assert admin.post(f"/admin/users/{officer}/active", {"active": "maybe"}).status_code == 422
    assert admin.get("/admin/users/99999999999").status_code == 404
    assert admin.get("/admin/users/424242").status_code == 404
    assert admin.post("/admin/devices/424242/revoke").status_code == 404
    assert admin.post("/admin/users", {"username": "x" * 5000}).status_code == 422


def test_every_form_needs_the_csrf_secret(admin: Console, hall: Hall) -> None:
    posts = [
        ("/admin/users", {"username": "baru", "role": "admin"}),
        (f"/admin/users/{hall.users['petugas.dk']}/active", {"active": "0"}),
        ("/admin/devices", {"name": "Kios X", "kind": "kiosk"}),
        ("/admin/settings", {"site_name": "Diretas"}),
    ]
    for path, form in posts:
        assert admin.post(path, form, csrf=False).status_code == 403, path


# --- devices --------------------------------------------------------------------------


def test_a_survey_tablet_is_registered_at_a_counter_and_its_address_is_shown_once(
    admin: Console, api: Api, hall: Hall
) -> None:
    missing = admin.post("/admin/devices", {"name": "Tablet L1", "kind": "survey"})
    assert missing.status_code == 422 and "counter" in field_errors(missing)

    answer = admin.post(
        "/admin/devices", {"name": "Tablet L1", "kind": "survey", "counter": str(hall.c1)}
    )

    assert answer.status_code == 201
    address = shown_once(answer)
    found = re.fullmatch(rf"http://localhost/survey/counter/{hall.c1}#token=(\S+)", address)
    assert found is not None, address
    tablet = Api(api.client, api.hall, found.group(1))
    assert tablet.get(f"/api/v1/survey/counters/{hall.c1}").status_code == 200
    assert tablet.post("/api/v1/tickets", json={"service_id": hall.ktp}).status_code == 403
    assert tablet.get("/api/v1/hall/snapshot").status_code == 403
    assert tablet.get("/api/v1/agencies/DK/snapshot").status_code == 403


def test_a_device_token_is_shown_once_works_and_dies_when_revoked(
    admin: Console, api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    answer = admin.post("/admin/devices", {"name": "Kios Lobi 2", "kind": "kiosk", "zone": ""})

    assert answer.status_code == 201 and answer.headers["Cache-Control"] == "no-store"
    token = shown_once(answer)
    device = Api(api.client, api.hall, token)
    assert device.get("/api/v1/config").status_code == 200
    listing = text(admin.get("/admin/devices"))
    assert token not in listing and "Kios Lobi 2" in listing
    assert token not in caplog.text

    found = re.findall(r'data-device="Kios Lobi 2".*?/admin/devices/(\d+)/revoke', listing, re.S)
    assert found
    assert admin.post(f"/admin/devices/{found[0]}/revoke").status_code == 302
    assert device.get("/api/v1/config").status_code == 401

    renewed = admin.post(f"/admin/devices/{found[0]}/renew")
    fresh = Api(api.client, api.hall, shown_once(renewed))
    assert fresh.get("/api/v1/config").status_code == 200
    assert device.get("/api/v1/config").status_code == 401


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"name": "", "kind": "kiosk"}, "name"),
        ({"name": "kiosk", "kind": "kiosk"}, "name"),  # taken
        ({"name": "Papan", "kind": "display"}, "zone"),
        ({"name": "Papan", "kind": "display", "zone": "zona-z"}, "zone"),
        ({"name": "PC", "kind": "counter"}, "counter"),
        ({"name": "PC", "kind": "counter", "counter": "abc"}, "counter"),
        ({"name": "PC", "kind": "counter", "counter": "²"}, "counter"),  # str.isdigit's digit
        ({"name": "PC", "kind": "counter", "counter": "99999999999999"}, "counter"),
        ({"name": "PC", "kind": "counter", "counter": "4242"}, "counter"),
        ({"name": "X", "kind": "toaster"}, "kind"),
    ],
)
def test_a_wrong_device_is_answered_beside_the_field(
    admin: Console, form: dict[str, str], field: str
) -> None:
    answer = admin.post("/admin/devices", form)

    assert answer.status_code == 422, text(answer)[:500]
    assert field in field_errors(answer)


def test_a_kiosks_printer_trouble_and_last_seen_show_in_the_list(admin: Console, api: Api) -> None:
    kiosk = api.as_device("kiosk")
    health = {"printer": "paper_out", "message": "Kertas habis"}
    assert kiosk.post("/api/v1/devices/me/health", json=health).status_code == 200

    page = text(admin.get("/admin/devices"))

    row = page[page.index('data-device="kiosk"') :]
    row = row[: row.index("</tr>")]
    assert "badge bad" in row and "Kertas habis" in row and "baru saja" in row


# --- settings -------------------------------------------------------------------------


def test_every_wrong_setting_is_named_at_once_and_nothing_is_stored(
    admin: Console, api: Api
) -> None:
    answer = admin.post(
        "/admin/settings",
        {
            "site_name": "Baru",
            "number_width": "²",  # a digit to str.isdigit, not to int()
            "priority_every_n": "99999999999999999999",
            "callout_template_id": "Nomor {prefix} {number} ke {loket}",
            "callout_template_en": "Number {number}",
            "default_language": "jv",
        },
    )

    assert answer.status_code == 422
    errors = field_errors(answer)
    assert set(errors) == {
        "number_width",
        "priority_every_n",
        "callout_template_id",
        "callout_template_en",
        "default_language",
    }
    assert "{counter}" in errors["callout_template_en"]
    assert "Baru" in text(answer)  # what was typed stays in the form
    config = api.as_user("admin").get("/api/v1/config").get_json()
    assert config["site"]["name"] == "Mal Pelayanan Publik"


def test_saved_settings_reach_the_config_every_client_reads(admin: Console, api: Api) -> None:
    answer = admin.post(
        "/admin/settings",
        {"ticket_footer": "Semoga lekas selesai.", "priority_every_n": "3", "site_name": "MPP"},
    )

    assert answer.status_code == 302
    settings = api.as_device("kiosk").get("/api/v1/config").get_json()["settings"]
    assert settings["ticket_footer"] == "Semoga lekas selesai."
    assert settings["priority_every_n"] == 3


def test_the_call_out_preview_speaks_the_sample_or_names_the_problem(admin: Console) -> None:
    ok = admin.http.get(
        "/admin/settings/callout-preview",
        query_string={
            "callout_template_id": "Antrean {prefix} {number} ke {counter}",
            "callout_template_en": "Number {nomor}",
        },
        headers={"Accept": "application/json"},
    ).get_json()

    assert ok["id"] == "Antrean de ka dua belas ke loket tiga"
    assert "en" not in ok and "callout_template_en" in ok["errors"]


def test_a_logo_is_uploaded_served_with_its_version_and_removed(admin: Console) -> None:
    image = png()
    answer = admin.http.post(
        "/admin/settings/logo",
        data={"csrf_token": admin.csrf, "logo": (io.BytesIO(image), "logo.png")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302

    page = text(admin.get("/admin/settings"))
    url = re.search(r'src="(/site/logo\?v=[0-9a-f]+)"', page)
    assert url is not None
    served = admin.get(url.group(1))
    assert served.data == image and served.mimetype == "image/png"
    assert "immutable" in served.headers["Cache-Control"]
    again = admin.http.get("/site/logo", headers={"If-None-Match": served.headers["ETag"]})
    assert again.status_code == 304

    assert admin.post("/admin/settings/logo", {"remove": "1"}).status_code == 302
    assert admin.get("/site/logo").status_code == 404


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"GIF89a" + b"\0" * 50, "logo.gif"),
        (b"<html><script>alert(1)</script>", "logo.png"),
        (b"", "logo.png"),
    ],
)
def test_a_logo_that_is_not_a_png_or_jpeg_is_refused(
    admin: Console, data: bytes, name: str
) -> None:
    answer = admin.http.post(
        "/admin/settings/logo",
        data={"csrf_token": admin.csrf, "logo": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 422
    assert "logo" in field_errors(answer)


def test_a_logo_over_the_servers_body_limit_gets_a_page_not_a_500(admin: Console) -> None:
    answer = admin.http.post(
        "/admin/settings/logo",
        data={"csrf_token": admin.csrf, "logo": (io.BytesIO(b"\0" * 100_000), "big.png")},
        content_type="multipart/form-data",
    )

    assert answer.status_code == 413
    assert "terlalu besar" in text(answer)
