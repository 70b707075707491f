"""Screenshots of the console's login and admin pages (demo hall), into docs/ (by hand):

    .venv/bin/python tools/web_admin_screens.py docs/

Seeds a throwaway MPP Kabupaten Tangerang demo hall as shipped (its opening hours and
holidays), marks the devices as seen (one kiosk out of paper, one board silent for a
while, as a working morning looks), starts a real server and photographs the pages with
Debian's Chromium at 1366x900 in Indonesian: docs/web-login.png and docs/web-admin-*.png.
Lists are shot as the screen shows them, forms and settings whole. The bulk hours page is
shot with its preview (Disdukcapil on Saturdays), and again closed on the day of the
demo's bookings, with the warning of the bookings that would cancel; the special
openings after adding one on the next holiday, and a new service nobody serves yet with
its warning. The devices page is
taken right after registering a new board, so the token shown once is in the picture;
the settings page after uploading a logo drawn here. The notices' message log and the
editor of their texts (previewing a reworded call) are docs/notifications-log.png and
docs/notifications-texts.png (and one ticket's notices, reached from the log,
docs/notifications-ticket.png); ``notices`` after the folder takes those two only.

Chromium writes its own controls (file inputs, month fields) in the language of its
interface: ``LANGUAGE=id`` and Debian's ``chromium-l10n`` package make them Indonesian.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script from any directory

from playwright.sync_api import Page, ViewportSize, sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402

from server.db import Database, make_engine  # noqa: E402
from server.demo.seed import load_demo_data, seed_demo  # noqa: E402
from server.domain.identity import PersonalDataKey  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.models import Device, DeviceKind  # noqa: E402
from tests.e2e.live import LiveServer  # noqa: E402
from tests.web.conftest import CHROMIUM_ARGS  # noqa: E402

DESKTOP: ViewportSize = {"width": 1366, "height": 900}
# Not a copy of a demo device's name ("Papan Lantai 2 — Zona A" is seeded).
NEW_DEVICE = ("TV Ruang Tunggu Lantai 2", "display", "lantai2-a")
# The site's logo, drawn by the browser (no picture to ship).
LOGO = """<div id="logo" style="display:inline-flex;align-items:center;gap:18px;padding:8px;
 font-family:'DejaVu Sans',sans-serif;background:transparent">
 <div style="width:110px;height:110px;border-radius:18px;background:#1d5bb0;color:#fff;
  display:grid;place-items:center;font-size:34px;font-weight:700">MPP</div>
 <div style="color:#163f77;line-height:1.15"><div style="font-size:34px">Kab. Tangerang</div>
  <div style="font-size:26px;color:#5b6676">Tigaraksa</div></div></div>"""


def demo_hall(folder: Path) -> tuple[str, dict[str, Any]]:
    """The demo hall as ``antre-server demo`` seeds it (its bookings too); its URL and
    credentials, with the day of its first booking under ``booking_day``."""
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    db = Database(url)
    try:
        with db.write() as session:
            seeded = seed_demo(
                session,
                dt.datetime.now(dt.UTC),
                booking_key=PersonalDataKey.from_secret("the screenshots' throwaway secret"),
            )
            creds = seeded.as_dict()
            first = seeded.bookings[0].slot.date() if seeded.bookings else None
            creds["booking_day"] = first.isoformat() if first else ""
    finally:
        db.dispose()
    return url, creds


def devices_at_work(url: str) -> None:
    """Last seen a moment ago, except one board quiet for 17 minutes; a kiosk out of paper."""
    now = dt.datetime.now(dt.UTC)
    db = Database(url)
    try:
        with db.write() as session:
            devices = list(session.scalars(select(Device).order_by(Device.id)))
            for i, device in enumerate(devices):
                device.last_seen_at = now - dt.timedelta(seconds=5 + 7 * i)
            boards = [d for d in devices if d.kind == DeviceKind.DISPLAY]
            boards[-1].last_seen_at = now - dt.timedelta(minutes=17)
            kiosks = [d for d in devices if d.kind == DeviceKind.KIOSK]
            for kiosk in kiosks:
                kiosk.health = {"printer": "ok", "reported_at": now.isoformat()}
            kiosks[1].health = {
                "printer": "paper_out",
                "message": "Kertas habis",
                "reported_at": now.isoformat(),
            }
    finally:
        db.dispose()


def shoot(page: Page, out: Path, name: str, *, full: bool = True) -> None:
    page.wait_for_load_state("networkidle")
    if page.locator("header").count() == 0:  # an error answer, not a console page
        print(f"NOT WRITTEN {name}: {page.url} answered {page.content()[:200]!r}")
        return
    path = out / f"{name}.png"
    if full:  # from the top: a page scrolled down draws its sticky menu mid-picture
        page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=full)
    print("wrote", path)


def draw_logo(page: Page, folder: Path) -> Path:
    page.set_content(f"<body style='margin:0'>{LOGO}</body>")
    path = folder / "logo.png"
    page.locator("#logo").screenshot(path=str(path), omit_background=True)
    return path


def bulk_hours(page: Page, base: str, out: Path) -> None:
    """Disdukcapil's services all open on Saturday morning: the preview before applying."""
    page.goto(base + "/admin/services")
    page.click("text=Ubah jam banyak layanan")
    page.select_option("select[name=scope]", label="DK · Disdukcapil")
    page.check("tr[data-day=sat] input[type=checkbox]")
    page.fill("input[name=from_sat]", "08.00")
    page.fill("input[name=to_sat]", "12.00")
    page.click("button[value=preview]")
    page.wait_for_selector("#preview-count")
    shoot(page, out, "web-admin-hours-bulk")


def hours_closing_on_bookings(page: Page, base: str, out: Path, booking_day: str) -> None:
    """Disdukcapil closed on the weekday of the demo's first bookings: the preview names the
    booked visitors the new hours leave out, before anything is saved."""
    if not booking_day:
        return
    weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[
        dt.date.fromisoformat(booking_day).weekday()
    ]
    page.goto(base + "/admin/hours")
    page.select_option("select[name=scope]", label="DK · Disdukcapil")
    page.uncheck(f"tr[data-day={weekday}] input[type=checkbox]")
    page.click("button[value=preview]")
    page.wait_for_selector("#preview-count")
    if page.locator("#closure-warning").count() == 0:
        print("NOT WRITTEN web-admin-hours-closure: no booking falls outside the new hours")
        return
    page.locator("#closure-warning").scroll_into_view_if_needed()
    shoot(page, out, "web-admin-hours-closure", full=False)


def deactivating_a_booked_service(page: Page, base: str, out: Path) -> None:
    """A demo service with bookings ahead, its *Aktif* box unticked: the warning of the
    bookings deactivating it would cancel (nothing is saved: the box stays unticked)."""
    for code in ("DK-KTP", "DK-KK", "SM-PKB"):
        page.goto(base + "/admin/services")
        page.click(f"table.data a >> text={code}")
        page.uncheck("#f-active")
        page.click("button[type=submit].primary")
        page.wait_for_load_state("networkidle")
        if page.locator("#closure-warning").count():
            page.locator("#closure-warning").scroll_into_view_if_needed()
            shoot(page, out, "web-admin-service-deactivate", full=False)
            return
    print("NOT WRITTEN web-admin-service-deactivate: no demo service has bookings ahead")


def special_openings(page: Page, base: str, out: Path) -> None:
    """The demo's Disdukcapil Saturday, and a whole-hall opening added here on the next
    holiday (the list says the opening wins)."""
    today = dt.date.today()
    holiday = min(
        day
        for h in load_demo_data()["holidays"]
        if (day := dt.date.fromisoformat(str(h["date"]))) > today
    )
    page.goto(base + "/admin/special-openings")
    form = page.locator("#new-special-opening")
    form.locator("input[name=date]").fill(holiday.isoformat())
    form.locator("select[name=scope]").select_option("hall")
    form.locator("input[name=opens]").fill("08.00")
    form.locator("input[name=closes]").fill("12.00")
    form.locator("input[name=name]").fill("Pelayanan KTP-el dan Samsat akhir tahun")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".flash.success")
    shoot(page, out, "web-admin-special-openings", full=False)


def unserved_service(page: Page, base: str, out: Path) -> None:
    """A new service no counter serves yet: the warning, and its mark in the list."""
    page.goto(base + "/admin/services/new")
    page.select_option("select[name=agency_id]", label="DK · Disdukcapil")
    page.fill("input[name=code]", "DK-KIA")
    page.fill("input[name=name]", "Kartu Identitas Anak (KIA)")
    page.click("button.primary")
    page.wait_for_selector(".flash.warning")
    shoot(page, out, "web-admin-service-unserved", full=False)


def booking_pages(page: Page, base: str, out: Path, day: str) -> None:
    """The day of the demo's first bookings, and DK-KTP's booking settings."""
    page.goto(f"{base}/admin/bookings?day={day}")
    shoot(page, out, "web-admin-bookings")
    page.click("#booking-services a >> text=DK-KTP")
    shoot(page, out, "web-admin-booking-settings")


def notice_pages(page: Page, base: str, out: Path) -> None:
    """The message log of the demo's notices, and the texts editor previewing a call
    reworded by the hall (nothing is saved)."""
    page.goto(base + "/admin/notices")
    shoot(page, out, "notifications-log", full=False)
    page.click("#notices a.ticket-link >> nth=2")
    shoot(page, out, "notifications-ticket", full=False)
    page.goto(base + "/admin/notices/texts")
    page.fill(
        "#f-called-id",
        "Nomor antrean {number}, silakan menuju {counter} sekarang. Status antrean: {link}",
    )
    page.click("#text-called button[value=preview]")
    page.wait_for_selector("#text-called.previewed")
    shoot(page, out, "notifications-texts", full=False)


def screens(
    base: str,
    username: str,
    password: str,
    out: Path,
    work: Path,
    booking_day: str = "",
    only_notices: bool = False,
) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, "LANGUAGE": "id"},
        )
        context = browser.new_context(viewport=DESKTOP, locale="id-ID", device_scale_factor=1)
        page = context.new_page()
        page.on("pageerror", lambda e: print("PAGE ERROR", e))
        logo = draw_logo(page, work)
        page.goto(f"{base}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        if not only_notices:
            shoot(page, out, "web-login", full=False)
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        notice_pages(page, base, out)
        if only_notices:
            browser.close()
            return

        for path, name in [
            ("/admin/agencies", "web-admin-agencies"),
            ("/admin/services", "web-admin-services"),
        ]:
            page.goto(base + path)
            shoot(page, out, name, full=False)
        # the first service of Disdukcapil, with its opening hours
        page.click("table.data tbody tr >> nth=0 >> a")
        shoot(page, out, "web-admin-service-form")
        bulk_hours(page, base, out)
        hours_closing_on_bookings(page, base, out, booking_day)
        deactivating_a_booked_service(page, base, out)
        special_openings(page, base, out)
        page.goto(base + "/admin/counters")
        shoot(page, out, "web-admin-counters", full=False)
        page.click("table.data tbody tr >> nth=0 >> a")
        shoot(page, out, "web-admin-counter-form")
        for path, name in [
            ("/admin/zones", "web-admin-zones"),
            ("/admin/holidays", "web-admin-holidays"),
            ("/admin/users", "web-admin-users"),
        ]:
            page.goto(base + path)
            shoot(page, out, name, full=False)

        page.goto(base + "/admin/devices")
        device_name, kind, zone = NEW_DEVICE
        form = page.locator("#new-device")
        form.locator("input[name=name]").fill(device_name)
        form.locator("select[name=kind]").select_option(kind)
        form.locator("select[name=zone]").select_option(zone)
        form.locator("button[type=submit]").click()
        page.wait_for_selector("#secret-value")
        shoot(page, out, "web-admin-devices", full=False)

        unserved_service(page, base, out)
        if booking_day:
            booking_pages(page, base, out, booking_day)

        page.goto(base + "/admin/settings")
        page.set_input_files("#f-logo", str(logo))
        page.click("#logo-form button[type=submit]")
        page.wait_for_selector("#current-logo")
        page.goto(base + "/admin/settings")  # without the "saved" message
        shoot(page, out, "web-admin-settings")
        browser.close()


def main() -> None:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        url, creds = demo_hall(work)
        devices_at_work(url)
        server = LiveServer(work)
        server.database_url = url  # the demo hall, not the tests' small hall
        try:
            server.start()
            admin = creds["admin"]
            screens(
                server.url,
                admin["username"],
                admin["password"],
                out,
                work,
                creds["booking_day"],
                only_notices=sys.argv[2:3] == ["notices"],
            )
        finally:
            server.close()


if __name__ == "__main__":
    main()
