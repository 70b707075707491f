"""The end-to-end path of the console's channel page, with a real ``antre-server run``:
no channel at start, so the ticket page offers nothing; an admin sets Fonnte up in
Chromium (its URL the fake Fonnte on 127.0.0.1); without a restart the ticket page
offers WhatsApp, and an opted-in ticket's call reaches the fake within seconds."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.live import running_server
from tests.server.notify.fake_provider import FakeProvider, fonnte_ok, wait_for
from tests.web.conftest import NewPage, log_in

TOKEN = "fonnte-console-SECRET-token"
SHOTS = os.environ.get("ANTRE_SCREENSHOTS")


def test_fonnte_set_up_on_the_console_sends_the_call_without_a_restart(
    tmp_path: Path, new_page: NewPage
) -> None:
    fonnte = FakeProvider(fonnte_ok)
    try:
        with running_server(tmp_path) as live:
            ticket = live.device("kiosk").issue(live.hall.ktp)
            visitor = new_page()
            visitor.goto(f"{live.url}/t/{ticket['status_code']}")
            expect(visitor.locator("#notice-whatsapp")).to_have_count(0)

            admin = new_page(viewport={"width": 1280, "height": 900})
            log_in(admin, live, "admin")
            admin.goto(f"{live.url}/admin/notices/channels")
            expect(admin.locator("#status-fonnte")).to_have_text("tidak aktif: butuh fonnte_token")
            admin.fill("#f-notify_fonnte_token", TOKEN)
            admin.fill("#f-notify_fonnte_url", fonnte.url)
            admin.fill("#f-notify_telegram_bot", "MppKotaBot")
            admin.click(".save-bar button")
            expect(admin.locator("#status-fonnte")).to_have_text("aktif")
            expect(admin.locator("#state-notify_fonnte_token")).to_contain_text("tersimpan")
            assert TOKEN not in admin.content()
            if SHOTS:  # Fonnte's box at the top: on, its token stored and not shown
                admin.locator("#channel-fonnte").evaluate(
                    "box => window.scrollTo(0, box.offsetTop - 100)"
                )
                admin.screenshot(path=str(Path(SHOTS) / "notifications-channels.png"))

            visitor.goto(f"{live.url}/t/{ticket['status_code']}")
            visitor.fill("#notice-phone", "0812 3456 7890")
            visitor.check("#notice-consent")
            visitor.click("#notice-whatsapp")
            expect(visitor.locator("#notices-title")).to_have_text("Pemberitahuan aktif")

            officer = live.officer("petugas.dk")
            officer.counter(live.hall.c1, "open")
            assert officer.counter(live.hall.c1, "next")["ticket"]["id"] == ticket["id"]
            assert wait_for(
                lambda: any("Loket 1" in r.fields.get("message", "") for r in fonnte.received),
                timeout=5.0,
            ), "the fake Fonnte received no call"
            assert TOKEN not in live.log_text()
    finally:
        fonnte.close()
