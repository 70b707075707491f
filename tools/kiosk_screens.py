"""Render every kiosk screen at 1920x1080 against a demo server, into docs/ (run by hand).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/kiosk_screens.py docs/

It seeds a throwaway demo database (services opened all day so it works at any hour),
starts a real server, and drives the real widgets through the flow.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from sqlalchemy import delete, select

from server.db import Database, make_engine
from server.demo.seed import seed_demo
from server.migrate import upgrade
from server.models import Holiday, Service

ALL_DAY = {d: ["00:00", "24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


class FailingPrinter:
    """Stands for a printer out of paper, to show the on-screen ticket."""

    class Fault(Exception):
        health = type("Health", (), {"value": "paper_out"})()

    def print_issued(self, issued: object, language: str) -> None:
        raise self.Fault("paper out")


def main(out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    workdir = Path(tempfile.mkdtemp())
    url = f"sqlite:///{workdir / 'demo.sqlite3'}"
    upgrade(make_engine(url))
    db = Database(url)
    with db.write() as session:
        creds = seed_demo(session, dt.datetime.now(dt.UTC)).as_dict()
        for service in session.scalars(select(Service)):
            service.hours = ALL_DAY
        session.execute(delete(Holiday))
    kiosk_token = next(d["token"] for d in creds["devices"] if d["kind"] == "kiosk")
    port = 5179
    server = subprocess.Popen(
        [sys.executable, "-m", "server.entry", "run", "--port", str(port)],
        env={**os.environ, "ANTRE_DATABASE_URL": url, "ANTRE_LOG_LEVEL": "WARNING"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(base + "/api/v1/config", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        # some realistic traffic: people already waiting
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {kiosk_token}"
        for service_id, count in [(1, 14), (2, 5), (3, 3), (8, 9), (12, 6), (21, 11), (26, 4)]:
            for _ in range(count):
                session.post(base + "/api/v1/tickets", json={"service_id": service_id}, timeout=5)
        shoot(base, kiosk_token, out)
    finally:
        server.terminate()
        server.wait(10)


def shoot(base: str, token: str, out: Path) -> None:
    from PyQt6.QtWidgets import QApplication

    from kiosk.flow import KioskFlow
    from kiosk.ui.window import KioskWindow, StateBridge
    from shared.api_client import ApiClient

    app = QApplication.instance() or QApplication([])
    bridge = StateBridge()
    api = ApiClient(base, token)
    flow = KioskFlow(api, FailingPrinter(), on_change=bridge.changed.emit)
    hall = api.hall_snapshot()
    window = KioskWindow(flow, bridge, run_issue=lambda p: (flow.begin_issue(), flow.issue(p)))
    window.resize(1920, 1080)
    flow.load_config()
    for line in hall["lines"]:
        flow.apply_line_stats(line)

    def grab(name: str) -> None:
        app.processEvents()
        window.grab().save(str(out / f"kiosk-{name}.png"))

    window.show()
    grab("welcome")
    flow.start()
    grab("agencies")
    flow.choose_agency(1)
    grab("services")
    flow.choose_service(1)
    grab("priority")
    flow.begin_issue()
    grab("issuing")
    flow.issue("elderly")
    grab("printer-failure")
    flow.home()
    flow.set_language("en")
    flow.start()
    grab("agencies-en")
    window.close()


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
