"""Screenshots of where visitors answer the satisfaction survey, into docs/ (by hand):

    .venv/bin/python tools/web_survey_screens.py docs/

Seeds a throwaway demo hall (every service open all day), starts a real server, opens
the demo's survey tablet (Disdukcapil's first counter) at 1280x800 and photographs it
idle; finishes a visit at that counter over REST and photographs the tablet asking
(the first question, then the profile); and, at 360x800, the visitor's phone: the
ticket page offering the survey once served, and the survey with two answers chosen;
and the kiosk's survey page (1280x800) refusing a number not in today's queue.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))

import requests  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402
from screen_server import serving  # noqa: E402
from sqlalchemy import select  # noqa: E402

from server.db import Database  # noqa: E402
from server.demo.seed import OFFICER_PASSWORD  # noqa: E402
from server.models import Counter, Device, DeviceKind, Service  # noqa: E402
from tests.web.conftest import CHROMIUM_ARGS  # noqa: E402
from tools.display_screens import prepare  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/survey-screens")
OUT.mkdir(parents=True, exist_ok=True)


def tablet_place(url: str, creds: dict[str, object]) -> tuple[int, str, int]:
    """The demo tablet's counter, its token and a service of that counter."""
    token = next(d["token"] for d in creds["devices"] if d["kind"] == "survey")  # type: ignore[index, union-attr]
    db = Database(url)
    with db.read() as session:
        tablet = session.scalars(select(Device).where(Device.kind == DeviceKind.SURVEY)).one()
        counter = session.get(Counter, tablet.counter_id)
        assert counter is not None
        service = session.scalars(
            select(Service).where(Service.id == counter.service_links[0].service_id)
        ).one()
        found = (counter.id, str(token), service.id)
    db.dispose()
    return found


def shoot(page: Page, name: str) -> None:
    time.sleep(0.4)
    page.screenshot(path=str(OUT / name))
    print("wrote", OUT / name)


def main() -> None:
    work = Path(tempfile.mkdtemp())
    url, creds = prepare(work)
    counter_id, token, service_id = tablet_place(url, creds)
    kiosk_token = next(d["token"] for d in creds["devices"] if d["kind"] == "kiosk")  # type: ignore[index, union-attr]
    with serving(url, "/login") as base:
        kiosk = requests.Session()
        kiosk.headers["Authorization"] = f"Bearer {kiosk_token}"
        officer = requests.Session()
        login = {"username": "petugas.dk", "password": OFFICER_PASSWORD}
        answer = officer.post(f"{base}/api/v1/auth/login", json=login, timeout=10).json()
        officer.headers["Authorization"] = f"Bearer {answer['token']}"
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                headless=True,
                args=CHROMIUM_ARGS,
                env={**os.environ, "LANGUAGE": "id"},
            )
            tablet = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
            page = tablet.new_page()
            page.on("pageerror", lambda e: print("PAGE ERROR", e))
            page.goto(f"{base}/survey/counter/{counter_id}#token={token}")
            page.wait_for_selector("#offline", state="hidden")
            shoot(page, "web-survey-tablet-idle.png")
            issued = kiosk.post(
                f"{base}/api/v1/tickets", json={"service_id": service_id}, timeout=10
            ).json()["ticket"]
            officer.post(f"{base}/api/v1/counters/{counter_id}/open", timeout=10)
            officer.post(f"{base}/api/v1/counters/{counter_id}/next", timeout=10)
            officer.post(f"{base}/api/v1/counters/{counter_id}/finish", timeout=10)
            page.wait_for_selector("#asking", state="visible")
            shoot(page, "web-survey-tablet-asking.png")
            for key in range(1, 10):
                page.click(f"fieldset[data-key=U{key}] .level-{3 if key % 3 else 4}")
                page.wait_for_selector(f"fieldset[data-key=U{key}]", state="hidden")
            page.click("fieldset[data-key=profile] .pill:has-text('Perempuan')")
            page.click("fieldset[data-key=profile] .pill:has-text('30–39 tahun')")
            shoot(page, "web-survey-tablet-profile.png")
            phone_survey(browser, base, issued)
            stand = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
            at_kiosk = stand.new_page()
            at_kiosk.on("pageerror", lambda e: print("PAGE ERROR", e))
            at_kiosk.goto(f"{base}/survey/kiosk#token={kiosk_token}")
            at_kiosk.fill("#number-input", "DK-077")
            at_kiosk.click(".number-go")
            at_kiosk.wait_for_selector("#number-error", state="visible")
            shoot(at_kiosk, "web-survey-kiosk.png")
            browser.close()


def phone_survey(browser: object, base: str, issued: dict[str, object]) -> None:
    """The visitor's own survey on the ticket page, when the page offers it."""
    context = browser.new_context(  # type: ignore[attr-defined]
        viewport={"width": 360, "height": 800}, locale="id-ID", device_scale_factor=1
    )
    page = context.new_page()
    page.on("pageerror", lambda e: print("PAGE ERROR", e))
    page.goto(f"{base}/t/{issued['status_code']}")
    page.wait_for_selector("#survey-offer", state="visible")
    shoot(page, "web-survey-phone-offer.png")
    response = page.goto(f"{base}/t/{issued['status_code']}/survey")
    if response is None or response.status != 200:
        print("the ticket page offers no survey here: no phone picture")
        return
    page.click("fieldset[data-key=U1] .level-4")
    page.click("fieldset[data-key=U2] .level-3")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "web-survey-phone.png")


if __name__ == "__main__":
    main()
