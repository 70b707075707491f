"""The catalogue pages in real headless Chromium against a real server process."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from tests.e2e.live import HTTP_TIMEOUT, LiveServer
from tests.web.conftest import NewPage, log_in


def test_admin_creates_a_service_and_the_kiosk_api_offers_it(
    web_server: LiveServer, new_page: NewPage
) -> None:
    kiosk_token = web_server.hall.tokens["kiosk"]
    with web_server.socket({"token": kiosk_token}) as kiosk_socket:
        page = new_page()
        log_in(page, web_server, "admin")
        page.goto(f"{web_server.url}/admin/services")
        page.click("text=+ Layanan baru")
        page.select_option("select[name=agency_id]", label="DK · Disdukcapil")
        expect(page.locator("input[name=prefix]")).to_have_value("DK")
        page.fill("input[name=code]", "dk-akta")
        page.fill("input[name=name]", "Akta kelahiran")
        page.fill("input[name=daily_quota]", "80")
        # Monday's hours, copied to Tuesday-Thursday; Friday shorter; Saturday opened.
        page.fill("input[name=from_mon]", "08:00")
        page.fill("input[name=to_mon]", "15:00")
        page.click("[data-hours-copy]")
        expect(page.locator("input[name=to_thu]")).to_have_value("15:00")
        page.fill("input[name=to_fri]", "11:00")
        # A mistake first: closing before opening is shown beside Saturday's row.
        page.check("input[name=open_sat]")
        page.fill("input[name=from_sat]", "12:00")
        page.fill("input[name=to_sat]", "08:00")
        page.click("button.primary")
        saturday = page.locator("tr[data-day=sat] .field-error")
        expect(saturday).to_have_text("Jam buka harus sebelum jam tutup.")
        expect(page.locator("input[name=code]")).to_have_value("dk-akta")  # as typed
        page.uncheck("input[name=open_sat]")
        page.click("button.primary")
        expect(page).to_have_url(re.compile(r"/admin/services$"))
        expect(page.locator(".flash.success")).to_have_text("Layanan DK-AKTA disimpan.")
        row = page.locator("tr", has_text="DK-AKTA")
        expect(row).to_contain_text("Sen–Kam 08.00–15.00 · Jum 07.30–11.00")

        kiosk_socket.wait_for("config.updated", lambda p: p.get("what") == "services")
    config = requests.get(
        f"{web_server.url}/api/v1/config",
        headers={"Authorization": f"Bearer {kiosk_token}"},
        timeout=HTTP_TIMEOUT,
    ).json()
    offered = {s["code"]: s for s in config["services"]}
    assert offered["DK-AKTA"]["name"] == "Akta kelahiran"
    assert offered["DK-AKTA"]["prefix"] == "DK" and offered["DK-AKTA"]["daily_quota"] == 80
    assert offered["DK-AKTA"]["hours"] == {
        "mon": ["08:00", "15:00"],
        "tue": ["08:00", "15:00"],
        "wed": ["08:00", "15:00"],
        "thu": ["08:00", "15:00"],
        "fri": ["07:30", "11:00"],
    }


def test_a_counter_is_given_its_services_in_order_with_the_arrows(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page()
    log_in(page, web_server, "sup.dk")
    page.goto(f"{web_server.url}/admin/counters")
    expect(page.locator("table.data")).not_to_contain_text("Loket 3")  # Samsat's
    page.click("text=Loket 2")
    kk = page.locator("li", has_text="DK-KK")
    ktp = page.locator("li", has_text="DK-KTP")
    ktp.locator("input[type=checkbox]").check()
    ktp.locator("button[data-move='-1']").click()
    expect(page.locator("ol.service-order li").first).to_contain_text("DK-KTP")
    expect(ktp.locator("input.order")).to_have_value("1")
    expect(kk.locator("input.order")).to_have_value("2")
    page.click("button.primary")
    expect(page.locator(".flash.success")).to_have_text("Loket 2 disimpan.")
    expect(page.locator("tr", has_text="Loket 2")).to_contain_text("DK-KTP DK-KK")
    config = requests.get(
        f"{web_server.url}/api/v1/config",
        headers={"Authorization": f"Bearer {web_server.hall.tokens['kiosk']}"},
        timeout=HTTP_TIMEOUT,
    ).json()
    counter = next(c for c in config["counters"] if c["label"] == "Loket 2")
    assert counter["service_ids"] == [web_server.hall.ktp, web_server.hall.kk]


def test_a_saturday_for_every_disdukcapil_service_after_a_preview(
    web_server: LiveServer, new_page: NewPage
) -> None:
    kiosk_token = web_server.hall.tokens["kiosk"]
    with web_server.socket({"token": kiosk_token}) as kiosk_socket:
        page = new_page()
        log_in(page, web_server, "admin")
        page.goto(f"{web_server.url}/admin/services")
        page.click("text=Ubah jam banyak layanan")
        page.select_option("select[name=scope]", label="DK · Disdukcapil")
        saturday = page.locator("tr[data-day=sat]")
        saturday.locator("input[type=checkbox]").check()
        page.fill("input[name=from_sat]", "08.00")  # as the hall writes it
        page.fill("input[name=to_sat]", "12.00")
        page.click("button[value=preview]")

        expect(page.locator("#preview-count")).to_have_text("2 dari 2 layanan Disdukcapil berubah.")
        expect(page.locator("#preview table.data")).to_contain_text("DK-KTP")
        expect(page.locator("#preview table.data")).not_to_contain_text("SM-PKB")
        assert kiosk_socket.received("config.updated") == []  # a preview changes nothing
        page.click("text=Terapkan ke 2 layanan")

        expect(page).to_have_url(re.compile(r"/admin/services\?agency=\d+$"))
        expect(page.locator(".flash.success")).to_have_text(
            "Jam layanan 2 layanan Disdukcapil diubah."
        )
        expect(page.locator("tr", has_text="DK-KK")).to_contain_text("Sab 08.00–12.00")
        kiosk_socket.wait_for("config.updated", lambda p: p.get("what") == "services")
        rooms = [p.get("room") for p in kiosk_socket.received("config.updated")]
        assert len(rooms) == len(set(rooms))  # one push per room for both services
    config = requests.get(
        f"{web_server.url}/api/v1/config",
        headers={"Authorization": f"Bearer {kiosk_token}"},
        timeout=HTTP_TIMEOUT,
    ).json()
    saturdays = {s["code"]: s["hours"].get("sat") for s in config["services"]}
    assert saturdays == {
        "DK-KTP": ["08:00", "12:00"],
        "DK-KK": ["08:00", "12:00"],
        "SM-PKB": ["00:00", "24:00"],
    }


def test_an_agency_chosen_before_the_page_s_script_ran_still_gives_its_prefix(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = new_page()
    log_in(page, web_server, "admin")
    page.route("**/admin.js*", lambda route: route.abort())  # the script not there yet
    page.goto(f"{web_server.url}/admin/services")
    page.click("text=+ Layanan baru")
    page.select_option("select[name=agency_id]", label="DK · Disdukcapil")
    script = page.locator("script[src*='admin.js']").get_attribute("src")
    page.unroute("**/admin.js*")

    page.add_script_tag(url=f"{web_server.url}{script}")  # it arrives late

    expect(page.locator("input[name=prefix]")).to_have_value("DK")
