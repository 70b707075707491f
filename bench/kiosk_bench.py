"""Time from a tap on a service to the last byte of the ticket at the printer.

Run by hand, never by the test suite; the figures are in docs/kiosk.md:

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/kiosk_bench.py [--n 200]
        [--async-mode eventlet|threading] [--json FILE]

It seeds the MPP Kabupaten Tangerang demo hall into a throwaway SQLite database (the
embedded default), starts ``antre-server run`` on it (the same way ``server_bench.py``
does), listens on a 127.0.0.1 port as a network printer that answers status requests like
an Epson, and builds the real kiosk (``kiosk.app.Kiosk``: the window, the live feed, the
issuing worker). Then, N times: welcome -> agency -> a tap on the service (a real mouse
event on the real button); the clock stops when the printer receives the ticket's last
byte. Every service is set to ask no priority question, so the tap on the service is the
one that issues. Services rotate over the agencies, as visitors do.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for folder in (ROOT, ROOT / "bench"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))  # run as a plain script from any directory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import requests  # noqa: E402
from PyQt6.QtCore import Qt  # noqa: E402
from PyQt6.QtTest import QTest  # noqa: E402
from PyQt6.QtWidgets import QApplication, QPushButton, QWidget  # noqa: E402
from server_bench import (  # noqa: E402
    ServerProcess,
    machine,
    percentile,
    prepare_hall,
    throwaway_database,
)
from sqlalchemy import select  # noqa: E402

from kiosk.app import Kiosk  # noqa: E402
from kiosk.config import KioskConfig  # noqa: E402
from kiosk.flow import Screen  # noqa: E402
from server.db import Database  # noqa: E402
from server.models import Service  # noqa: E402

STEP_TIMEOUT = 10.0
STATUS_OK = b"\x12"  # DLE EOT answer: online, paper present, cover closed


# --- the printer ----------------------------------------------------------------------------


@dataclass
class Job:
    """One connection that carried print data; ``last_byte`` on the bench's clock."""

    size: int
    last_byte: float


class TimedPrinter:
    """A raw-TCP ESC/POS printer on 127.0.0.1 that notes when each ticket's last byte came.

    A status request (DLE EOT n) arrives alone, because the kiosk waits for each answer;
    everything else is print data. A ticket is complete when the kiosk closes the
    connection; its time is the arrival of its last data chunk, not of the close.
    """

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.port = int(self._listener.getsockname()[1])
        self.jobs: list[Job] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        size, last = 0, 0.0
        with conn:
            conn.settimeout(5)
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    break
                if not chunk:
                    break
                now = time.perf_counter()
                if len(chunk) % 3 == 0 and all(
                    chunk[i : i + 2] == b"\x10\x04" for i in range(0, len(chunk), 3)
                ):
                    conn.sendall(STATUS_OK * (len(chunk) // 3))
                    continue
                size, last = size + len(chunk), now
        if size:
            with self._lock:
                self.jobs.append(Job(size, last))

    def count(self) -> int:
        with self._lock:
            return len(self.jobs)

    def close(self) -> None:
        self._stop.set()
        self._listener.close()
        self._thread.join(timeout=2)


# --- driving the kiosk ----------------------------------------------------------------------


def wait(app: QApplication, condition: Callable[[], bool], what: str) -> None:
    """Let Qt deliver signals until ``condition`` holds (a short sleep releases the GIL
    for the worker and the printer threads)."""
    deadline = time.monotonic() + STEP_TIMEOUT
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        app.processEvents()
        pause.wait(0.0005)
    app.processEvents()


def button(window: QWidget, text: str) -> QPushButton:
    for candidate in window.findChildren(QPushButton):
        if candidate.isVisible() and text in (candidate.text(), candidate.accessibleName()):
            return candidate
    raise SystemExit(f"no button {text!r} on the screen")


def tap(app: QApplication, window: QWidget, text: str) -> None:
    wait(app, lambda: any(b.isVisible() for b in window.findChildren(QPushButton)), text)
    target = button(window, text)
    QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.rect().center())


@dataclass
class Result:
    """The kiosk's timings over ``n`` taps: to the last ticket byte at the printer, to
    the ticket screen, and to the server's answer."""

    n: int
    tap_to_last_byte_ms: list[float] = field(default_factory=list)
    tap_to_screen_ms: list[float] = field(default_factory=list)
    tap_to_answer_ms: list[float] = field(default_factory=list)  # the server confirmed it
    ticket_bytes: int = 0

    def summary(self, values: list[float]) -> dict[str, float]:
        return {
            "median": statistics.median(values),
            "p90": percentile(values, 90),
            "p99": percentile(values, 99),
            "max": max(values),
        }


def visits(config: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(agency short name, service name) pairs, one agency after another, forever."""
    agencies = {a["id"]: a["short_name"] for a in config["agencies"] if a.get("active", True)}
    first_service: dict[int, str] = {}
    for service in config["services"]:
        first_service.setdefault(service["agency_id"], service["name"])
    pairs = [(agencies[a], name) for a, name in first_service.items() if a in agencies]
    while True:
        yield from pairs


def run(kiosk: Kiosk, printer: TimedPrinter, config: dict[str, Any], n: int, warmup: int) -> Result:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    window = kiosk.window
    result = Result(n)
    plan = visits(config)
    answered: list[float] = []
    issue_ticket = kiosk.issue_api.issue_ticket

    def timed_issue(*args: Any, **kwargs: Any) -> Any:
        issued = issue_ticket(*args, **kwargs)
        answered.append(time.perf_counter())
        return issued

    kiosk.issue_api.issue_ticket = timed_issue  # type: ignore[method-assign]
    for index in range(warmup + n):
        agency, service = next(plan)
        kiosk.flow.home()
        tap(app, window, "Sentuh untuk mulai")
        tap(app, window, agency)
        wait(app, lambda: kiosk.flow.state.screen is Screen.SERVICES, "the services")
        target = button(window, service)
        before = printer.count()
        started = time.perf_counter()
        QTest.mouseClick(target, Qt.MouseButton.LeftButton, pos=target.rect().center())
        wait(app, lambda: kiosk.flow.state.screen is Screen.TICKET, "the ticket screen")
        on_screen = time.perf_counter()
        wait(app, lambda before=before: printer.count() > before, "the printer")
        if not kiosk.flow.state.printed:
            raise SystemExit(f"ticket not printed: {kiosk.flow.state.printer_fault}")
        wait(app, lambda: kiosk.issuing.idle, "the printing report")  # the next visitor
        if index < warmup:
            continue
        job = printer.jobs[-1]
        result.tap_to_last_byte_ms.append(1000 * (job.last_byte - started))
        result.tap_to_screen_ms.append(1000 * (on_screen - started))
        result.tap_to_answer_ms.append(1000 * (answered[-1] - started))
        result.ticket_bytes = job.size
    return result


# --- the whole run --------------------------------------------------------------------------


def no_priority_question(url: str) -> None:
    db = Database(url)
    try:
        with db.write() as session:
            for service in session.scalars(select(Service)):
                service.priority_offered = False
    finally:
        db.dispose()


def render(info: dict[str, Any], result: Result) -> str:
    last = result.summary(result.tap_to_last_byte_ms)
    screen = result.summary(result.tap_to_screen_ms)

    def row(name: str, s: dict[str, float]) -> str:
        return (
            f"{name:<24} median {s['median']:6.1f} ms   p90 {s['p90']:6.1f} ms   "
            f"p99 {s['p99']:6.1f} ms   max {s['max']:6.1f} ms"
        )

    return "\n".join(
        [
            f"machine   {info['cores']} cores, {info['cpu']}, Python {info['python']}",
            f"server    1 process, async mode {info['mode']}, SQLite (embedded default)",
            f"kiosk     {result.n} tickets ({info['warmup']} warm-up not counted), "
            f"{result.ticket_bytes} bytes each, network printer on 127.0.0.1",
            "",
            row("tap -> last byte printed", last),
            row("tap -> server answered", result.summary(result.tap_to_answer_ms)),
            row("tap -> ticket on screen", screen),
        ]
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=200, help="tickets measured [200]")
    parser.add_argument("--warmup", type=int, default=10, help="tickets not counted [10]")
    parser.add_argument("--async-mode", default="eventlet", choices=("eventlet", "threading"))
    parser.add_argument("--json", type=Path, help="also write the raw figures here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    app = QApplication.instance() or QApplication([sys.argv[0]])
    with (
        throwaway_database(None) as url,
        tempfile.TemporaryDirectory(prefix="antre-kiosk-bench-") as logs,
    ):
        hall = prepare_hall(url)
        no_priority_question(url)
        server = ServerProcess(url, args.async_mode)
        printer = TimedPrinter()
        kiosk: Kiosk | None = None
        try:
            server.start(Path(logs))
            config = requests.get(
                server.base + "/api/v1/config",
                headers={"Authorization": f"Bearer {hall.kiosk_token}"},
                timeout=10,
            ).json()
            kiosk = Kiosk(
                KioskConfig(
                    server_url=server.base,
                    token=hall.kiosk_token,
                    admin_pin="0000",
                    fullscreen=False,
                    printer_check_seconds=3600,
                    tap_guard_ms=0,  # timed: tap to ticket, not a visitor's pause to read
                    printer={"kind": "network", "host": "127.0.0.1", "port": printer.port},
                )
            )
            kiosk.window.resize(1920, 1080)
            kiosk.start()
            wait(app, lambda: kiosk.flow.state.loaded and kiosk.live.connected, "the kiosk")
            wait(app, lambda: kiosk.issuing.idle, "the first printer check")
            result = run(kiosk, printer, config, args.n, args.warmup)
        finally:
            if kiosk is not None:
                kiosk.close()
            printer.close()
            server.stop()
    info = {**machine(), "mode": args.async_mode, "warmup": args.warmup}
    print(render(info, result))
    if args.json:
        args.json.write_text(json.dumps({"info": info, **asdict(result)}, indent=2))


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
