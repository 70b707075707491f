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
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script from any directory

import requests  # noqa: E402
from PIL import Image  # noqa: E402
from PyQt6.QtCore import QSize, Qt  # noqa: E402
from PyQt6.QtGui import QImage, QPixmap  # noqa: E402
from PyQt6.QtTest import QTest  # noqa: E402
from PyQt6.QtWidgets import QApplication, QPushButton, QWidget  # noqa: E402
from sqlalchemy import select  # noqa: E402

from kiosk.app import Kiosk  # noqa: E402
from kiosk.check_in import CheckInJob  # noqa: E402
from kiosk.config import KioskConfig, load_kiosk_config  # noqa: E402
from kiosk.flow import Screen  # noqa: E402
from kiosk.screen_metrics import HALL_SCREENS  # noqa: E402
from server.db import Database  # noqa: E402
from server.models import Counter, CounterEvent, CounterService, CounterState, Service  # noqa: E402
from tests.kiosk.demo_hall import add_traffic, demo_booking, seed_demo_hall  # noqa: E402
from tests.kiosk.fake_printer import FakeNetworkPrinter  # noqa: E402
from tests.server.api.booked import next_slot  # noqa: E402

HALL_TIME = ZoneInfo("Asia/Jakarta")  # the demo hall's


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


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
    """Sizes the kiosk's window as each hall screen and saves what it shows."""

    def __init__(self, app: QApplication, out: Path) -> None:
        self.app = app
        self.out = out
        self.written: list[Path] = []

    def start(self, config: KioskConfig) -> Kiosk:
        kiosk = Kiosk(config, retry_seconds=0.5)
        kiosk.start()
        wait(self.app, lambda: kiosk.flow.state.loaded and kiosk.live.connected, "the server")
        return kiosk

    def size(self, kiosk: Kiosk, size: str) -> None:
        metrics = HALL_SCREENS[size]
        kiosk.window.resize(metrics.width, metrics.height)
        kiosk.window.assume_screen(metrics.dpi, metrics.device_pixel_ratio)
        self.settle()

    def settle(self) -> None:
        for _ in range(5):
            self.app.processEvents()

    def grab(self, kiosk: Kiosk, size: str, name: str) -> None:
        """The window as the screen shows it: a 4K screen at 200 % gets 3840x2160 pixels."""
        self.settle()
        window = kiosk.window
        ratio = HALL_SCREENS[size].device_pixel_ratio
        pixmap = QPixmap(QSize(window.width(), window.height()) * ratio)
        pixmap.setDevicePixelRatio(ratio)
        window.render(pixmap)
        path = self.out / f"{size}-{name}.png"
        save_small(pixmap, path)
        self.written.append(path)
        print(path)

    def screen(self, kiosk: Kiosk, screen: Screen) -> None:
        wait(self.app, lambda: kiosk.flow.state.screen is screen, screen.value)


def save_small(pixmap: QPixmap, path: Path) -> None:
    """A PNG in 256 colours: a third of the bytes, no difference a reader sees in a flat UI
    (the docs keep 56 of them)."""
    image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB888)
    bits = image.constBits()
    assert bits is not None
    data = bits.asstring(image.sizeInBytes())
    rgb = Image.frombuffer(
        "RGB", (image.width(), image.height()), data, "raw", "RGB", image.bytesPerLine()
    )
    rgb.quantize(256).save(path, optimize=True)


def set_quota(url: str, code: str, quota: int | None) -> None:
    """Staff change a quota while a visitor is choosing (the "between screens" message)."""
    db = Database(url)
    try:
        with db.write() as session:
            service = session.scalar(select(Service).where(Service.code == code))
            assert service is not None
            service.daily_quota = quota
    finally:
        db.dispose()


def walk(shooter: Shooter, kiosk: Kiosk, size: str, db_url: str) -> None:
    """Every screen a printing kiosk shows, at one size, reached by tapping."""
    app, window = shooter.app, kiosk.window
    shooter.size(kiosk, size)
    kiosk.flow.home()
    shooter.grab(kiosk, size, "welcome")
    check_in(shooter, kiosk, size, db_url)
    tap(app, window, "Sentuh untuk mulai")
    shooter.grab(kiosk, size, "agencies")
    tap(app, window, "Disdukcapil")
    shooter.grab(kiosk, size, "services")
    tap(app, window, "Persyaratan: Perekaman/cetak ulang KTP-el")
    shooter.grab(kiosk, size, "standard")
    tap(app, window, "Ambil nomor antrean")
    shooter.grab(kiosk, size, "priority")
    # The issuing screen lasts a few milliseconds: this once the flow is driven by hand.
    job = kiosk.flow.request_issue("elderly")
    assert job is not None
    shooter.grab(kiosk, size, "issuing")
    outcome = kiosk.flow.perform(job)
    kiosk.flow.complete(outcome)
    kiosk.flow.report(outcome)
    shooter.screen(kiosk, Screen.TICKET)
    shooter.grab(kiosk, size, "ticket")
    tap(app, window, "Selesai")
    tap(app, window, "Sentuh untuk mulai")
    tap(app, window, "Disdukcapil")
    tap(app, window, "Perubahan KK")
    set_quota(db_url, "DK-KK", 0)
    tap(app, window, "Tidak, antrean umum")
    shooter.screen(kiosk, Screen.MESSAGE)
    shooter.grab(kiosk, size, "message")
    set_quota(db_url, "DK-KK", None)  # open again for the next size
    kiosk.resync()
    wait(
        app,
        lambda: all(
            line.selectable or line.code != "DK-KK" for line in kiosk.flow.state.lines.values()
        ),
        "DK-KK open",
    )
    kiosk.flow.home()
    if size == "1920x1080":
        tap(app, window, "English")
        tap(app, window, "Touch to start")
        shooter.grab(kiosk, size, "agencies-en")
        kiosk.flow.home()
    for _ in range(5):
        QTest.mouseClick(window.corner, Qt.MouseButton.LeftButton)
    for digit in "24":
        QTest.mouseClick(window.pin_pad.keys[digit], Qt.MouseButton.LeftButton)
    shooter.grab(kiosk, size, "pin")
    window.pin_pad.close_pad()


# Each of the hall's three breaks before lunch in the break shots.
BREAK = dt.timedelta(minutes=30)


def lunch_break(url: str, on: bool) -> None:
    """The counters serving DK-KTP on a lunch break since a few minutes ago, after three
    breaks the hall finished today (so the ticket tells when they are back); ``on=False``
    closes them again, as the other screens show them."""
    db = Database(url)
    now = dt.datetime.now(dt.UTC)
    try:
        with db.write() as session:
            ktp = session.scalar(select(Service.id).where(Service.code == "DK-KTP"))
            ids = session.scalars(
                select(CounterService.counter_id).where(CounterService.service_id == ktp)
            ).all()
            for counter in session.scalars(select(Counter).where(Counter.id.in_(ids))):
                counter.state = CounterState.PAUSED if on else CounterState.CLOSED
                counter.state_since = now - dt.timedelta(minutes=5)
            if on:
                for minutes_ago in (150, 100, 50):  # breaks of 30 minutes each
                    started = now - dt.timedelta(minutes=minutes_ago)
                    for kind, at in (("paused", started), ("resumed", started + BREAK)):
                        session.add(CounterEvent(counter_id=ids[0], at=at, kind=kind))
    finally:
        db.dispose()


def on_break(shooter: Shooter, kiosk: Kiosk, size: str) -> None:
    """A KTP ticket taken while the line's counters are at lunch."""
    app, window = shooter.app, kiosk.window
    shooter.size(kiosk, size)
    tap(app, window, "Sentuh untuk mulai")
    tap(app, window, "Disdukcapil")
    tap(app, window, "Perekaman/cetak ulang KTP-el")
    tap(app, window, "Tidak, antrean umum")
    shooter.screen(kiosk, Screen.TICKET)
    shooter.grab(kiosk, size, "ticket-break")
    kiosk.flow.home()


def check_in(shooter: Shooter, kiosk: Kiosk, size: str, db_url: str) -> None:
    """The booking check-in: the keypad, a booking's ticket, the same code again, and a
    visitor a day early (the server's real answers, driven by hand as the issue is)."""
    app, window, flow = shooter.app, kiosk.window, kiosk.flow
    tap(app, window, "Sudah booking? Check-in di sini")
    for key in "K7QM3X":
        tap(app, window, key)
    shooter.grab(kiosk, size, "check-in")
    code = demo_booking(db_url, next_slot(dt.datetime.now(dt.UTC), HALL_TIME))
    for name in ("check-in-ticket", "check-in-already"):
        outcome = flow.perform(CheckInJob(code, flow.state.language))
        flow.complete(outcome)
        flow.report(outcome)
        shooter.grab(kiosk, size, name)
    tomorrow = next_slot(dt.datetime.now(dt.UTC), HALL_TIME) + dt.timedelta(days=1)
    outcome = flow.perform(CheckInJob(demo_booking(db_url, tomorrow), flow.state.language))
    flow.complete(outcome)
    shooter.screen(kiosk, Screen.CHECK_IN_RESULT)
    shooter.grab(kiosk, size, "check-in-early")
    flow.home()


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
        tap_guard_ms=0,  # the guard shows nothing; without it the walk needs no waiting
    )
    with FakeNetworkPrinter() as printer:
        printing = replace(
            config,
            printer={"kind": "network", "host": "127.0.0.1", "port": printer.port, "timeout": 1},
        )
        kiosk = shooter.start(printing)
        for size in HALL_SCREENS:
            walk(shooter, kiosk, size, db_url)
        lunch_break(db_url, on=True)
        for size in HALL_SCREENS:
            on_break(shooter, kiosk, size)
        lunch_break(db_url, on=False)
        kiosk.close()

    failing = replace(
        config, printer={"kind": "network", "host": "127.0.0.1", "port": free_port(), "timeout": 1}
    )
    kiosk = shooter.start(failing)
    for size in HALL_SCREENS:
        shooter.size(kiosk, size)
        tap(app, kiosk.window, "Sentuh untuk mulai")
        tap(app, kiosk.window, "Disdukcapil")
        tap(app, kiosk.window, "Perekaman/cetak ulang KTP-el")
        tap(app, kiosk.window, "Tidak, antrean umum")
        shooter.screen(kiosk, Screen.TICKET)
        shooter.grab(kiosk, size, "printer-failure")
        kiosk.flow.home()
    server.terminate()  # the server goes away: an empty kiosk says so
    server.wait(10)
    shooter.screen(kiosk, Screen.UNAVAILABLE)
    for size in HALL_SCREENS:
        shooter.size(kiosk, size)
        shooter.grab(kiosk, size, "unavailable")
    kiosk.close()
    return shooter.written


def main(docs: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out = docs / "kiosk"
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.png"):  # a screen or size no longer shown leaves no picture
        stale.unlink()
    workdir = Path(tempfile.mkdtemp(prefix="antre-screens-"))
    url = f"sqlite:///{workdir / 'demo.sqlite3'}"
    token = seed_demo_hall(url)
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
        add_traffic(base, token)
        shoot(base, token, url, out, server)
    finally:
        if server.poll() is None:
            server.terminate()
            server.wait(10)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
