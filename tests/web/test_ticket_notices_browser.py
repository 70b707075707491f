"""The ticket page's "Kabari saya" at phone size in Chromium: the visitor types a number,
consents, and sees the notices on, masked, with a way to stop. The server's channels
point at fake providers on 127.0.0.1 (nothing leaves the machine)."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from server.models import NoticeSubscription
from tests.e2e.live import LiveServer, running_server
from tests.server.notify.fake_provider import FakeProvider, fonnte_ok, telegram_ok, wait_for
from tests.web.conftest import NewPage

SMALL_PHONE = {"width": 360, "height": 800}
# Set to a directory to keep the screenshots (docs/notifications-*.png are made so).
SHOTS = os.environ.get("ANTRE_SCREENSHOTS")


@pytest.fixture
def notifying_server(tmp_path: Path) -> Iterator[LiveServer]:
    fonnte, telegram = FakeProvider(fonnte_ok), FakeProvider(telegram_ok)
    env = {
        "ANTRE_NOTIFY_FONNTE_TOKEN": "fonnte-SECRET",
        "ANTRE_NOTIFY_FONNTE_URL": fonnte.url,
        "ANTRE_NOTIFY_TELEGRAM_TOKEN": "1:tg-SECRET",
        "ANTRE_NOTIFY_TELEGRAM_URL": telegram.url,
        "ANTRE_NOTIFY_TELEGRAM_BOT": "MppKotaBot",
    }
    try:
        with running_server(tmp_path, env=env) as live:
            yield live
    finally:
        fonnte.close()
        telegram.close()


def _shot(page: object, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / name), full_page=True)  # type: ignore[attr-defined]


def test_a_visitor_opts_in_with_a_number_and_stops_at_phone_size(
    notifying_server: LiveServer, new_page: NewPage
) -> None:
    live = notifying_server
    ticket = live.device("kiosk").issue(live.hall.ktp)
    page = new_page(viewport=SMALL_PHONE)
    page.goto(f"{live.url}/t/{ticket['status_code']}")

    expect(page.locator("#notice-whatsapp")).to_have_text("Kabari saya lewat WhatsApp")
    expect(page.locator("#notice-telegram")).to_have_attribute(
        "href", re.compile(r"^https://t\.me/MppKotaBot\?start=t\d+-id_[A-Za-z0-9_-]{22}$")
    )
    box = page.locator("#notice-whatsapp").bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 280
    _shot(page, "notifications-opt-in.png")

    page.fill("#notice-phone", "0812 3456 7890")
    page.click("#notice-whatsapp")  # the browser's own "required" stops it: no consent
    expect(page.locator("#notices-title")).to_have_text("Tunggu di mana saja")
    page.check("#notice-consent")
    page.click("#notice-whatsapp")

    expect(page.locator("#notices-title")).to_have_text("Pemberitahuan aktif")
    expect(page.locator(".notice-active .masked")).to_have_text("+62 812-****-7890")
    expect(page.locator("#notice-form")).to_have_count(0)
    _shot(page, "notifications-active.png")
    with live.db.read() as session:
        [row] = session.scalars(select(NoticeSubscription)).all()
        assert (row.channel, row.address) == ("whatsapp", "+6281234567890")

    page.click("#notices-stop")
    expect(page.locator("#notices-title")).to_have_text("Tunggu di mana saja")
    expect(page.locator("#notice-form")).to_be_visible()
    with live.db.read() as session:
        assert session.scalars(select(NoticeSubscription)).one().unsubscribed_at is not None


def test_opted_in_on_the_page_the_call_reaches_the_fake_whatsapp_within_a_second(
    tmp_path: Path, new_page: NewPage
) -> None:
    """The issue's end-to-end test: opt in in Chromium, the counter calls over REST, and
    the hall's (fake) WhatsApp gateway receives "go to Loket 1" within a second."""
    fonnte = FakeProvider(fonnte_ok)
    env = {
        "ANTRE_NOTIFY_FONNTE_TOKEN": "fonnte-SECRET",
        "ANTRE_NOTIFY_FONNTE_URL": fonnte.url,
        "ANTRE_NOTIFY_INTERVAL_SECONDS": "30",  # the call wakes the worker, not its pause
    }
    try:
        with running_server(tmp_path, env=env) as live:
            ticket = live.device("kiosk").issue(live.hall.ktp)
            page = new_page(viewport=SMALL_PHONE)
            page.goto(f"{live.url}/t/{ticket['status_code']}")
            page.fill("#notice-phone", "0812 3456 7890")
            page.check("#notice-consent")
            page.click("#notice-whatsapp")
            expect(page.locator("#notices-title")).to_have_text("Pemberitahuan aktif")
            # Let the worker's first round (at start) pass, so only the wake-up can be quick.
            time.sleep(0.3)

            officer = live.officer("petugas.dk")
            officer.counter(live.hall.c1, "open")
            called_at = time.monotonic()
            assert officer.counter(live.hall.c1, "next")["ticket"]["id"] == ticket["id"]
            assert wait_for(lambda: len(fonnte.received) >= 1, timeout=1.0), "no message"
            took = time.monotonic() - called_at
            [sent] = fonnte.received
            assert sent.fields["target"] == "6281234567890"
            assert "Silakan ke Loket 1 sekarang" in sent.fields["message"]
            assert f"/t/{ticket['status_code']}" in sent.fields["message"]
            assert took < 1.0
    finally:
        fonnte.close()
