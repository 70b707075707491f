"""How many Socket.IO connections one server process holds, its memory, and call fan-out.

Run by hand, never by the test suite (see bench/README.md):

    .venv/bin/python bench/connections_bench.py --connections 1000
    .venv/bin/python bench/connections_bench.py --connections 5000 --boards 100
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
        [--server-nofile 1024] [--max-connections N] [--hold 15] [--calls 10]

One ``antre-server run`` process (eventlet) on a throwaway demo hall. The connections
are boards of one zone (a display token) and visitors' phones following their own
ticket (``auth={"ticket": status code}``, one ticket issued per phone, all in the line of
the counter that will call). They connect through thin websocket readers in this
process (aiohttp), at most ``--connect-at-once`` handshakes at a time, answer the
server's pings, and are held for ``--hold`` seconds; then an officer presses "next"
``--calls`` times, a second apart. Reported: connections made and refused, the
process's memory (VmRSS) and open files before and after, its CPU while merely
holding them (pings), and for each call the time until every board and the called
ticket's phone had heard it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter as Tally
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from server_bench import (  # noqa: E402
    API,
    ServerProcess,
    machine,
    machine_busy_seconds,
    percentile,
    prepare_hall,
    process_cpu_seconds,
    throwaway_database,
)

DELIVERY_TIMEOUT = 30.0
HANDSHAKE_TIMEOUT = 10.0  # a connection beyond the server's cap waits in its listen queue
PHONE_ISSUERS = 8


def proc_status(pid: int) -> dict[str, str]:
    out = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        out[key] = value.strip()
    return out


def rss_mib(pid: int) -> float:
    return int(proc_status(pid)["VmRSS"].split()[0]) / 1024


def open_files(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def nofile_limit(pid: int) -> str:
    for line in Path(f"/proc/{pid}/limits").read_text().splitlines():
        if line.startswith("Max open files"):
            return " / ".join(line.split()[3:5])
    return "?"


# --- phones need tickets -------------------------------------------------------------


def issue_tickets(
    base: str, token: str, service_ids: list[int], count: int
) -> list[tuple[int, str]]:
    """``count`` tickets spread over the hall's lines (as a day's visitors are, so that no
    line is longer than a real one); returns their ids and status codes (the phones' keys)."""
    codes: list[tuple[int, str]] = []
    lock = threading.Lock()
    left = iter(range(count))

    def issuer() -> None:
        with requests.Session() as http:
            while True:
                with lock:
                    n = next(left, None)
                if n is None:
                    return
                response = http.post(
                    base + API + "/tickets",
                    json={"service_id": service_ids[n % len(service_ids)], "printed": True},
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Idempotency-Key": uuid.uuid4().hex,
                    },
                    timeout=30,
                )
                response.raise_for_status()
                with lock:
                    ticket = response.json()["ticket"]
                    codes.append((int(ticket["id"]), ticket["status_code"]))

    threads = [threading.Thread(target=issuer) for _ in range(PHONE_ISSUERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return codes


# --- the connections -----------------------------------------------------------------


@dataclass
class Crowd:
    """Boards and phones as raw Engine.IO/Socket.IO websocket readers."""

    base: str
    board_token: str
    phone_codes: list[tuple[int, str]]
    boards: int
    at_once: int
    sockets: list[Any] = field(default_factory=list)
    readers: list[asyncio.Task[None]] = field(default_factory=list)
    refused: Tally[str] = field(default_factory=Tally)
    closed_early: int = 0
    heard: dict[int, dict[int, float]] = field(default_factory=dict)  # ticket -> board -> t
    phone_heard: dict[int, list[float]] = field(default_factory=dict)  # phone -> times
    phone_events: int = 0
    phone_of: dict[int, int] = field(default_factory=dict)  # ticket id -> index
    http: Any = None

    @property
    def wanted(self) -> int:
        return self.boards + len(self.phone_codes)

    async def connect(self) -> float:
        import aiohttp

        self.http = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(limit=0),
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=30),
        )
        gate = asyncio.Semaphore(self.at_once)

        async def one(index: int) -> None:
            if index < self.boards:
                auth = {"token": self.board_token}
            else:
                ticket_id, code = self.phone_codes[index - self.boards]
                self.phone_of[ticket_id] = index
                auth = {"ticket": code}
            async with gate:
                try:
                    await asyncio.wait_for(self._connect(index, auth), HANDSHAKE_TIMEOUT)
                except Exception as exc:  # a refusal is a figure, not a crash
                    self.refused[type(exc).__name__ + (f": {exc}"[:60] if str(exc) else "")] += 1

        began = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(self.wanted)))
        return time.perf_counter() - began

    async def _connect(self, index: int, auth: dict[str, str]) -> None:
        url = self.base.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        ws = await self.http.ws_connect(url, heartbeat=None)
        opening = await ws.receive_str(timeout=30)
        if not opening.startswith("0"):
            raise RuntimeError(f"opening {opening[:30]!r}")
        await ws.send_str("40" + json.dumps(auth))
        answer = await ws.receive_str(timeout=30)
        if not answer.startswith("40"):
            await ws.close()
            raise RuntimeError(f"refused {answer[:50]!r}")
        self.sockets.append(ws)
        self.readers.append(asyncio.create_task(self._read(index, ws)))

    async def _read(self, index: int, ws: Any) -> None:
        import aiohttp

        async for message in ws:
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data: str = message.data
            if data == "2":
                await ws.send_str("3")
            elif index >= self.boards and data.startswith('42["'):
                self.phone_events += 1
                if data.startswith('42["ticket.'):
                    # a phone hears only its own ticket, in the public view's shape
                    self.phone_heard.setdefault(index, []).append(time.perf_counter())
            elif data.startswith('42["ticket.called"'):
                at = time.perf_counter()
                ticket = json.loads(data[2:])[1]["ticket"]
                self.heard.setdefault(int(ticket["id"]), {}).setdefault(index, at)
        self.closed_early += 1

    def phone_time(self, phone: int, since: float) -> float | None:
        return next((t for t in self.phone_heard.get(phone, []) if t >= since), None)

    def still_open(self) -> int:
        return sum(1 for ws in self.sockets if not ws.closed)

    async def close(self) -> None:
        for ws in self.sockets:
            with contextlib.suppress(Exception):
                await ws.send_str("41")
        await asyncio.gather(*(ws.close() for ws in self.sockets), return_exceptions=True)
        for task in self.readers:
            task.cancel()
        await asyncio.gather(*self.readers, return_exceptions=True)
        if self.http is not None:
            await self.http.close()


@dataclass
class Figures:
    """What one run measured: sockets connected and refused, the server's memory and open
    files before and after, and how the crowd held and heard calls; printed and written
    as JSON."""

    wanted: int
    boards: int
    phones: int
    connected: int
    refused: dict[str, int]
    connect_seconds: float
    server_nofile: str
    rss_before_mib: float
    rss_after_mib: float
    files_before: int
    files_after: int
    hold_seconds: float
    hold_server_cpu_share: float
    open_after_hold: int
    calls: int
    boards_all_median_ms: float
    boards_all_max_ms: float
    board_median_ms: float
    phone_median_ms: float
    missing_board_deliveries: int
    missing_phone_deliveries: int
    server_cpu_ms_per_call: float
    pings_cpu_ms_per_call: float  # what holding the connections costs in that time
    bench_cpu_ms_per_call: float
    others_cpu_share: float
    phone_events_per_call: float
    rest_error: str
    server_alive: bool
    all_ms: list[float] = field(default_factory=list)

    @property
    def kib_per_connection(self) -> float:
        if not self.connected:
            return math.nan
        return 1024 * (self.rss_after_mib - self.rss_before_mib) / self.connected


async def run_crowd(
    server: ServerProcess,
    board_token: str,
    codes: list[tuple[int, str]],
    desk: Any,
    args: Any,
    hall: Any,
) -> Figures:
    import aiohttp

    pid = server.pid
    rss_before, files_before = rss_mib(pid), open_files(pid)
    crowd = Crowd(server.base, board_token, codes, args.boards, args.connect_at_once)
    try:
        print(f"connecting {crowd.wanted} sockets ...", file=sys.stderr)
        connect_seconds = await crowd.connect()
        rss_after, files_after = rss_mib(pid), open_files(pid)
        print(
            f"  {len(crowd.sockets)} connected in {connect_seconds:.1f} s; holding ...",
            file=sys.stderr,
        )
        cpu0, t0 = process_cpu_seconds(pid), time.perf_counter()
        await asyncio.sleep(args.hold)
        hold = time.perf_counter() - t0
        hold_share = (process_cpu_seconds(pid) - cpu0) / hold
        open_after_hold = crowd.still_open()

        per_board: list[float] = []
        per_phone: list[float] = []
        all_boards: list[float] = []
        missing_boards = missing_phones = 0
        phone_events0 = crowd.phone_events
        cpu0, bench0, busy0, t_calls = (
            process_cpu_seconds(pid),
            time.process_time(),
            machine_busy_seconds(),
            time.perf_counter(),
        )
        rest_error = ""
        try:
            officer_timeout = aiohttp.ClientTimeout(total=15)
            async with aiohttp.ClientSession(base_url=server.base, timeout=officer_timeout) as http:
                login = await http.post(
                    API + "/auth/login",
                    json={
                        "username": f"petugas.{desk.agency.lower()}",
                        "password": hall.officer_password,
                    },
                )
                login.raise_for_status()
                headers = {"Authorization": f"Bearer {(await login.json())['token']}"}
                (
                    await http.post(f"{API}/counters/{desk.counter_id}/open", headers=headers)
                ).raise_for_status()
                for _ in range(args.calls):
                    began = time.perf_counter()
                    response = await http.post(
                        f"{API}/counters/{desk.counter_id}/next", headers=headers
                    )
                    body = await response.json()
                    ticket = body.get("ticket") if response.status == 200 else None
                    if ticket is None:
                        print(f"  next failed: {response.status} {body}", file=sys.stderr)
                        continue
                    ticket_id = int(ticket["id"])
                    phone = crowd.phone_of.get(ticket_id, -1)
                    deadline = began + DELIVERY_TIMEOUT
                    while time.perf_counter() < deadline:
                        heard = crowd.heard.get(ticket_id, {})
                        boards_in = sum(1 for i in heard if i < args.boards)
                        if boards_in >= open_after_hold_boards(crowd, args) and (
                            phone < 0 or crowd.phone_time(phone, began) is not None
                        ):
                            break
                        await asyncio.sleep(0.005)
                    heard = crowd.heard.get(ticket_id, {})
                    board_times = [(t - began) * 1000 for i, t in heard.items() if i < args.boards]
                    per_board += board_times
                    missing_boards += args.boards - len(board_times)
                    if len(board_times) == args.boards:
                        all_boards.append(max(board_times))
                    if phone >= 0:
                        at = crowd.phone_time(phone, began)
                        if at is not None:
                            per_phone.append((at - began) * 1000)
                        else:
                            missing_phones += 1
                    await asyncio.sleep(max(0.0, 1.0 - (time.perf_counter() - began)))
        except (TimeoutError, aiohttp.ClientError) as exc:
            # at the connection cap a REST request waits in the listen queue like a socket
            rest_error = f"{type(exc).__name__} {exc}"[:120]
            print(f"  officer could not reach the server: {rest_error}", file=sys.stderr)
        calls_seconds = time.perf_counter() - t_calls
        phone_events = crowd.phone_events - phone_events0
        server_cpu = process_cpu_seconds(pid) - cpu0
        bench_cpu = time.process_time() - bench0
        others = machine_busy_seconds() - busy0 - server_cpu - bench_cpu
    finally:
        await crowd.close()
    return Figures(
        wanted=crowd.wanted,
        boards=args.boards,
        phones=len(codes),
        connected=len(crowd.sockets),
        refused=dict(crowd.refused),
        connect_seconds=connect_seconds,
        server_nofile=nofile_limit(pid),
        rss_before_mib=rss_before,
        rss_after_mib=rss_after,
        files_before=files_before,
        files_after=files_after,
        hold_seconds=hold,
        hold_server_cpu_share=hold_share,
        open_after_hold=open_after_hold,
        calls=args.calls,
        boards_all_median_ms=percentile(all_boards, 50),
        boards_all_max_ms=max(all_boards, default=math.nan),
        board_median_ms=percentile(per_board, 50),
        phone_median_ms=percentile(per_phone, 50),
        missing_board_deliveries=missing_boards,
        missing_phone_deliveries=missing_phones,
        server_cpu_ms_per_call=1000 * server_cpu / max(1, args.calls),
        pings_cpu_ms_per_call=1000 * hold_share * calls_seconds / max(1, args.calls),
        bench_cpu_ms_per_call=1000 * bench_cpu / max(1, args.calls),
        others_cpu_share=max(0.0, others) / (calls_seconds * (os.cpu_count() or 1)),
        phone_events_per_call=phone_events / max(1, args.calls),
        rest_error=rest_error,
        server_alive=server.proc is not None and server.proc.poll() is None,
        all_ms=all_boards,
    )


def open_after_hold_boards(crowd: Crowd, args: Any) -> int:
    """Boards still connected: a board the server dropped cannot hear the call."""
    return min(int(args.boards), crowd.still_open())


def render(info: dict[str, Any], f: Figures) -> str:
    return "\n".join(
        [
            f"machine   {info['cores']} cores, {info['cpu']}, Python {info['python']}, "
            f"load average {os.getloadavg()[0]:.1f} at the end",
            f"server    1 process, eventlet, {info['database']}, open files limit "
            f"{f.server_nofile} (soft / hard)",
            f"sockets   {f.connected} of {f.wanted} connected ({f.boards} boards, "
            f"{f.phones} phones) in {f.connect_seconds:.1f} s "
            f"({f.connected / f.connect_seconds:.0f}/s); refused: {f.refused or 'none'}",
            f"memory    VmRSS {f.rss_before_mib:.0f} → {f.rss_after_mib:.0f} MiB "
            f"({f.kib_per_connection:.0f} KiB per connection); open files "
            f"{f.files_before} → {f.files_after}",
            f"holding   {f.hold_seconds:.0f} s: server CPU {100 * f.hold_server_cpu_share:.1f} % "
            f"of a core (pings); still open after it: {f.open_after_hold}",
            f"calls     {f.calls} × next, 1 s apart: all {f.boards} boards heard it in "
            f"median {f.boards_all_median_ms:.0f} ms, max {f.boards_all_max_ms:.0f} ms; "
            f"one board median {f.board_median_ms:.0f} ms; the called ticket's phone median "
            f"{f.phone_median_ms:.0f} ms; events to all phones per call "
            f"{f.phone_events_per_call:.0f}",
            f"          server CPU {f.server_cpu_ms_per_call:.0f} ms per call, of which "
            f"{f.pings_cpu_ms_per_call:.0f} ms is the pings of the same second",
            f"          missing: {f.missing_board_deliveries} board and "
            f"{f.missing_phone_deliveries} phone deliveries; this bench "
            f"{f.bench_cpu_ms_per_call:.0f} ms, other processes {100 * f.others_cpu_share:.0f} % "
            f"of the machine",
            f"server    {'still running' if f.server_alive else 'DIED'}"
            + (f"; the officer's REST calls failed: {f.rest_error}" if f.rest_error else ""),
        ]
    )


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=1000, help="boards + phones")
    parser.add_argument("--boards", type=int, default=50, help="of them, boards of one zone")
    parser.add_argument("--database-url", help="a PostgreSQL server (default: SQLite)")
    parser.add_argument("--hold", type=float, default=15.0, help="seconds to hold them")
    parser.add_argument("--calls", type=int, default=10)
    parser.add_argument("--connect-at-once", type=int, default=50)
    parser.add_argument(
        "--server-nofile",
        type=int,
        help="open-files limit (soft and hard) for the server process (default: this shell's)",
    )
    parser.add_argument("--max-connections", type=int, help="ANTRE_MAX_CONNECTIONS")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    if not 0 < args.boards <= args.connections:
        parser.error("--boards must be from 1 to --connections")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    info = machine()
    phones = args.connections - args.boards
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < args.connections + 100:
        # this process holds one end of every connection too
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, args.connections + 1000), hard))
    with throwaway_database(args.database_url) as url, tempfile.TemporaryDirectory() as logs:
        info["database"] = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
        print(f"preparing the demo hall ({info['database']}) ...", file=sys.stderr)
        hall = prepare_hall(url)
        desk = hall.desks[0]
        extra = {"ANTRE_LOG_LEVEL": "WARNING"}
        if args.max_connections:
            extra["ANTRE_MAX_CONNECTIONS"] = str(args.max_connections)
        server = ServerProcess(url, "eventlet", extra)
        try:
            with _server_limits(args.server_nofile):
                server.start(Path(logs))
            print(f"issuing {phones} tickets for the phones ...", file=sys.stderr)
            lines = [line.service_id for line in hall.lines]
            # the calling counter's line first, so that every call finds a ticket
            lines.remove(desk.service_ids[0])
            lines.insert(0, desk.service_ids[0])
            codes = issue_tickets(server.base, hall.kiosk_token, lines, phones)
            figures = asyncio.run(
                run_crowd(server, hall.display_tokens[desk.zone], codes, desk, args, hall)
            )
        finally:
            server.stop()
        print(render(info, figures))
        logged = server.logged_while_running()
        if logged:
            print(f"server log ({len(logged)} lines):\n" + "\n".join(logged[:40]))
    if args.json:
        args.json.write_text(json.dumps(asdict(figures), indent=2, default=str))


@contextlib.contextmanager
def _server_limits(limit: int | None) -> Iterator[None]:
    """Start the server process with ``limit`` open files, soft and hard (in the child
    only: nobody here may raise a hard limit back)."""
    if limit is None:
        yield
        return
    real = subprocess.Popen

    def limited(*args: Any, **kwargs: Any) -> Any:
        kwargs["preexec_fn"] = lambda: resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
        return real(*args, **kwargs)

    subprocess.Popen = limited  # type: ignore[misc, assignment]
    try:
        yield
    finally:
        subprocess.Popen = real  # type: ignore[misc]


if __name__ == "__main__":
    main()
