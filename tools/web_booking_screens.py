"""Screenshots of the visitor's booking pages on a phone, into docs/ (by hand).

    .venv/bin/python tools/web_booking_screens.py docs/

It seeds the demo hall (MPP Kabupaten Tangerang) in a throwaway SQLite file, turns
bookings on for a few Disdukcapil services (KTP-el asking for the NIK), starts a real
server and walks the booking with Debian's Chromium at phone size (390 x 844), in
Indonesian and again in English (the same names ending ``-en``):
docs/web-booking-phone-agencies.png (the agencies, each in its colour),
web-booking-phone-service.png (the agency's services with their standar pelayanan),
web-booking-phone-days.png (dates: holidays and full days shown as such),
web-booking-phone-slots.png (times with places left), web-booking-phone-form.png (name,
phone, NIK, consent, and the box for WhatsApp reminders: the server runs with a Fonnte
channel pointed at 127.0.0.1) and web-booking-phone-confirmation.png (code, QR, slot,
notices on, area, what to bring, calendar and manage links),
web-booking-phone-expired.png (a form sent after the session ended) and
web-booking-phone-find.png (a lost code found by phone, or by the NIK's
last four digits).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from screen_server import serving  # beside this script
from sqlalchemy import select

from server.db import Database, make_engine
from server.demo.bookings import enable_demo_bookings
from server.demo.seed import seed_demo
from server.migrate import upgrade
from server.models import BookingSettings, Service

REPO = Path(__file__).resolve().parents[1]
PHONE = {"width": 390, "height": 844}
# A WhatsApp channel, so the form offers its box: a Fonnte token whose address is the
# discard port of this machine (nothing leaves it; the confirmation simply fails).
NOTICES = {
    "ANTRE_NOTIFY_FONNTE_TOKEN": "screenshots",
    "ANTRE_NOTIFY_FONNTE_URL": "http://127.0.0.1:9",
}
# Services that take bookings in the pictures; KTP-el asks for the NIK.
BOOKABLE = {"DK-KTP": True, "DK-KK": False, "DK-LAHIR": False}


def prepare(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    db = Database(url)
    with db.write() as session:
        seed_demo(session, dt.datetime.now(dt.UTC))
        for service in session.scalars(select(Service).where(Service.code.like("DK-%"))):
            if service.code in BOOKABLE:
                session.add(
                    BookingSettings(
                        service_id=service.id, enabled=True, nik_required=BOOKABLE[service.code]
                    )
                )
        session.flush()
        enable_demo_bookings(session)  # the demo's other agencies too (their colours)
    db.dispose()


def screenshots(database_url: str, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with serving(database_url, "/booking", NOTICES) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"]
        )
        walk(browser, url, out, "id", "0812 3456 7890")
        walk(browser, url, out, "en", "0813 2222 4444")
        browser.close()


def walk(browser: Any, url: str, out: Path, lang: str, phone: str) -> None:
    """One booking from the agencies to the confirmation, in ``lang`` (Indonesian: the
    pictures without a suffix; English: ``-en``)."""
    suffix = "" if lang == "id" else f"-{lang}"
    locale = "id-ID" if lang == "id" else "en-GB"
    page = browser.new_page(viewport=PHONE, locale=locale)

    def shot(name: str, full_page: bool = False) -> None:
        page.screenshot(
            path=str(out / f"web-booking-phone-{name}{suffix}.png"), full_page=full_page
        )

    page.goto(f"{url}/booking?lang={lang}")
    shot("agencies")
    page.goto(f"{url}/booking/DK")
    shot("service")
    page.click(".service-choice a.choice >> nth=0")
    shot("days", full_page=True)
    page.click("a.day.open >> nth=1")
    day = page.url.rstrip("/").split("/")[-1].split("?")[0]
    shot("slots")
    page.click("a.slot.open >> nth=2")
    page.fill("input[name=name]", "Siti Rahmawati" if lang == "id" else "Budi Santoso")
    page.fill("input[name=phone]", phone)
    page.fill("input[name=nik]", "3603015204900007" if lang == "id" else "3603011203900001")
    page.check("input[name=consent]")
    page.check("input[name=notices]")
    shot("form", full_page=True)
    page.click("button.primary")
    page.wait_for_selector("#booking-code")
    shot("confirmation", full_page=True)
    # The cancel button pressed after the phone's browser dropped its session cookie.
    page.context.clear_cookies(name="antre_session")  # the language choice stays
    page.click("#cancel-booking")
    page.wait_for_selector("#expired")
    shot("expired")
    page.goto(f"{url}/booking/cari")
    page.fill("input[name=phone]", phone)
    page.fill("#date", day)
    page.click("#find-by-phone button")
    page.wait_for_selector("#found")
    shot("find", full_page=True)
    page.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/booking.sqlite3"
        prepare(url)
        screenshots(url, args.out)


if __name__ == "__main__":
    main()
