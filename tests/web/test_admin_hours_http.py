"""Opening hours in the console over plain HTTP (in-process): times as people write them,
one week's hours for many services after a preview, special openings (buka khusus), and
the warning when a service is left without a counter."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import Api
from tests.factories import Hall
from tests.web.test_admin_catalog_http import Console, service_form, services_in_config
from tests.web.test_admin_catalog_http import admin as admin  # fixtures, used by name
from tests.web.test_admin_catalog_http import supervisor as supervisor

SATURDAY_TOO = {
    **{f"open_{d}": "on" for d in ("mon", "tue", "wed", "thu", "fri", "sat")},
    **{f"from_{d}": "07.30" for d in ("mon", "tue", "wed", "thu", "fri")},
    **{f"to_{d}": "16.00" for d in ("mon", "tue", "wed", "thu")},
    "to_fri": "11:00",
    "from_sat": "8.00",
    "to_sat": "12.00",
}
SATURDAY_HOURS = {
    **{d: ["07:30", "16:00"] for d in ("mon", "tue", "wed", "thu")},
    "fri": ["07:30", "11:00"],
    "sat": ["08:00", "12:00"],
}
ALL_DAY = ["00:00", "24:00"]


def page_of(answer: Any) -> str:
    return answer.get_data(as_text=True)  # type: ignore[no-any-return]


def hours_of(api: Api) -> dict[str, dict[str, list[str]]]:
    return {code: s["hours"] for code, s in services_in_config(api).items()}


def hall_seq(api: Api) -> int:
    return int(api.as_user("admin").get("/api/v1/displays/zona-a/snapshot").get_json()["seq"])


def confirmation(html: str) -> str:
    found = re.search(r'name="confirm" value="([0-9a-f]+)"', html)
    assert found is not None, "no apply button on the preview"
    return found.group(1)


# --- times as people write them -------------------------------------------------------


def test_the_service_form_takes_times_with_dots_and_stores_one_form(
    admin: Console, api: Api, hall: Hall
) -> None:
    form = service_form(agency_id=str(hall.dk), from_mon="07.30", to_mon="16.00", from_tue="7:30")
    assert admin.post("/admin/services/new", form).status_code == 302

    hours = hours_of(api)["DK-AKTA"]
    assert hours["mon"] == ["07:30", "16:00"] and hours["tue"] == ["07:30", "15:00"]
    service_id = services_in_config(api)["DK-AKTA"]["id"]
    edit = page_of(admin.get(f"/admin/services/{service_id}"))
    assert 'name="from_mon" value="07.30"' in edit  # shown as the lists show it
    assert "Sen 07.30–16.00 · Sel 07.30–15.00" in page_of(admin.get("/admin/services"))


# --- a service nobody serves ----------------------------------------------------------


def test_a_service_saved_without_a_counter_is_warned_about_and_marked(
    admin: Console, hall: Hall
) -> None:
    saved = admin.client.post(
        "/admin/services/new",
        data={**service_form(agency_id=str(hall.dk)), "csrf_token": admin.csrf},
        follow_redirects=True,
    )
    page = page_of(saved)
    assert "Belum ada loket aktif yang melayani DK-AKTA" in page
    marked = re.findall(
        r"<strong>([A-Z-]+)</strong></a></td>(?:(?!</tr>).)*data-unserved", page, re.S
    )
    assert marked == ["DK-AKTA"]  # KTP, KK and PKB have their counters
    assert "1 layanan aktif belum dilayani loket aktif" in page


def test_a_service_that_keeps_its_counter_is_saved_without_a_warning(
    admin: Console, hall: Hall
) -> None:
    saved = admin.client.post(
        f"/admin/services/{hall.ktp}",
        data={
            **service_form(code="DK-KTP", name="Perekaman KTP-el"),
            "csrf_token": admin.csrf,
        },
        follow_redirects=True,
    )
    assert "Layanan DK-KTP disimpan." in page_of(saved)
    assert "loket aktif" not in page_of(saved)


def save_loket_1(admin: Console, hall: Hall, fields: dict[str, str]) -> str:
    """Loket 1's form saved with ``fields``; the page the browser lands on."""
    saved = admin.client.post(
        f"/admin/counters/{hall.c1}",
        data={"zone_id": str(hall.zone_a), "label": "Loket 1", **fields, "csrf_token": admin.csrf},
        follow_redirects=True,
    )
    return page_of(saved)


def test_unticking_the_last_counter_of_a_service_says_which_service(
    admin: Console, hall: Hall
) -> None:
    """Loket 1 is the only counter serving KTP; KK keeps Loket 2."""
    page = save_loket_1(admin, hall, {"active": "on", f"serves_{hall.kk}": "on"})
    assert "Kini tidak ada loket aktif yang melayani DK-KTP (Perekaman KTP-el)" in page
    assert "DK-KK (" not in page


def test_deactivating_a_counter_names_the_services_it_leaves_alone(
    admin: Console, hall: Hall
) -> None:
    page = save_loket_1(admin, hall, {f"serves_{hall.ktp}": "on", f"serves_{hall.kk}": "on"})
    assert "DK-KTP (Perekaman KTP-el)" in page


# --- one week's hours for many services -------------------------------------------------


def test_the_preview_names_the_services_that_change_and_changes_nothing(
    admin: Console, api: Api, hall: Hall
) -> None:
    before = hours_of(api)
    answer = admin.post(
        "/admin/hours", {"scope": str(hall.dk), "action": "preview", **SATURDAY_TOO}
    )

    assert answer.status_code == 200
    page = page_of(answer)
    assert "2 dari 2 layanan Disdukcapil berubah." in page
    assert "DK-KTP" in page and "DK-KK" in page and "SM-PKB" not in page
    assert "Terapkan ke 2 layanan" in page
    assert "Sen–Kam 07.30–16.00 · Jum 07.30–11.00 · Sab 08.00–12.00" in page
    assert hours_of(api) == before


def test_the_previewed_hours_go_to_every_service_of_the_agency_in_one_push(
    admin: Console, api: Api, hall: Hall
) -> None:
    form = {"scope": str(hall.dk), **SATURDAY_TOO}
    preview = page_of(admin.post("/admin/hours", {**form, "action": "preview"}))
    seq = hall_seq(api)

    applied = admin.post(
        "/admin/hours", {**form, "action": "apply", "confirm": confirmation(preview)}
    )

    assert applied.status_code == 302
    assert applied.headers["Location"].endswith(f"/admin/services?agency={hall.dk}")
    hours = hours_of(api)
    assert hours["DK-KTP"] == hours["DK-KK"] == SATURDAY_HOURS
    assert hours["SM-PKB"]["sat"] == ALL_DAY  # another agency's stay
    assert hall_seq(api) == seq + 1  # one config.updated for both services
    listing = page_of(admin.get(applied.headers["Location"]))
    assert "Jam layanan 2 layanan Disdukcapil diubah." in listing


def test_hours_applied_on_the_console_decide_the_very_next_ticket(
    admin: Console, api: Api, hall: Hall
) -> None:
    kiosk = api.as_device("kiosk")
    kiosk.issue(hall.ktp)  # Monday 09:00, open all day: what this process now keeps

    def apply(fields: dict[str, str]) -> None:
        form = {"scope": str(hall.dk), **fields}
        preview = page_of(admin.post("/admin/hours", {**form, "action": "preview"}))
        confirm = confirmation(preview)
        assert admin.post("/admin/hours", {**form, "action": "apply", "confirm": confirm})

    apply({"open_mon": "on", "from_mon": "07.30", "to_mon": "08.30"})
    refused = kiosk.post("/api/v1/tickets", json={"service_id": hall.ktp})
    assert refused.get_json()["error"]["details"] == {"opens": "07:30", "closes": "08:30"}

    apply({"open_mon": "on", "from_mon": "08.00", "to_mon": "16.00"})
    assert kiosk.issue(hall.ktp)["number"] == "DK-002"


def test_the_whole_hall_gets_the_hours_and_a_second_preview_says_nothing_changes(
    admin: Console, api: Api
) -> None:
    form = {"scope": "hall", **SATURDAY_TOO}
    preview = page_of(admin.post("/admin/hours", {**form, "action": "preview"}))
    assert "3 dari 3 layanan seluruh mal berubah." in preview
    admin.post("/admin/hours", {**form, "action": "apply", "confirm": confirmation(preview)})

    assert set(map(str, hours_of(api).values())) == {str(SATURDAY_HOURS)}
    again = page_of(admin.post("/admin/hours", {**form, "action": "preview"}))
    assert "Semua 3 layanan seluruh mal sudah memakai jam ini" in again
    assert 'name="confirm"' not in again


@pytest.mark.parametrize(
    "confirm", [None, "", "0000", "salah"], ids=["missing", "empty", "other", "junk"]
)
def test_an_apply_nobody_previewed_shows_the_preview_instead(
    admin: Console, api: Api, hall: Hall, confirm: str | None
) -> None:
    before = hours_of(api)
    form = {"scope": str(hall.dk), "action": "apply", **SATURDAY_TOO}
    if confirm is not None:
        form["confirm"] = confirm

    answer = admin.post("/admin/hours", form)

    assert answer.status_code == 422
    assert "berubah sejak pratinjau" in page_of(answer)
    assert "ditandai merah" not in page_of(answer)  # no field is wrong: the preview is
    assert "Terapkan ke 2 layanan" in page_of(answer)
    assert hours_of(api) == before


def test_hours_edited_after_the_preview_are_previewed_again(
    admin: Console, api: Api, hall: Hall
) -> None:
    form = {"scope": str(hall.dk), **SATURDAY_TOO}
    preview = page_of(admin.post("/admin/hours", {**form, "action": "preview"}))
    edited = {**form, "to_sat": "13.00", "action": "apply", "confirm": confirmation(preview)}

    assert admin.post("/admin/hours", edited).status_code == 422
    assert hours_of(api)["DK-KTP"]["sat"] == ALL_DAY


def test_bulk_hours_are_checked_like_the_service_form(admin: Console, api: Api, hall: Hall) -> None:
    answer = admin.post(
        "/admin/hours",
        {
            "scope": str(hall.dk),
            "action": "preview",
            **SATURDAY_TOO,
            "to_mon": "07.00",
            "from_tue": "jam 8",
            "open_sun": "on",
        },
    )
    assert answer.status_code == 422
    page = page_of(answer)
    for message in (
        "Jam buka harus sebelum jam tutup.",
        "Jam seperti 07.30 atau 07:30 (00.00–24.00).",
        "Isi jam buka dan jam tutup.",
    ):
        assert message in page, message
    assert 'value="jam 8"' in page and "Terapkan" not in page


@pytest.mark.parametrize(
    "bad",
    [
        {},
        {"scope": "99999999999999999999", "action": "apply"},
        {"scope": "0", "open_mon": "on"},
        {"scope": "²", "open_mon": "on", "action": "preview"},  # a digit to str.isdigit only
        {"scope": ["x"], "open_xyz": "on", "action": "preview"},
        {"scope": "hall", "open_mon": "on", "from_mon": "\x00", "to_mon": "9" * 500},
    ],
)
def test_hand_made_bulk_posts_get_a_clear_422_never_a_500(
    admin: Console, bad: dict[str, Any]
) -> None:
    answer = admin.post("/admin/hours", bad)
    assert answer.status_code == 422, answer.status_code
    assert "field-error" in page_of(answer) or "flash error" in page_of(answer)


def test_a_supervisor_gives_hours_to_their_own_agency_only(
    supervisor: Console, api: Api, hall: Hall
) -> None:
    first = page_of(supervisor.get("/admin/hours"))
    assert "DK · Disdukcapil" in first and "Seluruh mal" not in first  # shown, not chosen
    preview = page_of(supervisor.post("/admin/hours", {"action": "preview", **SATURDAY_TOO}))
    assert "2 dari 2 layanan Disdukcapil berubah." in preview

    for scope in ("hall", str(hall.sm), "99999"):
        for action in ("preview", "apply"):
            forged = {"scope": scope, "action": action, "confirm": confirmation(preview)}
            answer = supervisor.post("/admin/hours", {**forged, **SATURDAY_TOO})
            assert answer.status_code == 403, (scope, action)
    assert hours_of(api)["SM-PKB"]["sat"] == ALL_DAY

    applied = supervisor.post(
        "/admin/hours", {"action": "apply", "confirm": confirmation(preview), **SATURDAY_TOO}
    )
    assert applied.status_code == 302
    assert hours_of(api)["DK-KK"] == SATURDAY_HOURS


def test_the_bulk_form_starts_with_the_hours_most_of_the_scope_has(
    admin: Console, hall: Hall
) -> None:
    page = page_of(admin.get(f"/admin/hours?agency={hall.dk}"))
    assert f'<option value="{hall.dk}" selected>' in page
    assert 'name="from_sun" value="00.00"' in page and 'name="to_sun" value="24.00"' in page


# --- special openings ------------------------------------------------------------------


def special_openings(api: Api) -> list[dict[str, Any]]:
    return api.as_device("kiosk").get("/api/v1/config").get_json()["special_openings"]  # type: ignore[no-any-return]


def test_special_openings_are_added_changed_and_deleted(
    admin: Console, api: Api, hall: Hall
) -> None:
    added = admin.post(
        "/admin/special-openings",
        {
            "date": "2026-12-05",
            "scope": str(hall.dk),
            "opens": "8.00",
            "closes": "12.00",
            "name": "Buka khusus Sabtu",
        },
    )
    assert added.status_code == 302 and added.headers["Location"].endswith("year=2026")
    assert special_openings(api) == [
        {
            "date": "2026-12-05",
            "opens": "08:00",
            "closes": "12:00",
            "agency_id": hall.dk,
            "name": "Buka khusus Sabtu",
        }
    ]
    page = page_of(admin.get("/admin/special-openings?year=2026"))
    assert "05-12-2026" in page and "Sabtu" in page and "08.00–12.00" in page
    opening_id = re.search(r"/admin/special-openings/(\d+)", page)
    assert opening_id is not None
    edit = f"/admin/special-openings/{opening_id.group(1)}"

    moved = admin.post(
        edit,
        {
            "date": "2026-12-12",
            "scope": "hall",
            "opens": "07:30",
            "closes": "24.00",
            "name": "Sabtu",
        },
    )
    assert moved.status_code == 302
    assert special_openings(api)[0] | {"name": ""} == {
        "date": "2026-12-12",
        "opens": "07:30",
        "closes": "24:00",
        "agency_id": None,
        "name": "",
    }
    assert admin.post(f"{edit}/delete", {}).status_code == 302
    assert special_openings(api) == []


def test_one_special_opening_per_date_and_scope(admin: Console, hall: Hall) -> None:
    form = {"date": "2026-12-05", "scope": "hall", "opens": "08.00", "closes": "12.00", "name": "A"}
    assert admin.post("/admin/special-openings", form).status_code == 302
    twice = admin.post("/admin/special-openings", form)
    assert twice.status_code == 422
    assert "Sudah ada buka khusus untuk cakupan ini pada tanggal ini." in page_of(twice)
    other_scope = {**form, "scope": str(hall.dk)}
    assert admin.post("/admin/special-openings", other_scope).status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"opens": "12.00", "closes": "08.00"}, "Jam buka harus sebelum jam tutup."),
        ({"opens": "8"}, "Jam seperti 07.30 atau 07:30 (00.00–24.00)."),
        ({"closes": ""}, "Isi jam buka dan jam tutup."),
        ({"date": "2026-02-30"}, "Tanggal tidak sah (TTTT-BB-HH)."),
        ({"scope": "abc"}, "Pilih seluruh mal atau satu instansi."),
        ({"name": ""}, "Wajib diisi."),
    ],
)
def test_a_wrong_special_opening_is_shown_beside_its_field(
    admin: Console, api: Api, changes: dict[str, str], message: str
) -> None:
    form = {"date": "2026-12-05", "scope": "hall", "opens": "08.00", "closes": "12.00", "name": "A"}
    answer = admin.post("/admin/special-openings", {**form, **changes})
    assert answer.status_code == 422
    assert message in page_of(answer)
    assert special_openings(api) == []


def test_a_special_opening_on_a_holiday_is_marked_as_the_one_that_wins(admin: Console) -> None:
    admin.post("/admin/holidays", {"date": "2026-12-25", "name": "Natal"})
    admin.post(
        "/admin/special-openings",
        {"date": "2026-12-25", "scope": "hall", "opens": "08.00", "closes": "12.00", "name": "X"},
    )
    page = page_of(admin.get("/admin/special-openings?year=2026"))
    assert "hari libur: buka khusus berlaku" in page


def test_a_holiday_opened_in_the_console_takes_tickets_at_the_kiosk(
    admin: Console, api: Api, hall: Hall
) -> None:
    """Monday 30 November 2026, 09.00 in the test clock."""
    kiosk = api.as_device("kiosk")
    admin.post("/admin/holidays", {"date": "2026-11-30", "name": "Cuti bersama"})
    refused = kiosk.post("/api/v1/tickets", json={"service_id": hall.pkb})
    assert refused.get_json()["error"]["code"] == "service_closed"

    admin.post(
        "/admin/special-openings",
        {
            "date": "2026-11-30",
            "scope": str(hall.sm),
            "opens": "08.00",
            "closes": "12.00",
            "name": "Samsat keliling",
        },
    )

    assert kiosk.issue(hall.pkb)["number"] == "SM-001"
    refused = kiosk.post("/api/v1/tickets", json={"service_id": hall.ktp})
    assert refused.get_json()["error"]["code"] == "service_closed"  # not Disdukcapil's


def test_a_supervisor_sees_the_halls_openings_and_keeps_to_their_own(
    admin: Console, supervisor: Console, api: Api, hall: Hall
) -> None:
    base = {"date": "2026-12-05", "opens": "08.00", "closes": "12.00"}
    admin.post("/admin/special-openings", {**base, "scope": "hall", "name": "Seluruh mal"})
    admin.post("/admin/special-openings", {**base, "scope": str(hall.sm), "name": "Samsat Sabtu"})
    own = supervisor.post("/admin/special-openings", {**base, "name": "Disdukcapil Sabtu"})
    assert own.status_code == 302
    assert {o["name"]: o["agency_id"] for o in special_openings(api)} == {
        "Seluruh mal": None,
        "Samsat Sabtu": hall.sm,
        "Disdukcapil Sabtu": hall.dk,
    }

    page = page_of(supervisor.get("/admin/special-openings?year=2026"))
    assert "Seluruh mal" in page and "Disdukcapil Sabtu" in page and "Samsat Sabtu" not in page
    by_name = opening_ids(admin)
    assert (
        supervisor.get(f"/admin/special-openings/{by_name['Disdukcapil Sabtu']}").status_code == 200
    )
    assert supervisor.get(f"/admin/special-openings/{by_name['Seluruh mal']}").status_code == 403
    assert supervisor.get(f"/admin/special-openings/{by_name['Samsat Sabtu']}").status_code == 404
    for forged in ({"scope": "hall"}, {"scope": str(hall.sm)}):
        answer = supervisor.post(
            "/admin/special-openings", {**base, **forged, "date": "2026-12-12", "name": "Z"}
        )
        assert answer.status_code == 403, forged
    hall_wide = f"/admin/special-openings/{by_name['Seluruh mal']}"
    assert supervisor.post(f"{hall_wide}/delete", {}).status_code == 403
    assert (
        supervisor.post(hall_wide, {**base, "scope": "hall", "name": "Diubah"}).status_code == 403
    )
    assert len(special_openings(api)) == 3


def opening_ids(admin: Console) -> dict[str, int]:
    """Each special opening's id by its name, from the admin's list."""
    page = page_of(admin.get("/admin/special-openings?year=2026"))
    found = {}
    for row in page.split("<tr")[1:]:
        link = re.search(r"/admin/special-openings/(\d+)\"", row)
        names = re.findall(r"<td>([^<]+)</td>", row)
        if link and names:
            found[names[-1]] = int(link.group(1))
    return found


def test_a_special_opening_for_a_scope_that_is_no_number_is_a_field_error(
    admin: Console,
) -> None:
    form = {"date": "2026-12-05", "opens": "08.00", "closes": "12.00", "name": "Sabtu"}
    answer = admin.post("/admin/special-openings", {**form, "scope": "²"})
    assert answer.status_code == 422, answer.status_code
    assert "field-error" in page_of(answer)
