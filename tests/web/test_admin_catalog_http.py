"""The catalogue pages over plain HTTP (in-process): what a browser or a hand-made request
may post, who may see what, and that every change reaches the kiosks' configuration."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import Api
from tests.factories import PASSWORD, Hall


class Console:
    """A browser's session in the console: logged in through the form, posting forms
    with the session's CSRF secret as the pages do."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.csrf = ""

    def log_in(self, username: str) -> Console:
        form = self.client.get("/login").get_data(as_text=True)
        self.csrf = _csrf(form)
        answer = self.client.post(
            "/login", data={"username": username, "password": PASSWORD, "csrf_token": self.csrf}
        )
        assert answer.status_code == 302, answer.get_data(as_text=True)
        # A login makes a fresh secret (no fixation): the pages carry the new one.
        page = self.client.get("/login", follow_redirects=True).get_data(as_text=True)
        found = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert found is not None
        self.csrf = found.group(1)
        return self

    def get(self, path: str) -> TestResponse:
        return self.client.get(path)

    def post(self, path: str, data: dict[str, Any], *, csrf: bool = True) -> TestResponse:
        body = {**data, "csrf_token": self.csrf} if csrf else dict(data)
        return self.client.post(path, data=body)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found is not None
    return found.group(1)


@pytest.fixture
def admin(app: Flask) -> Console:
    return Console(app.test_client()).log_in("admin")


@pytest.fixture
def supervisor(app: Flask) -> Console:
    return Console(app.test_client()).log_in("sup.dk")


WEEKDAY_HOURS = {
    **{f"open_{d}": "on" for d in ("mon", "tue", "wed", "thu", "fri")},
    **{f"from_{d}": "08:00" for d in ("mon", "tue", "wed", "thu")},
    **{f"to_{d}": "15:00" for d in ("mon", "tue", "wed", "thu")},
    "from_fri": "08:00",
    "to_fri": "11:00",
}


def service_form(**changes: Any) -> dict[str, Any]:
    form = {
        "code": "DK-AKTA",
        "name": "Akta kelahiran",
        "prefix": "DK",
        "target_wait_minutes": "30",
        "typical_minutes": "12,5",
        "priority_offered": "on",
        "active": "on",
        **WEEKDAY_HOURS,
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def services_in_config(api: Api) -> dict[str, dict[str, Any]]:
    config = api.as_device("kiosk").get("/api/v1/config").get_json()
    return {s["code"]: s for s in config["services"]}


def test_a_new_service_is_in_the_kiosk_configuration_with_its_hours(
    admin: Console, api: Api, hall: Hall
) -> None:
    answer = admin.post("/admin/services/new", service_form(agency_id=str(hall.dk)))
    assert answer.status_code == 302
    service = services_in_config(api)["DK-AKTA"]
    assert service["prefix"] == "DK" and service["agency_id"] == hall.dk
    assert service["hours"]["mon"] == ["08:00", "15:00"]
    assert service["hours"]["fri"] == ["08:00", "11:00"]
    assert "sat" not in service["hours"]
    assert service["typical_minutes"] == 12.5
    listing = admin.get("/admin/services").get_data(as_text=True)
    assert "DK-AKTA" in listing and "Sen–Kam 08.00–15.00 · Jum 08.00–11.00" in listing


def test_the_standard_written_in_the_console_reaches_the_kiosks_one_line_per_requirement(
    admin: Console, api: Api, hall: Hall
) -> None:
    requirements = "Surat keterangan lahir\r\n\r\n  Kartu Keluarga orang tua  \r\nBuku nikah"
    answer = admin.post(
        "/admin/services/new",
        service_form(
            agency_id=str(hall.dk),
            requirements=requirements,
            fee="Gratis (tidak dipungut biaya)",
            completion="1 hari kerja",
        ),
    )
    assert answer.status_code == 302
    standard = services_in_config(api)["DK-AKTA"]["standard"]
    assert standard == {
        "requirements": ["Surat keterangan lahir", "Kartu Keluarga orang tua", "Buku nikah"],
        "fee": "Gratis (tidak dipungut biaya)",
        "completion": "1 hari kerja",
    }
    form = admin.get(f"/admin/services/{hall.ktp}").get_data(as_text=True)
    assert ">Kartu Keluarga (asli dan fotokopi)</textarea>" in form  # the stored one, to edit


def test_a_service_without_a_standard_sends_an_empty_one(api: Api) -> None:
    assert services_in_config(api)["DK-KK"]["standard"] == {
        "requirements": [],
        "fee": "",
        "completion": "",
    }


def test_a_standard_too_long_or_with_control_characters_is_refused_beside_its_field(
    admin: Console, api: Api, hall: Hall
) -> None:
    answer = admin.post(
        "/admin/services/new",
        service_form(
            agency_id=str(hall.dk),
            requirements="\n".join(f"Berkas {n}" for n in range(1, 23)),
            fee="x" * 201,
            completion="Selesai\x07",
        ),
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    for message in (
        "Paling banyak 20 baris.",
        "Paling banyak 200 karakter.",
        "Tanpa karakter kontrol.",
    ):
        assert message in page, message
    assert "DK-AKTA" not in services_in_config(api)
    line = admin.post(
        "/admin/services/new",
        service_form(agency_id=str(hall.dk), requirements="KK\n" + "y" * 201),
    )
    assert "Baris 2: paling banyak 200 karakter." in line.get_data(as_text=True)


def test_every_field_problem_is_shown_beside_its_field_at_once(
    admin: Console, api: Api, hall: Hall
) -> None:
    answer = admin.post(
        "/admin/services/new",
        service_form(
            agency_id=str(hall.dk),
            code="DK-KTP",  # taken
            name="",
            prefix="SM",  # Samsat's
            target_wait_minutes="9999999999999",
            typical_minutes="lama",
            daily_quota="-3",
            from_mon="16:00",
            to_mon="08:00",
            to_tue="25:00",
        ),
    )
    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    for message in (
        "Kode DK-KTP sudah dipakai.",
        "Wajib diisi.",
        "Awalan SM dipakai instansi Samsat.",
        "Isi dengan bilangan bulat.",
        "Isi dengan angka, mis. 7,5.",
        "Antara 1 dan 100000.",
        "Jam buka harus sebelum jam tutup.",
        "Jam seperti 07.30 atau 07:30 (00.00–24.00).",
    ):
        assert message in page, message
    assert 'value="DK-KTP"' in page  # what was sent stays in the form
    assert 'value="16:00"' in page
    assert "DK-AKTA" not in services_in_config(api)


def test_the_messages_follow_the_english_switch(admin: Console, hall: Hall) -> None:
    admin.get("/admin/services?lang=en")
    page = admin.post(
        "/admin/services/new", service_form(agency_id=str(hall.dk), name="", to_mon="07:00")
    ).get_data(as_text=True)
    assert "Required." in page and "Opening must be before closing." in page


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"agency_id": "abc", "code": ["x"], "position": "1e9"},
        {"agency_id": "99999999999999999999", "prefix": "d-k", "code": "A" * 5000},
        {"open_mon": "on", "from_mon": "", "to_mon": ""},
        {"open_xyz": "on", "priority_offered": "maybe", "colour": "\x1b"},
    ],
)
def test_hand_made_posts_get_a_clear_422_never_a_500(
    admin: Console, hall: Hall, bad: dict[str, Any]
) -> None:
    for path in ("/admin/services/new", "/admin/counters/new", "/admin/agencies/new"):
        answer = admin.post(path, bad)
        assert answer.status_code == 422, (path, answer.status_code)
        assert "field-error" in answer.get_data(as_text=True)
    assert admin.post("/admin/zones/new", bad).status_code == 422
    assert admin.post("/admin/holidays", bad).status_code == 422


def test_unknown_or_oversized_ids_are_404(admin: Console) -> None:
    for path in (
        "/admin/services/999999",
        "/admin/services/99999999999999999999",
        "/admin/counters/0",
        "/admin/agencies/77",
        "/admin/zones/77",
        "/admin/holidays/2026-13-40",
        "/admin/holidays/2026-01-01",
    ):
        assert admin.get(path).status_code == 404, path


def test_a_form_without_the_csrf_secret_changes_nothing(
    admin: Console, api: Api, hall: Hall
) -> None:
    answer = admin.post("/admin/services/new", service_form(agency_id=str(hall.dk)), csrf=False)
    assert answer.status_code == 403
    assert "DK-AKTA" not in services_in_config(api)


# --- a supervisor's agency limit -------------------------------------------------------


def test_a_supervisor_lists_only_their_agencys_services_and_counters(
    supervisor: Console,
) -> None:
    services = supervisor.get("/admin/services?agency=2").get_data(as_text=True)
    assert "DK-KTP" in services and "SM-PKB" not in services
    counters = supervisor.get("/admin/counters").get_data(as_text=True)
    assert "Loket 1" in counters and "Loket 3" not in counters


def test_a_supervisor_cannot_open_or_change_another_agencys_service_or_counter(
    supervisor: Console, api: Api, hall: Hall
) -> None:
    assert supervisor.get(f"/admin/services/{hall.pkb}").status_code == 403
    assert supervisor.get(f"/admin/counters/{hall.c3}").status_code == 403
    changed = supervisor.post(
        f"/admin/services/{hall.pkb}", service_form(code="SM-PKB", prefix="SM", name="Diubah")
    )
    assert changed.status_code == 403
    assert supervisor.post(f"/admin/services/{hall.pkb}/delete", {}).status_code == 403
    moved = supervisor.post(
        f"/admin/counters/{hall.c3}",
        {"zone_id": str(hall.zone_a), "label": "Loket 3", "active": "on"},
    )
    assert moved.status_code == 403
    assert services_in_config(api)["SM-PKB"]["name"] == "Pajak kendaraan tahunan"


def test_a_supervisor_creates_only_in_their_own_agency(
    supervisor: Console, api: Api, hall: Hall
) -> None:
    # An agency_id sent by hand is not theirs to choose: the service lands in DK.
    answer = supervisor.post(
        "/admin/services/new", service_form(agency_id=str(hall.sm), code="DK-AKTA")
    )
    assert answer.status_code == 302
    assert services_in_config(api)["DK-AKTA"]["agency_id"] == hall.dk
    # Nor can their counter serve Samsat's service.
    counter = supervisor.post(
        "/admin/counters/new",
        {
            "agency_id": str(hall.sm),
            "zone_id": str(hall.zone_a),
            "label": "Loket 9",
            "active": "on",
            f"serves_{hall.pkb}": "on",
        },
    )
    assert counter.status_code == 422
    assert "Loket hanya melayani layanan instansinya sendiri." in counter.get_data(as_text=True)


def test_admin_only_pages_are_refused_to_a_supervisor(supervisor: Console, hall: Hall) -> None:
    for path in (
        "/admin/agencies",
        "/admin/zones",
        "/admin/holidays",
        f"/admin/agencies/{hall.dk}",
    ):
        assert supervisor.get(path).status_code == 403, path
    assert supervisor.post("/admin/zones/new", {"code": "x", "name": "X"}).status_code == 403
    assert (
        supervisor.post("/admin/holidays", {"date": "2026-12-25", "name": "X"}).status_code == 403
    )


# --- counters, agencies, zones, holidays ------------------------------------------------


def test_a_counter_serves_its_ticked_services_in_the_order_given(
    admin: Console, api: Api, hall: Hall
) -> None:
    answer = admin.post(
        f"/admin/counters/{hall.c2}",
        {
            "zone_id": str(hall.zone_b),
            "label": "Loket 2",
            "position": "2",
            "active": "on",
            f"serves_{hall.kk}": "on",
            f"order_{hall.kk}": "2",
            f"serves_{hall.ktp}": "on",
            f"order_{hall.ktp}": "1",
        },
    )
    assert answer.status_code == 302
    config = api.as_device("kiosk").get("/api/v1/config").get_json()
    counter = next(c for c in config["counters"] if c["id"] == hall.c2)
    assert counter["service_ids"] == [hall.ktp, hall.kk] and counter["zone"] == "zona-b"


def test_an_open_counter_is_not_deactivated(admin: Console, api: Api, hall: Hall) -> None:
    assert api.as_user("petugas.dk").counter(hall.c1, "open").status_code == 200
    answer = admin.post(
        f"/admin/counters/{hall.c1}",
        {"zone_id": str(hall.zone_a), "label": "Loket 1", f"serves_{hall.ktp}": "on"},
    )
    assert answer.status_code == 422
    assert "tutup loket dulu" in answer.get_data(as_text=True)


def test_two_counters_of_one_zone_do_not_share_a_label(admin: Console, hall: Hall) -> None:
    answer = admin.post(
        "/admin/counters/new",
        {"agency_id": str(hall.dk), "zone_id": str(hall.zone_a), "label": "loket 1"},
    )
    assert answer.status_code == 422
    assert "di zona ini" in answer.get_data(as_text=True)


def test_an_agency_with_history_is_deactivated_not_deleted(
    admin: Console, api: Api, hall: Hall
) -> None:
    kept = admin.post(f"/admin/agencies/{hall.sm}/delete", {})
    assert kept.status_code == 302 and kept.headers["Location"].endswith(f"/agencies/{hall.sm}")
    answer = admin.post(
        f"/admin/agencies/{hall.sm}",
        {"name": "Samsat", "short_name": "Samsat", "colour": "#b45f06", "position": "2"},
    )
    assert answer.status_code == 302
    config = api.as_device("kiosk").get("/api/v1/config").get_json()
    samsat = next(a for a in config["agencies"] if a["code"] == "SM")
    assert samsat["active"] is False and samsat["colour"] == "#B45F06"


def test_a_new_agency_zone_and_unused_service_can_be_deleted(admin: Console, api: Api) -> None:
    assert (
        admin.post(
            "/admin/agencies/new",
            {
                "code": "im",
                "name": "Kantor Imigrasi",
                "short_name": "Imigrasi",
                "colour": "#123456",
            },
        ).status_code
        == 302
    )
    config = api.as_device("kiosk").get("/api/v1/config").get_json()
    agency = next(a for a in config["agencies"] if a["code"] == "IM")
    assert (
        admin.post("/admin/zones/new", {"code": "Lantai2", "name": "Lantai 2"}).status_code == 302
    )
    zone = next(
        z
        for z in api.as_device("kiosk").get("/api/v1/config").get_json()["zones"]
        if z["code"] == "lantai2"
    )
    answer = admin.post(
        "/admin/services/new",
        service_form(agency_id=str(agency["id"]), code="IM-PASPOR", prefix="IM"),
    )
    assert answer.status_code == 302
    service = services_in_config(api)["IM-PASPOR"]
    assert admin.post(f"/admin/agencies/{agency['id']}/delete", {}).status_code == 302
    assert "IM" in [
        a["code"] for a in api.as_device("kiosk").get("/api/v1/config").get_json()["agencies"]
    ]
    assert admin.post(f"/admin/services/{service['id']}/delete", {}).status_code == 302
    assert admin.post(f"/admin/agencies/{agency['id']}/delete", {}).status_code == 302
    assert admin.post(f"/admin/zones/{zone['id']}/delete", {}).status_code == 302
    config = api.as_device("kiosk").get("/api/v1/config").get_json()
    assert "IM" not in [a["code"] for a in config["agencies"]]
    assert "lantai2" not in [z["code"] for z in config["zones"]]


def test_holidays_are_added_renamed_moved_and_deleted(admin: Console, api: Api) -> None:
    assert admin.post("/admin/holidays", {"date": "2026-12-25", "name": "Natal"}).status_code == 302
    twice = admin.post("/admin/holidays", {"date": "2026-12-25", "name": "Natal"})
    assert twice.status_code == 422 and "sudah hari libur" in twice.get_data(as_text=True)
    page = admin.get("/admin/holidays?year=2026").get_data(as_text=True)
    assert "25-12-2026" in page and "Jumat" in page
    moved = admin.post(
        "/admin/holidays/2026-12-25", {"date": "2026-12-24", "name": "Cuti bersama Natal"}
    )
    assert moved.status_code == 302
    holidays = api.as_device("kiosk").get("/api/v1/config").get_json()["holidays"]
    assert holidays == [{"date": "2026-12-24", "name": "Cuti bersama Natal"}]
    assert admin.post("/admin/holidays/2026-12-24/delete", {}).status_code == 302
    assert api.as_device("kiosk").get("/api/v1/config").get_json()["holidays"] == []


def test_every_console_list_opens_for_the_admin(admin: Console) -> None:
    for path in (
        "/admin/agencies",
        "/admin/services",
        "/admin/counters",
        "/admin/zones",
        "/admin/holidays",
        "/admin/users",
        "/admin/devices",
        "/admin/settings",
        "/monitor",
        "/reports",
    ):
        assert admin.get(path).status_code == 200, path


def test_the_zones_list_counts_each_zones_counters_and_devices(admin: Console) -> None:
    page = admin.get("/admin/zones").get_data(as_text=True)
    # The test hall: zona-a has Loket 1-3, the kiosk and one board; zona-b Loket 4 and a board.
    rows = re.findall(
        r"<code>(zona-[ab])</code></td><td>[^<]*</td>\s*"
        r'<td class="num">(\d+)</td><td class="num">(\d+)</td>',
        page,
    )
    assert rows == [("zona-a", "3", "2"), ("zona-b", "1", "1")]
