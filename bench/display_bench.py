"""How long from "next" at a counter to the number on the hall board (run by hand).

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/display_bench.py [--calls 200]
        [--zone lantai1-a] [--spacing-ms 100] [--async-mode eventlet|threading] [--json FILE]

Builds a throwaway SQLite database with the MPP Kabupaten Tangerang demo hall (every
service opened all day, as ``server_bench.py`` does), starts ``antre-server run`` on it
(the embedded default), and runs the real display board of one zone in this process
(offscreen Qt, sound off so only the screen is measured). Officers press "next" at the
zone's counters in turn, from a worker thread like a counter PC would, ``--spacing-ms``
apart; for each press it takes the time from just before the POST until:

- the board's model has the call (push received, ordered, applied), and
- the counter's tile has *painted* the new number (what a visitor sees).

Load generator, server and board share the machine, so the figures are a ceiling of
what a hall LAN adds, not a floor.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))  # run as a plain script from any directory

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import requests  # noqa: E402
import server_bench  # noqa: E402
from PyQt6.QtCore import QCoreApplication, QEventLoop  # noqa: E402
from PyQt6.QtWidgets import QApplication  # noqa: E402

from display_board.app import DisplayBoard, build_board  # noqa: E402
from display_board.config import DisplayConfig, SoundConfig  # noqa: E402

API = "/api/v1"
TIMEOUT = 10.0
WARMUP_CALLS = 3


@dataclass
class Figures:
    """The board's timings over one run, each from the counter's "next": to its answer,
    to the board's model, to the painted number; and the calls never shown."""

    calls: int
    missing: int
    post_ms: list[float] = field(default_factory=list)
    model_ms: list[float] = field(default_factory=list)
    painted_ms: list[float] = field(default_factory=list)
    snapshots: int = 0

    def summary(self) -> dict[str, Any]:
        def stats(values: list[float]) -> dict[str, float]:
            if not values:
                return {}
            return {
                "median": round(statistics.median(values), 1),
                "p90": round(server_bench.percentile(values, 90), 1),
                "p99": round(server_bench.percentile(values, 99), 1),
                "max": round(max(values), 1),
            }

        return {
            "calls": self.calls,
            "missing": self.missing,
            "snapshot_reloads": self.snapshots,
            "post_ms": stats(self.post_ms),
            "model_ms": stats(self.model_ms),
            "painted_ms": stats(self.painted_ms),
        }


def pump(condition: Any, seconds: float) -> bool:
    """Run the Qt event loop until ``condition()`` holds or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.0005)
    return True


class Officers:
    """One logged-in session per agency, opening and calling at the zone's counters."""

    def __init__(self, base: str, password: str) -> None:
        self.base = base
        self.password = password
        self.sessions: dict[str, requests.Session] = {}

    def session(self, agency: str) -> requests.Session:
        if agency not in self.sessions:
            http = requests.Session()
            body = {"username": f"petugas.{agency.lower()}", "password": self.password}
            token = http.post(f"{self.base}{API}/auth/login", json=body, timeout=TIMEOUT)
            token.raise_for_status()
            http.headers["Authorization"] = f"Bearer {token.json()['token']}"
            self.sessions[agency] = http
        return self.sessions[agency]

    def press(self, desk: server_bench.Desk, action: str) -> dict[str, Any]:
        url = f"{self.base}{API}/counters/{desk.counter_id}/{action}"
        response = self.session(desk.agency).post(url, timeout=TIMEOUT)
        response.raise_for_status()
        return dict(response.json())

    def close(self) -> None:
        for http in self.sessions.values():
            http.close()


def fill_lines(base: str, kiosk_token: str, desks: list[server_bench.Desk], calls: int) -> None:
    """Enough waiting tickets that every press of "next" calls someone."""
    per_desk = calls // len(desks) + WARMUP_CALLS + 2
    with requests.Session() as http:
        http.headers["Authorization"] = f"Bearer {kiosk_token}"
        for desk in desks:
            for _ in range(per_desk):
                response = http.post(
                    f"{base}{API}/tickets", json={"service_id": desk.service_ids[0]}, timeout=30
                )
                response.raise_for_status()


def measure(
    board: DisplayBoard,
    officers: Officers,
    desks: list[server_bench.Desk],
    calls: int,
    spacing: float,
) -> Figures:
    figures = Figures(calls=calls, missing=0)
    arrived: dict[str, float] = {}
    board.controller.changed.connect(
        lambda: [arrived.setdefault(c.number, time.monotonic()) for c in board.model.last_calls[:3]]
    )
    loads_before = board.controller.loads
    for i in range(calls + WARMUP_CALLS):
        desk = desks[i % len(desks)]
        result: dict[str, Any] = {}
        started = time.monotonic()

        def press(desk: server_bench.Desk = desk, result: dict[str, Any] = result) -> None:
            result["body"] = officers.press(desk, "next")
            result["done"] = time.monotonic()

        worker = threading.Thread(target=press)
        worker.start()
        pump(lambda r=result: "done" in r, TIMEOUT)
        worker.join()
        number = result["body"]["ticket"]["number"]
        painted = board.window.counters.painted
        shown = pump(
            lambda d=desk, n=number, p=painted: p.get(d.counter_id, ("",))[0] == n, TIMEOUT
        )
        if i < WARMUP_CALLS:
            continue
        if not shown:
            figures.missing += 1
            continue
        figures.post_ms.append((result["done"] - started) * 1000)
        figures.painted_ms.append((painted[desk.counter_id][1] - started) * 1000)
        if number in arrived:
            figures.model_ms.append((arrived[number] - started) * 1000)
        pump(lambda: False, spacing)
    figures.snapshots = board.controller.loads - loads_before
    return figures


def run(args: argparse.Namespace) -> dict[str, Any]:
    app = QApplication.instance() or QApplication([])
    with (
        server_bench.throwaway_database(None) as url,
        tempfile.TemporaryDirectory(prefix="antre-display-bench-") as tmp,
    ):
        hall = server_bench.prepare_hall(url)
        desks = [d for d in hall.desks if d.zone == args.zone and d.service_ids]
        if not desks:
            raise SystemExit(f"no counters in zone {args.zone}")
        server = server_bench.ServerProcess(url, args.async_mode)
        server.start(Path(tmp))
        officers = Officers(server.base, hall.officer_password)
        board: DisplayBoard | None = None
        try:
            fill_lines(server.base, hall.kiosk_token, desks, args.calls)
            for desk in desks:
                officers.press(desk, "open")
            config = DisplayConfig(
                server_url=server.base,
                token=hall.display_tokens[args.zone],
                fullscreen=False,
                hide_cursor=False,
                running_text=("Selamat datang",),
                sound=SoundConfig(
                    speech=(),
                    chime=False,
                    hold_seconds=0,
                    gap_seconds=0,
                    cache_folder=Path(tmp) / "cache",
                ),
            )
            board = build_board(config)
            board.window.resize(1920, 1080)
            board.window.show()
            board.start()
            if not pump(lambda b=board: b.controller.loads >= 1 and b.controller.connected, 30):
                raise SystemExit("the board did not connect")
            figures = measure(board, officers, desks, args.calls, args.spacing_ms / 1000)
        finally:
            if board is not None:
                board.stop()
                board.window.close()
            officers.close()
            server.stop()
        app.processEvents()
    return {
        "machine": server_bench.machine(),
        "server": f"{args.async_mode}, SQLite (embedded default)",
        "zone": args.zone,
        "counters": len(desks),
        "spacing_ms": args.spacing_ms,
        **figures.summary(),
    }


def render(report: dict[str, Any]) -> str:
    m = report["machine"]
    lines = [
        f"machine: {m['cores']} cores, {m['cpu']}, Python {m['python']}",
        f"server: {report['server']}; zone {report['zone']} ({report['counters']} counters); "
        f"{report['calls']} presses of next, {report['spacing_ms']} ms apart",
        f"missing on the board: {report['missing']}; snapshot reloads: "
        f"{report['snapshot_reloads']}",
    ]
    for key, what in [
        ("post_ms", 'POST "next" answered'),
        ("model_ms", "call in the board's model"),
        ("painted_ms", "number painted on the counter's tile"),
    ]:
        s = report[key]
        if s:
            lines.append(
                f"{what:<40} median {s['median']:6.1f} ms  p90 {s['p90']:6.1f}  "
                f"p99 {s['p99']:6.1f}  max {s['max']:6.1f}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--zone", default="lantai1-a")
    parser.add_argument("--spacing-ms", type=float, default=100)
    parser.add_argument("--async-mode", default="eventlet", choices=("eventlet", "threading"))
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    report = run(args)
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
