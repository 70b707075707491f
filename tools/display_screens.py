"""Screenshots of the display board with demo traffic, into docs/ (run by hand).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/display_screens.py docs/

Seeds a throwaway MPP Kabupaten Tangerang demo hall (every service opened all day so it
works at any hour), starts a real server, makes a busy morning in zone "Lantai 1 —
Zona A" (21 counters: tickets taken, counters open, paused and closed, calls, a ticket
called three times), and shoots the real board at 1920x1080 (landscape) and 1080x1920
(portrait, with the slideshow): with that many counters the tiles come in pages.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a plain script from any directory

import requests  # noqa: E402
from sqlalchemy import delete, select  # noqa: E402

from server.db import Database, make_engine  # noqa: E402
from server.demo.seed import OFFICER_PASSWORD, officer_username, seed_demo  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.models import Holiday, Service  # noqa: E402

ZONE = "lantai1-a"
ALL_DAY = {d: ["00:00", "24:00"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
RUNNING_TEXT = [
    "Selamat datang di Mal Pelayanan Publik Kabupaten Tangerang",
    "Semua layanan di MPP tidak dipungut biaya kecuali yang ditetapkan peraturan",
    "Siapkan dokumen asli dan fotokopi sebelum nomor Anda dipanggil",
    "Laporkan pungutan liar melalui SP4N-LAPOR!",
]


def prepare(workdir: Path) -> tuple[str, dict[str, Any]]:
    url = f"sqlite:///{workdir / 'demo.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    db = Database(url)
    with db.write() as session:
        creds = seed_demo(session, dt.datetime.now(dt.UTC)).as_dict()
        for service in session.scalars(select(Service)):
            service.hours = ALL_DAY
            service.daily_quota = None
        session.execute(delete(Holiday))
    db.dispose()
    return url, creds


def wait(condition: Callable[[], object], seconds: float, what: str) -> None:
    from PyQt6.QtCore import QCoreApplication, QEventLoop

    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


class Hall:
    """The demo server, driven over REST like kiosks and officers would."""

    def __init__(self, base: str, creds: dict[str, Any]) -> None:
        self.base = base
        self.kiosk = requests.Session()
        kiosk = next(d["token"] for d in creds["devices"] if d["kind"] == "kiosk")
        self.kiosk.headers["Authorization"] = f"Bearer {kiosk}"
        self.display_token = next(
            d["token"] for d in creds["devices"] if d["kind"] == "display" and d["where"] == ZONE
        )
        self.config = self.kiosk.get(base + "/api/v1/config", timeout=10).json()
        self.officers: dict[int, requests.Session] = {}

    def officer(self, agency_id: int) -> requests.Session:
        if agency_id not in self.officers:
            code = next(a["code"] for a in self.config["agencies"] if a["id"] == agency_id)
            session = requests.Session()
            body = {"username": officer_username(code), "password": OFFICER_PASSWORD}
            token = session.post(self.base + "/api/v1/auth/login", json=body, timeout=10).json()
            session.headers["Authorization"] = f"Bearer {token['token']}"
            self.officers[agency_id] = session
        return self.officers[agency_id]

    def counters(self) -> list[dict[str, Any]]:
        return [c for c in self.config["counters"] if c["zone"] == ZONE]

    def issue(self, service_id: int, count: int) -> None:
        for _ in range(count):
            response = self.kiosk.post(
                self.base + "/api/v1/tickets", json={"service_id": service_id}, timeout=10
            )
            response.raise_for_status()

    def act(self, counter: dict[str, Any], action: str) -> dict[str, Any]:
        session = self.officer(counter["agency_id"])
        url = f"{self.base}/api/v1/counters/{counter['id']}/{action}"
        response = session.post(url, timeout=10)
        response.raise_for_status()
        return dict(response.json())


def busy_morning(hall: Hall) -> dict[str, Any]:
    """Tickets waiting in every line of the zone, most counters at work; returns the
    counter kept for the call made once the board is watching."""
    counters = hall.counters()
    services = {s for c in counters for s in c["service_ids"]}
    for i, service_id in enumerate(sorted(services)):
        hall.issue(service_id, 3 + (i * 7) % 12)
    closed = {counters[-1]["id"], counters[9]["id"]}
    paused = {counters[5]["id"]}
    for counter in counters:
        if counter["id"] in closed:
            continue
        hall.act(counter, "open")
        hall.act(counter, "next")
    for counter in counters[1:4] + counters[10:14]:
        hall.act(counter, "start")
    for counter in counters[6:8]:
        hall.act(counter, "next")  # some counters are further along
    hall.act(counters[2], "next")
    hall.act(counters[15], "recall")
    hall.act(counters[15], "recall")  # called three times: one line of the previous calls, "×3"
    for counter in counters:
        if counter["id"] in paused:
            hall.act(counter, "finish")
            hall.act(counter, "pause")
    for service_id in counters[0]["service_ids"]:
        hall.issue(service_id, 4)  # for the calls made while the board is watching
    return counters[0]


def posters(folder: Path) -> Path:
    """Two information posters for the slideshow, drawn here (no pictures to ship)."""
    from PyQt6.QtCore import QRectF, Qt
    from PyQt6.QtGui import QColor, QFont, QImage, QPainter

    folder.mkdir(parents=True, exist_ok=True)
    for name, colour, title, body in [
        ("1-gratis.png", "#1B5E20", "LAYANAN GRATIS", "Tidak ada biaya untuk nomor antrean"),
        ("2-lapor.png", "#AD1457", "SP4N-LAPOR!", "Sampaikan keluhan dan saran Anda"),
    ]:
        image = QImage(800, 600, QImage.Format.Format_RGB32)
        image.fill(QColor(colour))
        painter = QPainter(image)
        painter.setPen(QColor("white"))
        font = QFont("DejaVu Sans", 1, QFont.Weight.Bold)
        font.setPixelSize(64)
        painter.setFont(font)
        painter.drawText(QRectF(40, 120, 720, 160), int(Qt.AlignmentFlag.AlignCenter), title)
        font.setPixelSize(40)
        font.setWeight(QFont.Weight.Normal)
        painter.setFont(font)
        flags = int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap)
        painter.drawText(QRectF(60, 300, 680, 200), flags, body)
        painter.end()
        image.save(str(folder / name))
    return folder


def loaded(board: Any) -> bool:
    return bool(board.controller.loads >= 1)


def announcing(board: Any, number: str) -> bool:
    current = board.announcer.current
    return current is not None and current.number == number


def shoot(hall: Hall, keep: dict[str, Any], out: Path, workdir: Path) -> None:
    from PyQt6.QtWidgets import QApplication

    from display_board.app import build_board
    from display_board.config import DisplayConfig, SoundConfig

    app = QApplication.instance() or QApplication([])
    pictures = posters(workdir / "slides")
    shots = [("landscape", 1920, 1080, None), ("portrait", 1080, 1920, pictures)]
    for name, width, height, slides in shots:
        config = DisplayConfig(
            server_url=hall.base,
            token=hall.display_token,
            zone=ZONE,
            fullscreen=False,
            hide_cursor=False,
            running_text=tuple(RUNNING_TEXT),
            slideshow_folder=slides,
            sound=SoundConfig(
                speech=(), chime=False, hold_seconds=60, cache_folder=workdir / "cache"
            ),
        )
        board = build_board(config, retry_seconds=0.5)
        board.window.resize(width, height)
        board.window.show()
        board.start()
        try:
            wait(functools.partial(loaded, board), 15, "the first snapshot")
            called = hall.act(keep, "next")["ticket"]["number"]
            wait(
                functools.partial(announcing, board, called),
                15,
                f"{called} announced",
            )
            for _ in range(20):
                app.processEvents()
                time.sleep(0.02)
            marquee = board.window.marquee
            if marquee is not None:  # the running text from its start, for the picture
                marquee.offset = float(marquee.width())
            path = out / f"display-{name}.png"
            board.window.grab().save(str(path))
            print(path, "overflow:", board.window.overflowing_text())
        finally:
            board.stop()
            board.window.close()


def main(out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="antre-display-screens-"))
    url, creds = prepare(workdir)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = subprocess.Popen(
        [sys.executable, "-m", "server.entry", "run", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "ANTRE_DATABASE_URL": url, "ANTRE_LOG_LEVEL": "WARNING"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(base + "/api/v1/config", timeout=1)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise SystemExit("the demo server did not start") from None
                time.sleep(0.1)
        hall = Hall(base, creds)
        keep = busy_morning(hall)
        shoot(hall, keep, out, workdir)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs"))
