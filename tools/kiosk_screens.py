"""Screenshots of every kiosk screen, against the demo hall, into docs/ (run by hand).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/kiosk_screens.py docs/

It seeds a throwaway demo database (services open all day, so it works at any hour; one
service closed, one full and one agency closed, to show how they look), starts a real
server, and builds the real kiosk (``kiosk.app.Kiosk``) twice: once with a printer on a
127.0.0.1 port that prints, once with a printer whose port refuses the connection, which
gives the on-screen ticket. Every screen is reached by tapping the real buttons.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script from any directory

import requests  # noqa: E402
from PyQt6.QtCore import Qt  # noqa: E402
from PyQt6.QtTest import QTest  # noqa: E402
from PyQt6.QtWidgets import QApplication, QPushButton, QWidget  # noqa: E402
from sqlalchemy import delete, select  # noqa: E402

from kiosk.app import Kiosk  # noqa: E402
from kiosk.config import KioskConfig, load_kiosk_config  # noqa: E402
from kiosk.flow import Screen  # noqa: E402
from server.db import Database, make_engine  # noqa: E402
from server.demo.seed import seed_demo  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.models import Agency, Holiday, Service  # noqa: E402
from tests.kiosk.fake_printer import FakeNetworkPrinter  # noqa: E402

ALL_DAY = {d: ["00:00", "24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
LANDSCAPE = (1920, 1080)
PORTRAIT = (1080, 1920)
# People already waiting, so the counts are not all zero: (service code, tickets).
TRAFFIC = [
    ("DK-KTP", 14),
    ("DK-KK", 5),
    ("DK-LAHIR", 3),
    ("PT-OSS", 6),
    ("SM-PKB", 11),
    ("IM-PASPOR", 9),
    ("BK-DAFTAR", 4),
]


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def seed(url: str) -> str:
    """The demo hall, open all day; returns a kiosk token."""
    upgrade(make_engine(url))
    db = Database(url)
    try:
        with db.write() as session:
            creds = seed_demo(session, dt.datetime.now(dt.UTC)).as_dict()
            for service in session.scalars(select(Service)):
                service.hours = ALL_DAY
                service.daily_quota = None
            session.execute(delete(Holiday))
            # How closed and full services, and an agency with nothing open, look.
            closed = {"DK-PINDAH", "DK-LEG"}
            for service in session.scalars(select(Service).where(Service.code.in_(closed))):
                service.hours = {}
            full = session.scalar(select(Service).where(Service.code == "DK-IKD"))
            if full is not None:
                full.daily_quota = 0
            closed_agency = session.scalar(select(Agency).where(Agency.code == "NN"))
            if closed_agency is not None:
                for service in session.scalars(
                    select(Service).where(Service.agency_id == closed_agency.id)
                ):
                    service.hours = {}
    finally:
        db.dispose()
    return next(d["token"] for d in creds["devices"] if d["kind"] == "kiosk")


def wait(app: QApplication, condition: Callable[[], bool], what: str, seconds: float = 15) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        app.processEvents()
        time.sleep(0.02)
    app.processEvents()


def tap(app: QApplication, window: QWidget, text: str) -> None:
    """Tap the visible button labelled ``text`` (its text or its tile's name)."""

    def find() -> QPushButton | None:
        for button in window.findChildren(QPushButton):
            if button.isVisible() and text in (button.text(), button.accessibleName()):
                return button
        return None

    wait(app, lambda: find() is not None, f"the button {text!r}")
    button = find()
    assert button is not None
    QTest.mouseClick(button, Qt.MouseButton.LeftButton, pos=button.rect().center())
    app.processEvents()


class Shooter:
    def __init__(self, app: QApplication, out: Path) -> None:
        self.app = app
        self.out = out
        self.written: list[Path] = []

    def start(self, config: KioskConfig, size: tuple[int, int] = LANDSCAPE) -> Kiosk:
        kiosk = Kiosk(config, retry_seconds=0.5)
        kiosk.window.resize(*size)
        kiosk.start()
        wait(self.app, lambda: kiosk.flow.state.loaded and kiosk.live.connected, "the server")
        return kiosk

    def grab(self, kiosk: Kiosk, name: str) -> None:
        for _ in range(5):
            self.app.processEvents()
        path = self.out / f"kiosk-{name}.png"
        kiosk.window.grab().save(str(path))
        self.written.append(path)
        print(path)

    def screen(self, kiosk: Kiosk, screen: Screen) -> None:
        wait(self.app, lambda: kiosk.flow.state.screen is screen, screen.value)


def set_quota(url: str, code: str, quota: int) -> None:
    """Staff lower a quota while a visitor is choosing (the "between screens" message)."""
    db = Database(url)
    try:
        with db.write() as session:
            service = session.scalar(select(Service).where(Service.code == code))
            assert service is not None
            service.daily_quota = quota
    finally:
        db.dispose()


def shoot(
    base: str, token: str, db_url: str, out: Path, server: subprocess.Popen[bytes]
) -> list[Path]:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    shooter = Shooter(app, out)
    example = load_kiosk_config(ROOT / "examples" / "kiosk.toml")
    config = replace(
        example,
        server_url=base,
        token=token,
        public_url="http://antre.mpp.local",
        fullscreen=False,
        hide_cursor=False,
        logo=None,
        idle_seconds=600,
        ticket_seconds=600,
    )
    with FakeNetworkPrinter() as printer:
        printing = replace(
            config,
            printer={"kind": "network", "host": "127.0.0.1", "port": printer.port, "timeout": 1},
        )
        kiosk = shooter.start(printing)
        window = kiosk.window
        shooter.grab(kiosk, "welcome")
        tap(app, window, "Sentuh untuk mulai")
        shooter.grab(kiosk, "agencies")
        window.resize(*PORTRAIT)
        shooter.grab(kiosk, "agencies-portrait")
        window.resize(*LANDSCAPE)
        tap(app, window, "Disdukcapil")
        shooter.grab(kiosk, "services")
        tap(app, window, "Persyaratan: Perekaman/cetak ulang KTP-el")
        shooter.grab(kiosk, "standard")
        tap(app, window, "Ambil nomor antrean")
        shooter.grab(kiosk, "priority")
        # The issuing screen lasts a few milliseconds: this once the flow is driven by hand.
        job = kiosk.flow.request_issue("elderly")
        assert job is not None
        shooter.grab(kiosk, "issuing")
        outcome = kiosk.flow.perform(job)
        kiosk.flow.complete(outcome)
        kiosk.flow.report(outcome)
        shooter.screen(kiosk, Screen.TICKET)
        shooter.grab(kiosk, "ticket")
        tap(app, window, "Selesai")
        tap(app, window, "Sentuh untuk mulai")
        tap(app, window, "Disdukcapil")
        tap(app, window, "Perubahan KK")
        set_quota(db_url, "DK-KK", 0)
        tap(app, window, "Tidak, antrean umum")
        shooter.screen(kiosk, Screen.MESSAGE)
        shooter.grab(kiosk, "message")
        kiosk.flow.home()
        tap(app, window, "English")
        tap(app, window, "Touch to start")
        shooter.grab(kiosk, "agencies-en")
        kiosk.flow.home()
        for _ in range(5):
            QTest.mouseClick(window.corner, Qt.MouseButton.LeftButton)
        for digit in "24":
            QTest.mouseClick(window.pin_pad.keys[digit], Qt.MouseButton.LeftButton)
        shooter.grab(kiosk, "pin")
        window.pin_pad.close_pad()
        kiosk.close()

    failing = replace(
        config, printer={"kind": "network", "host": "127.0.0.1", "port": free_port(), "timeout": 1}
    )
    kiosk = shooter.start(failing)
    tap(app, kiosk.window, "Sentuh untuk mulai")
    tap(app, kiosk.window, "Disdukcapil")
    tap(app, kiosk.window, "Perekaman/cetak ulang KTP-el")
    tap(app, kiosk.window, "Tidak, antrean umum")
    shooter.screen(kiosk, Screen.TICKET)
    shooter.grab(kiosk, "printer-failure")
    kiosk.flow.home()
    server.terminate()  # the server goes away: an empty kiosk says so
    server.wait(10)
    shooter.screen(kiosk, Screen.UNAVAILABLE)
    shooter.grab(kiosk, "unavailable")
    kiosk.close()
    return shooter.written


def main(out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="antre-screens-"))
    url = f"sqlite:///{workdir / 'demo.sqlite3'}"
    token = seed(url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "server.entry", "run", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "ANTRE_DATABASE_URL": url, "ANTRE_LOG_LEVEL": "WARNING"},
    )
    try:
        for _ in range(150):
            try:
                requests.get(base + "/api/v1/config", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        with requests.Session() as http:
            http.headers["Authorization"] = f"Bearer {token}"
            config = http.get(base + "/api/v1/config", timeout=5).json()
            ids = {s["code"]: s["id"] for s in config["services"]}
            for code, count in TRAFFIC:
                for _ in range(count if code in ids else 0):
                    http.post(base + "/api/v1/tickets", json={"service_id": ids[code]}, timeout=5)
        shoot(base, token, url, out, server)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
