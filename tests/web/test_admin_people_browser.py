"""Users, devices and settings in real headless Chromium against a real server process:
what an admin does on the page reaches devices and officers at once."""

from __future__ import annotations

import os
import re

import requests
from playwright.sync_api import Page, expect

from tests.e2e.live import LiveServer
from tests.web.conftest import NewPage, log_in


def admin_page(new_page: NewPage, server: LiveServer) -> Page:
    page = new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the pages confirm revoke/disable
    log_in(page, server, "admin")
    return page


def status(server: LiveServer, token: str) -> int:
    answer = requests.get(
        f"{server.url}/api/v1/config", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    return answer.status_code


def test_a_registered_kiosks_token_is_shown_once_and_stops_when_revoked(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = admin_page(new_page, web_server)
    page.goto(f"{web_server.url}/admin/devices")
    page.fill("#f-name", "Kios Lantai 2")
    page.select_option("#f-kind", "counter")
    expect(page.locator("#f-zone")).to_be_hidden()  # a counter PC names its counter
    page.select_option("#f-kind", "kiosk")
    page.select_option("#f-zone", "zona-a")
    page.click("#new-device button[type=submit]")

    token = page.locator("#secret-value").inner_text()
    assert token.startswith("ant_d_")
    assert status(web_server, token) == 200
    page.goto(f"{web_server.url}/admin/devices")
    expect(page.locator("#secret-value")).to_have_count(0)
    row = page.locator('tr[data-device="Kios Lantai 2"]')
    expect(row).to_contain_text("baru saja")  # it has just read the config

    row.locator("button.danger").click()
    expect(page.locator(".flash.success")).to_contain_text("dicabut")
    expect(page.locator('tr[data-device="Kios Lantai 2"]')).to_contain_text("Dicabut")
    assert status(web_server, token) == 401
    assert token not in web_server.log_text()


def test_a_new_ticket_footer_reaches_a_kiosk_live(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = admin_page(new_page, web_server)
    with web_server.socket({"token": web_server.hall.tokens["kiosk"]}) as kiosk:
        page.goto(f"{web_server.url}/admin/settings")
        page.fill("#f-ticket_footer", "Terima kasih telah menunggu dengan sabar.")
        page.fill("#f-callout_template_id", "Nomor {prefix} {number} ke {loket}")
        expect(page.locator("#callout-id")).to_have_text("—")  # the preview says it is wrong
        page.fill("#f-callout_template_id", "Antrean {prefix} {number}, ke {counter}")
        expect(page.locator("#callout-id")).to_have_text("Antrean de ka dua belas, ke loket tiga")
        page.click("#settings button[type=submit]")
        expect(page.locator(".flash.success")).to_contain_text("Pengaturan disimpan")

        pushed = kiosk.wait_for("config.updated")

    assert pushed["what"] == "settings"
    with web_server.device("kiosk") as client:
        settings = client.get("/api/v1/config").json()["settings"]
    assert settings["ticket_footer"] == "Terima kasih telah menunggu dengan sabar."
    assert settings["callout_template_id"] == "Antrean {prefix} {number}, ke {counter}"


def test_a_supervisor_disables_an_officer_whose_token_then_stops(
    web_server: LiveServer, new_page: NewPage
) -> None:
    with web_server.officer("petugas.dk") as officer:
        assert officer.get("/api/v1/auth/me").status_code == 200
        page = new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        log_in(page, web_server, "sup.dk")
        page.goto(f"{web_server.url}/admin/users")
        expect(page.locator("tr[data-username]")).to_have_count(2)
        page.locator('tr[data-username="petugas.dk"] a').click()
        page.click("#disable button")

        expect(page.locator(".flash.success").first).to_contain_text("dinonaktifkan")
        expect(page).to_have_url(re.compile(r"/admin/users/\d+$"))
        assert officer.get("/api/v1/auth/me").status_code == 401


def test_the_people_ahead_threshold_is_a_setting_of_its_own_group(
    web_server: LiveServer, new_page: NewPage
) -> None:
    page = admin_page(new_page, web_server)
    page.goto(f"{web_server.url}/admin/settings")
    field = page.locator("#f-notice_ahead_threshold")
    expect(field).to_have_value("5")
    field.fill("3")
    page.click("#settings button[type=submit]")
    expect(page.locator(".flash.success")).to_contain_text("Pengaturan disimpan")
    expect(page.locator("#f-notice_ahead_threshold")).to_have_value("3")
    if shots := os.environ.get("ANTRE_SCREENSHOTS"):
        page.locator("#f-notice_ahead_threshold").scroll_into_view_if_needed()
        page.screenshot(path=f"{shots}/settings-notices.png")
