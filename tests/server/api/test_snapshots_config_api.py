"""The hall's configuration, the site settings, and the snapshots clients reload on connect
or after a gap in ``seq``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask import Flask

from server.models import SpecialOpening
from tests.conftest import Api
from tests.factories import Hall
from tests.server.api.responses import assert_error, ok

SETTINGS = "/api/v1/settings"


def caller(api: Api, name: str) -> Api:
    """A user by user name, or a device by its name in the test hall."""
    return api.as_device(name) if name in api.hall.tokens else api.as_user(name)


# --- config -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kiosk", "display-a", "counter-pc-1", "petugas.sm", "admin"])
def test_every_device_and_user_reads_the_hall_configuration(api: Api, name: str) -> None:
    body = ok(caller(api, name).get("/api/v1/config"))

    assert [a["code"] for a in body["agencies"]] == ["DK", "SM"]
    assert [s["code"] for s in body["services"]] == ["DK-KTP", "DK-KK", "SM-PKB"]
    assert [c["label"] for c in body["counters"]] == ["Loket 1", "Loket 2", "Loket 3", "Loket 4"]
    assert [z["code"] for z in body["zones"]] == ["zona-a", "zona-b"]
    assert body["settings"]["no_show_after_calls"] == 3
    assert body["site"]["today"] == "2026-11-30"
    assert body["site"]["timezone"] == "Asia/Jakarta"


def test_config_shows_each_services_prefix_and_remaining_quota(api: Api) -> None:
    services = ok(api.as_device("kiosk").get("/api/v1/config"))["services"]

    assert {s["code"]: s["prefix"] for s in services} == {
        "DK-KTP": "DK",
        "DK-KK": "DK",
        "SM-PKB": "SM",
    }
    assert all(s["remaining_quota"] is None for s in services)


def add_special_openings(app: Flask, hall: Hall) -> None:
    """Yesterday's (past), a whole-hall Saturday and Disdukcapil's, as the console saves them."""
    with app.extensions["antre"].db.write() as session:
        for day, agency_id, name in [
            (dt.date(2026, 11, 29), None, "Kemarin"),
            (dt.date(2026, 12, 5), hall.dk, "Buka khusus Sabtu"),
            (dt.date(2026, 12, 5), None, "Pelayanan serentak"),
        ]:
            session.add(
                SpecialOpening(
                    date=day, opens="08:00", closes="12:00", agency_id=agency_id, name=name
                )
            )


def test_config_lists_the_special_openings_from_today_on(app: Flask, api: Api, hall: Hall) -> None:
    add_special_openings(app, hall)

    body = ok(api.as_device("kiosk").get("/api/v1/config"))

    assert body["special_openings"] == [
        {
            "date": "2026-12-05",
            "opens": "08:00",
            "closes": "12:00",
            "agency_id": None,
            "name": "Pelayanan serentak",
        },
        {
            "date": "2026-12-05",
            "opens": "08:00",
            "closes": "12:00",
            "agency_id": hall.dk,
            "name": "Buka khusus Sabtu",
        },
    ]


# --- settings -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["petugas.dk", "sup.dk", "admin"])
def test_staff_read_the_settings(api: Api, name: str) -> None:
    assert ok(api.as_user(name).get(SETTINGS))["officer_token_hours"] == 12


@pytest.mark.parametrize("name", ["kiosk", "display-a", "counter-pc-1"])
def test_devices_do_not_read_the_settings_page(api: Api, name: str) -> None:
    assert_error(api.as_device(name).get(SETTINGS), 403, "forbidden")


def test_an_admin_changes_settings_and_the_hall_sees_them(api: Api, hall: Hall) -> None:
    admin = api.as_user("admin")

    body = ok(admin.patch(SETTINGS, json={"no_show_after_calls": 2, "site_name": "MPP Tigaraksa"}))

    assert body["no_show_after_calls"] == 2
    config = ok(api.as_device("kiosk").get("/api/v1/config"))
    assert config["settings"]["no_show_after_calls"] == 2
    assert config["site"]["name"] == "MPP Tigaraksa"


def test_a_new_number_width_shapes_the_next_ticket(api: Api, hall: Hall) -> None:
    ok(api.as_user("admin").patch(SETTINGS, json={"number_width": 4}))

    assert api.as_device("kiosk").issue(hall.ktp)["number"] == "DK-0001"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"no_show_after_calls": "3"}, "no_show_after_calls"),
        ({"no_show_after_calls": True}, "no_show_after_calls"),
        ({"no_show_after_calls": 2.5}, "no_show_after_calls"),
        ({"no_show_after_calls": None}, "no_show_after_calls"),
        ({"no_show_after_calls": 0}, "no_show_after_calls"),
        ({"officer_token_hours": 24 * 7 + 1}, "officer_token_hours"),
        ({"timezone": "Asia/Atlantis"}, "timezone"),
        ({"site_name": "   "}, "site_name"),
        ({"site_name": 7}, "site_name"),
        ({"ticket_footer": "x" * 301}, "ticket_footer"),
        ({"number_separator": "---"}, "number_separator"),
    ],
)
def test_an_invalid_setting_is_refused_naming_it(
    api: Api, changes: dict[str, Any], field: str
) -> None:
    error = assert_error(
        api.as_user("admin").patch(SETTINGS, json=changes), 422, "validation_error"
    )

    assert error["details"]["field"] == field


def test_an_unknown_setting_is_refused_naming_it(api: Api) -> None:
    response = api.as_user("admin").patch(SETTINGS, json={"warna_latar": "merah"})

    error = assert_error(response, 422, "validation_error")
    assert error["details"]["field"] == "warna_latar"
    assert "warna_latar" in error["message"]


@pytest.mark.parametrize("body", [{}, [], [{"site_name": "x"}], "site_name", 3])
def test_settings_need_an_object_of_changes(api: Api, body: Any) -> None:
    assert_error(api.as_user("admin").patch(SETTINGS, json=body), 422, "validation_error")


def test_settings_change_all_together_or_not_at_all(api: Api) -> None:
    admin = api.as_user("admin")

    response = admin.patch(SETTINGS, json={"site_name": "Baru", "number_width": 99})

    assert_error(response, 422, "validation_error")
    assert ok(admin.get(SETTINGS))["site_name"] == "Mal Pelayanan Publik"


# --- display snapshot ---------------------------------------------------------------


def test_a_display_reads_the_snapshot_of_its_own_zone(api: Api, hall: Hall) -> None:
    body = ok(api.as_device("display-a").get("/api/v1/displays/zona-a/snapshot"))

    assert body["zone"]["code"] == "zona-a"
    assert [c["label"] for c in body["counters"]] == ["Loket 1", "Loket 2", "Loket 3"]
    assert body["last_calls"] == []
    assert {line["service_id"] for line in body["lines"]} == {hall.ktp, hall.kk, hall.pkb}
    assert isinstance(body["seq"], int)


def test_a_display_cannot_read_another_zone(api: Api) -> None:
    display = api.as_device("display-a")

    assert_error(display.get("/api/v1/displays/zona-b/snapshot"), 403, "forbidden")


def test_an_admin_reads_any_zone(api: Api) -> None:
    body = ok(api.as_user("admin").get("/api/v1/displays/zona-b/snapshot"))

    assert [c["label"] for c in body["counters"]] == ["Loket 4"]


def test_an_unknown_zone_is_not_found(api: Api) -> None:
    admin = api.as_user("admin")

    assert_error(admin.get("/api/v1/displays/zona-z/snapshot"), 404, "not_found")


def test_the_zone_snapshot_shows_the_last_calls_and_its_seq_grows(api: Api, hall: Hall) -> None:
    display = api.as_device("display-a")
    before = ok(display.get("/api/v1/displays/zona-a/snapshot"))["seq"]
    api.as_device("kiosk").issue(hall.ktp)
    officer = api.as_user("petugas.dk")
    ok(officer.counter(hall.c1, "open"))
    ok(officer.counter(hall.c1, "next"))
    ok(officer.counter(hall.c1, "recall"))

    after = ok(display.get("/api/v1/displays/zona-a/snapshot"))

    assert after["seq"] > before
    # One entry per ticket, its newest call, with how often it was called.
    assert [(c["number"], c["counter"], c["recall"], c["times"]) for c in after["last_calls"]] == [
        ("DK-001", "Loket 1", True, 2)
    ]
    at_c1 = next(c for c in after["counters"] if c["id"] == hall.c1)
    assert at_c1["ticket"]["number"] == "DK-001"


def test_recalls_never_push_other_tickets_off_the_zones_previous_calls(
    api: Api, hall: Hall
) -> None:
    kiosk, officer = api.as_device("kiosk"), api.as_user("petugas.dk")
    ok(officer.counter(hall.c1, "open"))
    for _ in range(12):  # twelve visitors, each called three times (then no-show)
        kiosk.issue(hall.ktp)
        ok(officer.counter(hall.c1, "next"))
        ok(officer.counter(hall.c1, "recall"))
        ok(officer.counter(hall.c1, "recall"))
    snapshot = ok(api.as_device("display-a").get("/api/v1/displays/zona-a/snapshot"))
    listed = [c["number"] for c in snapshot["last_calls"]]
    assert snapshot["last_calls_limit"] == len(listed) == 10
    assert listed == [f"DK-{n:03d}" for n in range(12, 2, -1)]
    assert {c["times"] for c in snapshot["last_calls"]} == {3}


def test_another_zones_seq_does_not_move(api: Api, hall: Hall) -> None:
    """A board of zone B hears nothing of zone A's counters, so it sees no gap to reload."""
    display = api.as_device("display-b")
    before = ok(display.get("/api/v1/displays/zona-b/snapshot"))["seq"]

    ok(api.as_user("petugas.dk").counter(hall.c1, "open"))

    assert ok(display.get("/api/v1/displays/zona-b/snapshot"))["seq"] == before


# --- agency and hall snapshots ------------------------------------------------------


@pytest.mark.parametrize("name", ["petugas.dk", "sup.dk", "counter-pc-1", "admin"])
def test_the_agencys_people_read_its_snapshot(api: Api, hall: Hall, name: str) -> None:
    api.as_device("kiosk").issue(hall.kk)

    body = ok(caller(api, name).get("/api/v1/agencies/DK/snapshot"))

    assert body["agency"]["code"] == "DK"
    assert [t["number"] for t in body["waiting"]] == ["DK-001"]
    assert [c["label"] for c in body["counters"]] == ["Loket 1", "Loket 2"]
    assert isinstance(body["seq"], int)


@pytest.mark.parametrize("name", ["petugas.sm", "kiosk", "display-a"])
def test_others_cannot_read_an_agencys_snapshot(api: Api, name: str) -> None:
    assert_error(caller(api, name).get("/api/v1/agencies/DK/snapshot"), 403, "forbidden")


def test_an_unknown_agency_is_not_found(api: Api) -> None:
    assert_error(api.as_user("admin").get("/api/v1/agencies/XX/snapshot"), 404, "not_found")


def test_the_agency_snapshot_seq_grows_with_a_new_ticket(api: Api, hall: Hall) -> None:
    officer = api.as_user("petugas.dk")
    before = ok(officer.get("/api/v1/agencies/DK/snapshot"))["seq"]

    api.as_device("kiosk").issue(hall.ktp)

    assert ok(officer.get("/api/v1/agencies/DK/snapshot"))["seq"] > before


@pytest.mark.parametrize("name", ["admin", "kiosk"])
def test_the_hall_snapshot_for_kiosks_and_admins_who_watch_the_hall(api: Api, name: str) -> None:
    body = ok(caller(api, name).get("/api/v1/hall/snapshot"))

    assert len(body["lines"]) == 3
    assert len(body["counters"]) == 4
    assert body["today"] == "2026-11-30"


@pytest.mark.parametrize("name", ["sup.dk", "petugas.dk", "display-a", "counter-pc-1"])
def test_others_cannot_read_the_hall_snapshot(api: Api, name: str) -> None:
    assert_error(caller(api, name).get("/api/v1/hall/snapshot"), 403, "forbidden")


def test_the_hall_snapshot_seq_grows_and_counts_the_waiting(api: Api, hall: Hall) -> None:
    kiosk = api.as_device("kiosk")
    before = ok(kiosk.get("/api/v1/hall/snapshot"))["seq"]

    kiosk.issue(hall.pkb)

    after = ok(kiosk.get("/api/v1/hall/snapshot"))
    assert after["seq"] > before
    waiting = {line["service_id"]: line["waiting"] for line in after["lines"]}
    assert waiting == {hall.ktp: 0, hall.kk: 0, hall.pkb: 1}


def test_a_settings_change_moves_every_rooms_seq(api: Api) -> None:
    """``config.updated`` reaches every long-lived client, so each reloads its config."""
    display = api.as_device("display-b")
    before = ok(display.get("/api/v1/displays/zona-b/snapshot"))["seq"]

    ok(api.as_user("admin").patch(SETTINGS, json={"ticket_footer": "Terima kasih."}))

    assert ok(display.get("/api/v1/displays/zona-b/snapshot"))["seq"] > before


def test_the_public_ticket_seq_grows_when_the_ticket_is_called(api: Api, hall: Hall) -> None:
    ticket = api.as_device("kiosk").issue(hall.ktp)
    page = f"/api/v1/tickets/{ticket['status_code']}"
    before = ok(api.client.get(page))["seq"]
    officer = api.as_user("petugas.dk")
    ok(officer.counter(hall.c1, "open"))

    ok(officer.counter(hall.c1, "next"))

    assert ok(api.client.get(page))["seq"] > before


def test_the_counter_seq_grows_with_each_press(api: Api, hall: Hall) -> None:
    officer = api.as_user("petugas.dk")
    ok(officer.counter(hall.c1, "open"))
    before = ok(officer.get(f"/api/v1/counters/{hall.c1}"))["seq"]

    ok(officer.counter(hall.c1, "pause"))

    assert ok(officer.get(f"/api/v1/counters/{hall.c1}"))["seq"] > before
