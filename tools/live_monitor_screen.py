"""Screenshot of the hall monitor while the demo hall lives (``scripts/demo --live``):

    scripts/demo --live --speed 20 &          # wait until the simulated clock is ~09.00
    .venv/bin/python tools/live_monitor_screen.py docs/ [--url http://127.0.0.1:5080]

Logs in to the console as the demo admin (the password ``scripts/demo`` seeds, or
``--password``), opens ``/monitor`` at 1366x900 and saves ``web-monitor-live.png`` once
the page is live and shows waiting visitors.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from server.demo.seed import ADMIN_PASSWORD, ADMIN_USER  # noqa: E402
from tests.web.conftest import CHROMIUM_ARGS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--url", default="http://127.0.0.1:5080")
    parser.add_argument("--user", default=ADMIN_USER)
    parser.add_argument("--password", default=ADMIN_PASSWORD)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=CHROMIUM_ARGS,
            env={**os.environ, "LANGUAGE": "id"},
        )
        desk = browser.new_context(viewport={"width": 1366, "height": 900}, locale="id-ID")
        page = desk.new_page()
        page.on("pageerror", lambda e: print("PAGE ERROR", e))
        page.goto(args.url + "/login")
        page.fill("input[name=username]", args.user)
        page.fill("input[name=password]", args.password)
        page.click("button[type=submit]")
        page.goto(args.url + "/monitor")
        page.wait_for_selector("#live-status.ok")
        time.sleep(3)  # a few pushes of the living hall
        page.screenshot(path=str(args.out / "web-monitor-live.png"))
        browser.close()


if __name__ == "__main__":
    main()
