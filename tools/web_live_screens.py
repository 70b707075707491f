"""Screenshots of the ticket page, the hall monitor and the browser board (demo hall):
``.venv/bin/python tools/web_live_screens.py docs/``.

The monitor shows the notice alert: three WhatsApp notices failed in a row ("device
disconnected", a Fonnte phone that lost its link).

The board: 1920x1080 with sound turned on (the server offers recorded words, silent ones
made here, so the setup line is gone) and 1280x720 as it opens, before sound is allowed
(the setup line with "Aktifkan suara"); zone Lantai 1 — Zona A has 21 counters, in pages.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from sqlalchemy import select  # noqa: E402

from server.db import Database  # noqa: E402
from server.models import Device, DeviceKind  # noqa: E402
from tests.e2e.live import free_port, wait_until  # noqa: E402
from tests.web.conftest import CHROMIUM_ARGS  # noqa: E402
from tools.display_screens import ZONE, Hall, busy_morning, prepare  # noqa: E402

OUT = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/wls/out")
OUT.mkdir(parents=True, exist_ok=True)


def silent_clips(folder: Path) -> Path:
    """A recorded-words folder for the board to load (silence: only the picture counts)."""
    from display_board.clips import vocabulary
    from display_board.wavfiles import write_mono16

    folder.mkdir()
    for name in vocabulary():
        write_mono16(folder / f"{name}.wav", [0.0] * 1600, 16000)
    return folder


work = Path(tempfile.mkdtemp())
url, creds = prepare(work)
port = free_port()
base = f"http://127.0.0.1:{port}"
env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
env.update(ANTRE_DATABASE_URL=url, ANTRE_SECRET_KEY=secrets.token_urlsafe(32), PYTHONUNBUFFERED="1")
env.update(ANTRE_BOARD_CLIPS_DIR=str(silent_clips(work / "suara")))
log = open(work / "server.log", "wb")  # noqa: SIM115 (open while the server runs)
server = subprocess.Popen(
    [str(ROOT / ".venv/bin/python"), "-m", "server.entry", "run", "--port", str(port)],
    cwd=ROOT,
    env=env,
    stdout=log,
    stderr=subprocess.STDOUT,
)


def up() -> bool:
    try:
        requests.get(base + "/login", timeout=1)
        return True
    except requests.RequestException:
        return False


try:
    wait_until(up, 20, "server")
    hall = Hall(base, creds)
    kept = busy_morning(hall)
    # Devices: most seen just now; one board silent for 17 minutes; a kiosk out of paper.
    db = Database(url)
    now = dt.datetime.now(dt.UTC)
    with db.write() as session:
        devices = list(session.scalars(select(Device).order_by(Device.id)))
        for d in devices:
            d.last_seen_at = now
        boards = [d for d in devices if d.kind == DeviceKind.DISPLAY]
        boards[-1].last_seen_at = now - dt.timedelta(minutes=17)
        kiosks = [d for d in devices if d.kind == DeviceKind.KIOSK]
        kiosks[1].health = {
            "printer": "paper_out",
            "message": "Kertas habis",
            "reported_at": now.isoformat(),
        }
        kiosks[0].health = {"printer": "ok"}
        # a morning under way: the waiting tickets were taken over the last hour
        import random

        from server.models import Ticket, TicketState

        rnd = random.Random(6)
        for t in session.scalars(select(Ticket).where(Ticket.state == TicketState.WAITING)):
            back = dt.timedelta(minutes=rnd.randint(1, 34))
            t.issued_at -= back
            t.queued_at -= back
            t.queue_key = t.queued_at.timestamp()
        # The hall's WhatsApp gateway lost its phone: the monitor's notice alert.
        from server.domain.notices.queueing import enqueue_notice, subscribe
        from server.models import NoticeState

        waiting = session.scalars(
            select(Ticket).where(Ticket.state == TicketState.WAITING).limit(3)
        ).all()
        for n, ticket in enumerate(waiting):
            whatsapp = subscribe(
                session,
                channel="whatsapp",
                address=f"08120000{n:04d}",
                now=now,
                ticket_id=ticket.id,
            )
            notice = enqueue_notice(
                session,
                whatsapp,
                kind="ahead",
                now=now - dt.timedelta(minutes=9 - n),
                deadline=now + dt.timedelta(minutes=1),
                body="…",
                idempotency_key=f"screens:{n}",
            )
            assert notice is not None
            notice.state, notice.attempts = NoticeState.FAILED, 1
            notice.reason = "device disconnected (Fonnte)"
    db.dispose()
    # the visitor's ticket: a line with people ahead
    service_id = kept["service_ids"][0]
    response = hall.kiosk.post(
        base + "/api/v1/tickets", json={"service_id": service_id}, timeout=10
    )
    mine = response.json()["ticket"]
    with sync_playwright() as p:
        # Chromium's own controls in Indonesian: LANGUAGE=id with Debian's chromium-l10n.
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, "LANGUAGE": "id"},
        )
        phone = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="id-ID", device_scale_factor=1
        )
        page = phone.new_page()
        page.on("pageerror", lambda e: print("PAGE ERROR", e))
        page.goto(f"{base}/t/{mine['status_code']}")
        page.wait_for_selector("#live.up")
        page.screenshot(path=str(OUT / "web-ticket-phone.png"))
        page.screenshot(path=str(OUT / "web-ticket-phone-full.png"), full_page=True)
        # board
        # The board's page forbids eval (CSP); the wait below evaluates a string.
        tv = browser.new_context(
            viewport={"width": 1920, "height": 1080}, locale="id-ID", bypass_csp=True
        )
        board = tv.new_page()
        board.on("pageerror", lambda e: print("PAGE ERROR", e))
        board.goto(f"{base}/board/{ZONE}#token={hall.display_token}")
        board.wait_for_selector(".tile")
        board.click("#sound")  # "Aktifkan suara", as whoever sets the board up does once
        board.wait_for_selector("#setup-line", state="hidden")
        # call until the visitor's ticket is called at the kept counter
        for _ in range(40):
            result = hall.act(kept, "next")
            if result.get("ticket") and result["ticket"]["number"] == mine["number"]:
                break
        page.wait_for_selector("#state[data-state=called]")
        time.sleep(0.5)
        page.screenshot(path=str(OUT / "web-ticket-phone-called.png"))
        board.wait_for_function(
            f"document.getElementById('call-number').textContent === {mine['number']!r}"
        )
        time.sleep(0.3)
        board.screenshot(path=str(OUT / "web-board.png"))
        small = browser.new_context(viewport={"width": 1280, "height": 720}, locale="id-ID")
        opened = small.new_page()
        opened.on("pageerror", lambda e: print("PAGE ERROR", e))
        opened.goto(f"{base}/board/{ZONE}#token={hall.display_token}")
        opened.wait_for_selector("#voice-note:not([hidden])")  # the voices were looked for
        time.sleep(0.3)
        opened.screenshot(path=str(OUT / "web-board-1280.png"))
        # monitor
        desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
        mon = desk.new_page()
        mon.on("pageerror", lambda e: print("PAGE ERROR", e))
        mon.goto(base + "/login")
        mon.fill("input[name=username]", creds["admin"]["username"])
        mon.fill("input[name=password]", creds["admin"]["password"])
        mon.click("button[type=submit]")
        mon.goto(base + "/monitor")
        mon.wait_for_selector("#live-status.ok")
        time.sleep(0.5)
        mon.screenshot(path=str(OUT / "web-monitor.png"))
        mon.screenshot(path=str(OUT / "web-monitor-full.png"), full_page=True)
        mon.evaluate(
            "document.getElementById('counters').closest('section').scrollIntoView();"
            " window.scrollBy(0, -110)"
        )
        mon.screenshot(path=str(OUT / "web-monitor-counters.png"))
        browser.close()
finally:
    server.terminate()
    server.wait(10)
    print("log:", work / "server.log")
