"""Load figures for one Antre server: ticket issuing throughput and call push latency.

Run by hand, never by the test suite (see bench/README.md):

    .venv/bin/python bench/server_bench.py [--async-mode eventlet|threading]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
        [--clients 16] [--tickets 800] [--sockets 200] [--calls 50]

It builds a throwaway database holding the MPP Kabupaten Tangerang demo hall, starts
``antre-server run`` on it as a subprocess, drives it over HTTP and Socket.IO from this
process, stops it, and prints the figures with the machine they were taken on. Load
generator and server share the machine, so the figures are a floor, not a ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import datetime as dt
import io
import json
import math
import os
import platform
import pstats
import shutil
import signal
import socket
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
    sys.path.insert(0, str(ROOT))  # run as a plain script from any directory

import requests  # noqa: E402
from sqlalchemy import delete, select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from server.db import Database, make_engine  # noqa: E402
from server.demo.seed import DATA as DEMO_DATA  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.models import Agency, Counter, CounterService, Holiday, Service, Zone  # noqa: E402

ALL_DAY = {day: ["00:00", "24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
API = "/api/v1"
HTTP_TIMEOUT = 30.0
DEMO_DATA_WAIT_SECONDS = 600.0
SERVER_START_SECONDS = 60.0
DELIVERY_TIMEOUT_SECONDS = 5.0
WARMUP_TICKETS = 32
WARMUP_CALLS = 2


# --- small helpers ------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc (Linux only)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of the line)
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time all cores spent on anything but idling so far (from /proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds() -> float:
    """CPU time of every PostgreSQL process so far (0 where none runs)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            text = stat.read_text()
            if text[text.index("(") + 1 : text.rindex(")")] == "postgres":
                total += process_cpu_seconds(int(stat.parent.name))
    return total


def machine() -> dict[str, Any]:
    model = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cores": os.cpu_count() or 0,
        "cpu": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def describe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


# --- the throwaway database -----------------------------------------------------------


@contextlib.contextmanager
def throwaway_database(server_url: str | None) -> Iterator[str]:
    """Yield the URL of an empty database that is gone afterwards.

    SQLite (the embedded default) lives in a temporary directory. For PostgreSQL the
    given URL only names the server (and a database to connect to for CREATE/DROP):
    the bench creates its own database there and drops it, so it never writes into
    one that holds anything.
    """
    if server_url is None:
        with tempfile.TemporaryDirectory(prefix="antre-bench-") as tmp:
            yield f"sqlite:///{tmp}/antre.sqlite3"
        return
    parsed = make_url(server_url)
    if parsed.get_backend_name() != "postgresql":
        raise SystemExit("--database-url must be a PostgreSQL URL (SQLite is the default)")
    import psycopg2

    name = f"antre_bench_{uuid.uuid4().hex[:10]}"
    admin_dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = psycopg2.connect(admin_dsn)
    conn.autocommit = True
    try:
        with conn.cursor() as cur:
            cur.execute(f'CREATE DATABASE "{name}"')
        try:
            yield parsed.set(database=name).render_as_string(hide_password=False)
        finally:
            with conn.cursor() as cur:
                cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        conn.close()


@dataclass
class Line:
    """A service of the demo hall with its agency, so the issuing load can be spread over
    agencies."""

    service_id: int
    agency: str


@dataclass
class Desk:
    """A counter of the demo hall with its zone and services: where the calling phase
    presses "next" and which boards hear it."""

    counter_id: int
    label: str
    agency: str
    zone: str
    service_ids: list[int]


@dataclass
class Hall:
    """What the bench needs to know of the seeded demo hall."""

    kiosk_token: str
    display_tokens: dict[str, str]  # zone code -> token
    officer_password: str
    lines: list[Line]
    desks: list[Desk]


def wait_for_demo_data(path: Path = DEMO_DATA, seconds: float = DEMO_DATA_WAIT_SECONDS) -> None:
    """The demo file may still be being written by someone else: wait for it a while."""
    deadline = time.monotonic() + seconds
    while not path.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"no demo data at {path}")
        print(f"waiting for {path} ...", file=sys.stderr)
        time.sleep(10)


def prepare_hall(url: str) -> Hall:
    """Migrate, seed the demo hall, and open every service all day, every day.

    Real hours and holidays would refuse tickets when the bench runs at night, and
    daily quotas would refuse them once a service's quota is used up; neither is what
    is measured here.
    """
    from server.demo.seed import seed_demo

    wait_for_demo_data()
    engine = make_engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    db = Database(url)
    try:
        with db.write() as session:
            creds = seed_demo(session, dt.datetime.now(dt.UTC)).as_dict()
            for service in session.scalars(select(Service)):
                service.hours = {day: list(span) for day, span in ALL_DAY.items()}
                service.daily_quota = None
            session.execute(delete(Holiday))
        with db.read() as session:
            lines = [
                Line(service_id, agency_code)
                for service_id, agency_code in session.execute(
                    select(Service.id, Agency.code)
                    .join(Agency, Service.agency_id == Agency.id)
                    .where(Service.active.is_(True))
                    .order_by(Service.id)
                )
            ]
            desks = []
            for counter in session.scalars(select(Counter).order_by(Counter.position)):
                served = session.scalars(
                    select(CounterService.service_id)
                    .where(CounterService.counter_id == counter.id)
                    .order_by(CounterService.position)
                ).all()
                zone = session.get(Zone, counter.zone_id)
                desks.append(
                    Desk(
                        counter.id,
                        counter.label,
                        counter.agency.code,
                        zone.code if zone else "",
                        list(served),
                    )
                )
    finally:
        db.dispose()
    devices = creds["devices"]
    kiosk = next(d["token"] for d in devices if d["kind"] == "kiosk")
    displays = {d["where"]: d["token"] for d in devices if d["kind"] == "display"}
    password = creds["officers"][0]["password"]
    return Hall(kiosk, displays, password, lines, desks)


def interleave_by_agency(lines: list[Line]) -> list[int]:
    """Service ids ordered so that neighbours belong to different agencies.

    Services of one agency share a ticket series, whose number row is locked per issue;
    a kiosk crowd spreads over agencies, so the load should too.
    """
    by_agency: dict[str, list[int]] = {}
    for line in lines:
        by_agency.setdefault(line.agency, []).append(line.service_id)
    queues = list(by_agency.values())
    out: list[int] = []
    while any(queues):
        for queue in queues:
            if queue:
                out.append(queue.pop(0))
    return out


# --- the server process ---------------------------------------------------------------


@dataclass
class ServerProcess:
    """``antre-server run`` on a free port, its output in a log file."""

    url: str
    mode: str
    extra_env: dict[str, str] = field(default_factory=dict)
    entry_module: str = "server.entry"
    index: int = 0
    port: int = 0
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None
    log_size_at_stop: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def start(self, log_dir: Path) -> None:
        self.port = free_port()
        env = {
            **os.environ,
            "ANTRE_DATABASE_URL": self.url,
            "ANTRE_LOG_LEVEL": "WARNING",  # a line per request would measure logging
            **self.extra_env,
        }
        env.pop("ANTRE_CONFIG", None)
        self.log_path = log_dir / f"server-{self.mode}-{self.index}.log"
        cmd = [
            sys.executable,
            "-m",
            self.entry_module,
            "run",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--async-mode",
            self.mode,
        ]
        with self.log_path.open("wb") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise SystemExit(f"server exited at start:\n{self.log_tail()}")
            with contextlib.suppress(requests.RequestException):
                requests.get(self.base + API + "/auth/me", timeout=1)
                return
            time.sleep(0.1)
        raise SystemExit(f"server did not answer within {SERVER_START_SECONDS:.0f}s")

    def stop(self) -> None:
        """Ctrl-C first (a clean exit), then harder; never leaves the process behind."""
        if self.proc is None or self.proc.poll() is not None:
            return
        if self.log_path is not None and self.log_path.exists():
            self.log_size_at_stop = self.log_path.stat().st_size
        for sig, wait in ((signal.SIGINT, 10), (signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def log_tail(self, lines: int = 30) -> str:
        if self.log_path is None or not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def logged_while_running(self) -> list[str]:
        """What the server logged before it was asked to stop (not the start banner).

        Ctrl-C may land in a greenlet still handling the boards' disconnects; that
        traceback is shutdown noise, not a fault under load.
        """
        if self.log_path is None or not self.log_path.exists():
            return []
        data = self.log_path.read_bytes()
        if self.log_size_at_stop:
            data = data[: self.log_size_at_stop]
        return data.decode(errors="replace").splitlines()[1:]


@dataclass
class Cluster:
    """One or more server processes on one database (several need a message queue)."""

    servers: list[ServerProcess]

    @property
    def bases(self) -> list[str]:
        return [server.base for server in self.servers]

    @property
    def first(self) -> ServerProcess:
        return self.servers[0]

    def cpu_seconds(self) -> float:
        return sum(process_cpu_seconds(server.pid) for server in self.servers)

    def died(self) -> list[ServerProcess]:
        return [s for s in self.servers if s.proc is not None and s.proc.poll() is not None]


@contextlib.contextmanager
def running(cluster: Cluster, log_dir: Path) -> Iterator[Cluster]:
    try:
        for server in cluster.servers:
            server.start(log_dir)
        yield cluster
    finally:
        for server in cluster.servers:
            server.stop()


def _py_spy() -> str:
    beside = Path(sys.executable).with_name("py-spy")
    return str(beside) if beside.exists() else "py-spy"


class Watcher:
    """A tool attached to the server while a phase runs; SIGINT stops it, and it writes
    its findings to ``out`` then."""

    def __init__(self, command: list[str], out: Path) -> None:
        self.out = out
        with out.with_suffix(".log").open("wb") as log:  # why it failed, if it did
            self.proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        try:
            time.sleep(1.0)  # let it attach before the load starts
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class PySpy(Watcher):
    """Sample the server's stacks with py-spy while a phase runs (``--py-spy``)."""

    def __init__(self, pid: int, out: Path) -> None:
        super().__init__(
            [
                *(_py_spy(), "record", "--pid", str(pid), "--format", "raw"),
                *("--rate", "250", "--nonblocking", "--output", str(out)),
            ],
            out,
        )


class SyscallCount(Watcher):
    """Count the server's system calls while a phase runs (``--syscalls``; needs strace).
    Calls per ticket do not depend on how fast the host runs, as CPU per ticket does:
    they show a change in what the server asks of the disk (pages read again, written,
    synced) on a host too noisy to time it. strace slows the server several times over,
    so the run's other figures are not comparable with those of a run without it."""

    def __init__(self, pid: int, out: Path) -> None:
        super().__init__([_strace(), "-f", "-c", "-o", str(out), "-p", str(pid)], out)


def _strace() -> str:
    found = shutil.which("strace")
    if found is None:
        raise SystemExit("--syscalls needs strace (Debian's package strace)")
    return found


def summarise_syscalls(table: Path, requests: int, top: int = 10) -> str:
    """strace's summary (``-c``) as calls per issue request, most frequent first."""
    counts: Tally[str] = Tally()
    for row in table.read_text().splitlines():
        parts = row.split()
        # "% time  seconds  usecs/call  calls  [errors]  syscall"
        if len(parts) in (5, 6) and parts[3].isdigit() and parts[-1] != "total":
            counts[parts[-1]] += int(parts[3])
    if not counts or not requests:
        return "strace counted no system calls"
    lines = [f"  {n / requests:8.2f}  {name}" for name, n in counts.most_common(top)]
    return "\n".join(
        [f"system calls of the server per issue request ({requests}, warm-up included):", *lines]
    )


def _without_line(frame: str) -> str:
    """``f (pkg/mod.py:12)`` -> ``f (pkg/mod.py)``: one entry per function, not per line."""
    head, sep, _ = frame.rpartition(":")
    return head + ")" if sep and frame.endswith(")") else frame


def _package(frame: str) -> str:
    path = frame.rpartition("(")[2].rstrip(")")
    top = path.split("/", 1)[0] if "/" in path else path.split(":", 1)[0]
    return top or "?"


def summarise_stacks(raw: Path, top: int = 25) -> str:
    """Where the server spent its CPU, from py-spy's collapsed stacks: own time per
    function and per package, and inclusive time of the project's own functions."""
    own: Tally[str] = Tally()
    packages: Tally[str] = Tally()
    inclusive: Tally[str] = Tally()
    total = 0
    for row in raw.read_text().splitlines():
        stack, _, count_text = row.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [
            _without_line(f)
            for f in stack.split(";")
            if f and not f.startswith(("process ", "thread "))
        ]
        if not frames:
            continue
        total += count
        own[frames[-1]] += count
        packages[_package(frames[-1])] += count
        for frame in set(frames):
            if _package(frame) in ("server", "shared"):
                inclusive[frame] += count
    if not total:
        return "py-spy recorded no samples"

    def share(items: list[tuple[str, int]]) -> list[str]:
        return [f"  {100 * n / total:5.1f}%  {name}" for name, n in items]

    return "\n".join(
        [
            f"py-spy: {total} samples of the server on CPU during the issue phase",
            "own time:",
            *share(own.most_common(top)),
            "own time by package:",
            *share(packages.most_common(12)),
            "inclusive time of server/ and shared/ functions:",
            *share(inclusive.most_common(top)),
        ]
    )


# --- phase 1: issuing tickets -----------------------------------------------------------


@dataclass
class IssueResult:
    """The issuing phase's figures: throughput, latencies, errors by kind, and the CPU
    time of server, bench, PostgreSQL and the rest of the machine."""

    clients: int
    tickets: int
    seconds: float
    ok: int
    errors: int
    error_kinds: dict[str, int]
    median_ms: float
    p99_ms: float
    max_ms: float
    server_cpu_seconds: float
    bench_cpu_seconds: float
    postgres_cpu_seconds: float
    others_cpu_seconds: float

    @property
    def per_second(self) -> float:
        return self.ok / self.seconds if self.seconds else math.nan

    @property
    def server_cpu_ms_per_ticket(self) -> float:
        return 1000 * self.server_cpu_seconds / self.ok if self.ok else math.nan


def issue_one(http: requests.Session, base: str, token: str, service_id: int) -> tuple[int, str]:
    """One kiosk request as the kiosk sends it (with an Idempotency-Key); (status, code)."""
    response = http.post(
        base + API + "/tickets",
        json={"service_id": service_id, "printed": True},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
        timeout=HTTP_TIMEOUT,
    )
    code = ""
    if response.status_code != 201:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            code = response.json()["error"]["code"]
    return response.status_code, code


def issue_many(bases: list[str], token: str, service_ids: list[int], clients: int) -> list[Any]:
    """Issue one ticket per entry of ``service_ids`` from ``clients`` keep-alive sessions
    (client n talks to server n modulo the number of servers).

    Returns one (latency seconds, status, error code) per request.
    """
    results: list[Any] = [None] * len(service_ids)
    cursor = iter(range(len(service_ids)))
    lock = threading.Lock()
    start = threading.Barrier(clients)

    def client(base: str) -> None:
        with requests.Session() as http:
            start.wait()
            while True:
                with lock:
                    i = next(cursor, None)
                if i is None:
                    return
                began = time.perf_counter()
                try:
                    status, code = issue_one(http, base, token, service_ids[i])
                except requests.RequestException as exc:
                    status, code = 0, type(exc).__name__
                results[i] = (time.perf_counter() - began, status, code)

    threads = [
        threading.Thread(target=client, args=(bases[n % len(bases)],), daemon=True)
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def measure_issue(cluster: Cluster, hall: Hall, clients: int, tickets: int) -> IssueResult:
    order = interleave_by_agency(hall.lines)
    warmup = [order[i % len(order)] for i in range(WARMUP_TICKETS)]
    issue_many(cluster.bases, hall.kiosk_token, warmup, min(clients, 4))
    wanted = [order[i % len(order)] for i in range(tickets)]
    cpu_before = cluster.cpu_seconds()
    bench_before = time.process_time()
    busy_before = machine_busy_seconds()
    postgres_before = postgres_cpu_seconds()
    began = time.perf_counter()
    results = issue_many(cluster.bases, hall.kiosk_token, wanted, clients)
    seconds = time.perf_counter() - began
    bench_cpu = time.process_time() - bench_before
    server_cpu = cluster.cpu_seconds() - cpu_before
    postgres = postgres_cpu_seconds() - postgres_before
    others = machine_busy_seconds() - busy_before - bench_cpu - server_cpu - postgres
    ok = [r[0] * 1000 for r in results if r[1] == 201]
    kinds = Tally(f"{r[1]} {r[2]}".strip() for r in results if r[1] != 201)
    return IssueResult(
        clients=clients,
        tickets=tickets,
        seconds=seconds,
        ok=len(ok),
        errors=len(results) - len(ok),
        error_kinds=dict(kinds),
        median_ms=percentile(ok, 50),
        p99_ms=percentile(ok, 99),
        max_ms=max(ok, default=math.nan),
        server_cpu_seconds=server_cpu,
        bench_cpu_seconds=bench_cpu,
        postgres_cpu_seconds=postgres,
        others_cpu_seconds=max(0.0, others),
    )


# --- phase 2: calling, heard by many boards ---------------------------------------------


@dataclass
class CallResult:
    """The calling phase's figures: the "next" request's latency and how long its event
    took to reach one board and all of them."""

    sockets: int
    calls: int
    counter: str
    zone: str
    connect_seconds: float
    post_median_ms: float
    post_p99_ms: float
    arrival_median_ms: float
    arrival_p99_ms: float
    all_received_median_ms: float
    all_received_p99_ms: float
    all_received_max_ms: float
    missing: int
    failed_calls: int
    server_cpu_ms_per_call: float
    bench_cpu_ms_per_call: float
    postgres_cpu_ms_per_call: float
    others_cpu_share: float
    events_per_board_per_call: dict[str, float]
    board_client: str = "raw"
    post_ms: list[float] = field(default_factory=list)
    all_received_ms: list[float] = field(default_factory=list)


class Boards:
    """``sockets`` board connections in one zone room, stamping each ``ticket.called``.

    ``client="raw"`` (the default) speaks the few Engine.IO/Socket.IO frames a board
    needs over aiohttp's websocket and parses only ``ticket.called``: 200 boards then
    cost this process little, so the figures are the server's. ``client="socketio"``
    uses python-socketio's AsyncClient, as the real display does (through its
    synchronous twin): closer to a board, but its decoding of every event of 200
    clients in one Python process adds to the latencies measured.
    """

    def __init__(self, bases: list[str], token: str, sockets: int, client: str) -> None:
        self.bases = bases  # board n listens to server n modulo their number
        self.token = token
        self.sockets = sockets
        self.client = client
        self.clients: list[Any] = []
        self.readers: list[asyncio.Task[None]] = []
        self.http: Any = None
        self.arrivals: dict[int, dict[int, float]] = {}  # ticket id -> board -> time
        self.complete: dict[int, asyncio.Event] = {}
        self.received: Tally[str] = Tally()  # every event any board got, by name

    def event_for(self, ticket_id: int) -> asyncio.Event:
        return self.complete.setdefault(ticket_id, asyncio.Event())

    def _called(self, index: int, payload: dict[str, Any], at: float) -> None:
        self.received["ticket.called"] += 1
        ticket_id = int(payload["ticket"]["id"])
        heard = self.arrivals.setdefault(ticket_id, {})
        heard.setdefault(index, at)
        if len(heard) == self.sockets:
            self.event_for(ticket_id).set()

    async def connect(self) -> None:
        # 200 handshakes at once would only measure the burst; 20 at a time is a hall
        # coming back after a power cut.
        gate = asyncio.Semaphore(20)
        one = self._connect_raw if self.client == "raw" else self._connect_socketio
        if self.client == "raw":
            import aiohttp

            # No pool limit: each board holds its connection (the default limit is 100).
            self.http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))

        async def gated(index: int) -> Any:
            async with gate:
                return await one(index)

        self.clients = list(await asyncio.gather(*(gated(i) for i in range(self.sockets))))

    async def _connect_socketio(self, index: int) -> Any:
        import socketio

        client = socketio.AsyncClient(reconnection=False)
        client.on(
            "ticket.called",
            lambda payload: self._called(index, payload, time.perf_counter()),
        )

        def count(name: str, *_: Any) -> None:
            self.received[name] += 1

        client.on("*", count)
        await client.connect(
            self.bases[index % len(self.bases)],
            auth={"token": self.token},
            transports=["websocket"],
            wait_timeout=30,
        )
        return client

    async def _connect_raw(self, index: int) -> Any:
        base = self.bases[index % len(self.bases)]
        url = base.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        ws = await self.http.ws_connect(url)
        opening = await ws.receive_str(timeout=30)  # "0{sid, pingInterval, ...}"
        if not opening.startswith("0"):
            raise RuntimeError(f"unexpected Engine.IO opening {opening[:40]!r}")
        await ws.send_str("40" + json.dumps({"token": self.token}))
        answer = await ws.receive_str(timeout=30)
        if not answer.startswith("40"):
            raise RuntimeError(f"board refused: {answer[:80]!r}")
        self.readers.append(asyncio.create_task(self._read_raw(index, ws)))
        return ws

    async def _read_raw(self, index: int, ws: Any) -> None:
        import aiohttp

        async for message in ws:
            at = time.perf_counter()
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            data: str = message.data
            if data == "2":  # Engine.IO ping: a board that does not answer is dropped
                await ws.send_str("3")
            elif data.startswith('42["'):
                name = data[4 : data.index('"', 4)]
                if name == "ticket.called":
                    self._called(index, json.loads(data[2:])[1], at)
                else:
                    self.received[name] += 1

    async def close(self) -> None:
        if self.client == "raw":
            for ws in self.clients:
                with contextlib.suppress(Exception):
                    await ws.send_str("41")
            await asyncio.gather(*(ws.close() for ws in self.clients), return_exceptions=True)
            for task in self.readers:
                task.cancel()
            await asyncio.gather(*self.readers, return_exceptions=True)
            if self.http is not None:
                await self.http.close()
        else:
            await asyncio.gather(*(c.disconnect() for c in self.clients), return_exceptions=True)


async def _call_series(
    cluster: Cluster,
    hall: Hall,
    desk: Desk,
    plan: CallPlan,
) -> CallResult:
    import aiohttp

    token = hall.display_tokens[desk.zone]
    sockets, calls = plan.sockets, plan.calls
    boards = Boards(cluster.bases, token, sockets, plan.client)
    try:
        began = time.perf_counter()
        await boards.connect()
        connect_seconds = time.perf_counter() - began
        posts: list[float] = []
        per_pair: list[float] = []
        all_in: list[float] = []
        missing = 0
        failed = 0
        cpu_before = bench_before = busy_before = phase_began = postgres_before = 0.0
        received_before: Tally[str] = Tally()
        async with aiohttp.ClientSession(base_url=cluster.first.base) as http:
            login = await http.post(
                API + "/auth/login",
                json={
                    "username": f"petugas.{desk.agency.lower()}",
                    "password": hall.officer_password,
                },
            )
            login.raise_for_status()
            headers = {"Authorization": f"Bearer {(await login.json())['token']}"}
            opened = await http.post(f"{API}/counters/{desk.counter_id}/open", headers=headers)
            opened.raise_for_status()
            for n in range(WARMUP_CALLS + calls):
                if n == WARMUP_CALLS:
                    cpu_before = cluster.cpu_seconds()
                    bench_before = time.process_time()
                    busy_before = machine_busy_seconds()
                    postgres_before = postgres_cpu_seconds()
                    phase_began = time.perf_counter()
                    received_before = boards.received.copy()
                measured = n >= WARMUP_CALLS
                t0 = time.perf_counter()
                response = await http.post(
                    f"{API}/counters/{desk.counter_id}/next", headers=headers
                )
                posted = time.perf_counter() - t0
                body = await response.json()
                ticket = body.get("ticket") if response.status == 200 else None
                if ticket is None:
                    failed += measured
                    continue
                ticket_id = int(ticket["id"])
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        boards.event_for(ticket_id).wait(), DELIVERY_TIMEOUT_SECONDS
                    )
                heard = boards.arrivals.get(ticket_id, {})
                if measured:
                    posts.append(posted * 1000)
                    per_pair += [(t - t0) * 1000 for t in heard.values()]
                    missing += sockets - len(heard)
                    if len(heard) == sockets:
                        all_in.append((max(heard.values()) - t0) * 1000)
                await asyncio.sleep(max(0.0, plan.spacing - (time.perf_counter() - t0)))
            cpu = cluster.cpu_seconds() - cpu_before
            bench_cpu = time.process_time() - bench_before
            postgres = postgres_cpu_seconds() - postgres_before
            others = machine_busy_seconds() - busy_before - bench_cpu - cpu - postgres
            phase = time.perf_counter() - phase_began
            received = boards.received - received_before
            await http.post(f"{API}/counters/{desk.counter_id}/close", headers=headers)
    finally:
        await boards.close()
    return CallResult(
        sockets=sockets,
        calls=calls,
        counter=f"{desk.label} ({desk.agency})",
        zone=desk.zone,
        connect_seconds=connect_seconds,
        post_median_ms=percentile(posts, 50),
        post_p99_ms=percentile(posts, 99),
        arrival_median_ms=percentile(per_pair, 50),
        arrival_p99_ms=percentile(per_pair, 99),
        all_received_median_ms=percentile(all_in, 50),
        all_received_p99_ms=percentile(all_in, 99),
        all_received_max_ms=max(all_in, default=math.nan),
        missing=missing,
        failed_calls=failed,
        server_cpu_ms_per_call=1000 * cpu / max(1, calls - failed),
        bench_cpu_ms_per_call=1000 * bench_cpu / max(1, calls - failed),
        postgres_cpu_ms_per_call=1000 * postgres / max(1, calls - failed),
        others_cpu_share=max(0.0, others) / (phase * (os.cpu_count() or 1)),
        events_per_board_per_call={
            name: n / (sockets * max(1, calls - failed)) for name, n in sorted(received.items())
        },
        board_client=plan.client,
        post_ms=posts,
        all_received_ms=all_in,
    )


@dataclass
class CallPlan:
    """One calling run's shape: how many boards listen, how many calls at what spacing,
    and which socket client the boards use."""

    sockets: int
    calls: int
    spacing: float  # seconds from one "next" to the next
    client: str  # "raw" or "socketio", see Boards


def measure_calls(cluster: Cluster, hall: Hall, plan: CallPlan) -> CallResult:
    """Fill one counter's line, then time ``calls`` "next" presses heard by ``sockets`` boards."""
    desk = hall.desks[0]
    needed = plan.calls + WARMUP_CALLS + 5
    issue_many(cluster.bases, hall.kiosk_token, [desk.service_ids[0]] * needed, 4)
    return asyncio.run(_call_series(cluster, hall, desk, plan))


# --- phase 3: one request, in this process ---------------------------------------------


@dataclass
class Anatomy:
    """Per-request costs without HTTP server or sockets: Flask's test client, one thread."""

    sql_per_issue: float
    sql_per_next: float
    inprocess_ms_per_issue: float
    inprocess_ms_per_next: float
    statements_of_one_issue: list[str]
    statements_of_one_next: list[str]
    profile: str
    # Function calls per issue under cProfile: the steadiest count of work on a busy machine.
    calls_per_issue: float = 0.0
    # CPU of this process per request (the test client's own share included): steadier
    # than the wall clock when other work shares the machine.
    cpu_ms_per_issue: float = 0.0
    cpu_ms_per_next: float = 0.0


def request_anatomy(url: str, hall: Hall, samples: int, profile_top: int) -> Anatomy:
    """Count SQL statements per issue and per "next", and profile the issue path."""
    from sqlalchemy import event

    from server.app import create_app
    from server.config import ServerConfig

    # ANTRE_BENCH_NOTICES=1: a notice channel configured (no subscriber), so the call
    # path reads the subscriptions (docs/notifications.md#triggers); nothing is sent.
    notices = os.environ.get("ANTRE_BENCH_NOTICES") == "1"
    config = ServerConfig(
        database_url=url,
        async_mode="threading",
        log_level="WARNING",
        secret_key="b" * 32,
        notify_fonnte_token="bench" if notices else None,
    )
    app = create_app(config)
    engine = app.extensions["antre"].db.engine
    statements: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _count(_c: Any, _cur: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split())[:110])

    client = app.test_client()
    kiosk = {"Authorization": f"Bearer {hall.kiosk_token}"}
    order = interleave_by_agency(hall.lines)

    def issue(i: int) -> None:
        response = client.post(
            API + "/tickets",
            json={"service_id": order[i % len(order)], "printed": True},
            headers={**kiosk, "Idempotency-Key": uuid.uuid4().hex},
        )
        assert response.status_code == 201, response.get_json()

    for i in range(len(order) + 10):
        # Warm caches: statement compilation, the principal cache, and the catalog's
        # zones of every service, so that the issue shown below is a steady-state one.
        issue(i)
    statements.clear()
    issue(10)
    one_issue = list(statements)
    statements.clear()
    began, cpu = time.perf_counter(), time.process_time()
    for i in range(samples):
        issue(11 + i)
    issue_ms = (time.perf_counter() - began) * 1000 / samples
    issue_cpu_ms = (time.process_time() - cpu) * 1000 / samples
    sql_issue = len(statements) / samples
    profiler = cProfile.Profile()
    profiler.enable()
    for i in range(samples):
        issue(11 + samples + i)
    profiler.disable()
    # ANTRE_BENCH_PROFILE_DUMP=FILE: the issue profile to FILE, one of "next" to FILE.next.
    if dump := os.environ.get("ANTRE_BENCH_PROFILE_DUMP", ""):
        profiler.dump_stats(dump)

    desk = hall.desks[1] if len(hall.desks) > 1 else hall.desks[0]
    login = client.post(
        API + "/auth/login",
        json={"username": f"petugas.{desk.agency.lower()}", "password": hall.officer_password},
    )
    officer = {"Authorization": f"Bearer {login.get_json()['token']}"}
    client.post(f"{API}/counters/{desk.counter_id}/open", headers=officer)
    for _ in range(samples + 6):
        client.post(
            API + "/tickets",
            json={"service_id": desk.service_ids[0]},
            headers={**kiosk, "Idempotency-Key": uuid.uuid4().hex},
        )
    for _ in range(3):
        client.post(f"{API}/counters/{desk.counter_id}/next", headers=officer)
    statements.clear()
    client.post(f"{API}/counters/{desk.counter_id}/next", headers=officer)
    one_next = list(statements)
    statements.clear()
    began, cpu = time.perf_counter(), time.process_time()
    for _ in range(samples):
        response = client.post(f"{API}/counters/{desk.counter_id}/next", headers=officer)
        assert response.status_code == 200 and response.get_json()["ticket"] is not None
    next_ms = (time.perf_counter() - began) * 1000 / samples
    next_cpu_ms = (time.process_time() - cpu) * 1000 / samples
    sql_next = len(statements) / samples
    if dump:
        for _ in range(samples + 6):
            client.post(
                API + "/tickets",
                json={"service_id": desk.service_ids[0]},
                headers={**kiosk, "Idempotency-Key": uuid.uuid4().hex},
            )
        next_profiler = cProfile.Profile()
        next_profiler.enable()
        for _ in range(samples):
            client.post(f"{API}/counters/{desk.counter_id}/next", headers=officer)
        next_profiler.disable()
        next_profiler.dump_stats(dump + ".next")
    app.extensions["antre"].db.dispose()

    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(profile_top)
    stats.sort_stats("cumulative").print_stats(profile_top)
    calls = stats.total_calls / samples  # type: ignore[attr-defined]
    return Anatomy(
        sql_issue,
        sql_next,
        issue_ms,
        next_ms,
        one_issue,
        one_next,
        text.getvalue(),
        calls,
        issue_cpu_ms,
        next_cpu_ms,
    )


# --- report -----------------------------------------------------------------------------


def render(info: dict[str, Any], issue: IssueResult | None, calls: CallResult | None) -> str:
    rows = [
        f"machine   {info['cores']} cores, {info['cpu']}, Python {info['python']}",
        f"server    {info['servers']} process(es), async mode {info['mode']}, "
        f"database {info['database']}"
        + (f", sqlite synchronous={info['sqlite_synchronous']}" if info["sqlite"] else ""),
        "",
    ]
    if issue is not None:
        rows += [
            f"issue     {issue.ok} tickets by {issue.clients} keep-alive clients "
            f"over {info['services']} services in {issue.seconds:.2f} s",
            f"          {issue.per_second:8.1f} tickets/s   "
            f"{issue.per_second / info['cores']:7.1f} tickets/s per core",
            f"          latency median {issue.median_ms:6.1f} ms   p99 {issue.p99_ms:6.1f} ms   "
            f"max {issue.max_ms:6.1f} ms   p99/median {issue.p99_ms / issue.median_ms:4.1f}",
            f"          errors {issue.errors}"
            + (f" {issue.error_kinds}" if issue.error_kinds else ""),
            f"          server CPU {issue.server_cpu_ms_per_ticket:5.2f} ms/ticket "
            f"(=> {1000 / issue.server_cpu_ms_per_ticket:5.0f} tickets/s per busy core); "
            f"load generator CPU {1000 * issue.bench_cpu_seconds / max(1, issue.ok):5.2f} "
            "ms/ticket",
            *(
                [
                    f"          PostgreSQL CPU "
                    f"{1000 * issue.postgres_cpu_seconds / max(1, issue.ok):5.2f} ms/ticket"
                ]
                if not info["sqlite"]
                else []
            ),
            f"          other processes on the machine: {issue.others_cpu_seconds:.2f} CPU s "
            f"({100 * issue.others_cpu_seconds / (issue.seconds * info['cores']):.0f}% of it)",
            "",
        ]
    if calls is not None:
        rows += [
            f"call      {calls.calls} x 'next' at {calls.counter}, heard by {calls.sockets} "
            f"{calls.board_client} boards in zone {calls.zone} "
            f"(connected in {calls.connect_seconds:.1f} s)",
            f"          POST next          median {calls.post_median_ms:6.1f} ms   "
            f"p99 {calls.post_p99_ms:6.1f} ms",
            f"          each board         median {calls.arrival_median_ms:6.1f} ms   "
            f"p99 {calls.arrival_p99_ms:6.1f} ms   "
            f"p99/median {calls.arrival_p99_ms / calls.arrival_median_ms:4.1f}",
            f"          all {calls.sockets} boards     median "
            f"{calls.all_received_median_ms:6.1f} ms   p99 {calls.all_received_p99_ms:6.1f} ms   "
            f"max {calls.all_received_max_ms:6.1f} ms",
            f"          missing deliveries {calls.missing}   failed calls {calls.failed_calls}   "
            f"server CPU {calls.server_cpu_ms_per_call:5.1f} ms/call "
            f"({calls.server_cpu_ms_per_call * 1000 / calls.sockets:5.1f} us per board)",
            "          events per board per call: "
            + ", ".join(f"{k} {v:.2f}" for k, v in calls.events_per_board_per_call.items())
            + f"   load generator CPU {calls.bench_cpu_ms_per_call:5.1f} ms/call",
            *(
                [f"          PostgreSQL CPU {calls.postgres_cpu_ms_per_call:5.1f} ms/call"]
                if not info["sqlite"]
                else []
            ),
            f"          other processes on the machine: {100 * calls.others_cpu_share:.0f}% of it",
            "",
        ]
    return "\n".join(rows)


def render_anatomy(anatomy: Anatomy) -> str:
    rows = [
        "one request in process (Flask test client, no HTTP server, one thread)",
        f"          issue  {anatomy.sql_per_issue:5.1f} SQL statements   "
        f"{anatomy.inprocess_ms_per_issue:5.2f} ms   CPU {anatomy.cpu_ms_per_issue:5.2f} ms",
        f"          next   {anatomy.sql_per_next:5.1f} SQL statements   "
        f"{anatomy.inprocess_ms_per_next:5.2f} ms   CPU {anatomy.cpu_ms_per_next:5.2f} ms",
        f"          issue  {anatomy.calls_per_issue:7.0f} Python function calls (cProfile)",
        "          statements of one issue:",
        *(f"            {s}" for s in anatomy.statements_of_one_issue),
        "          statements of one next:",
        *(f"            {s}" for s in anatomy.statements_of_one_next),
    ]
    return "\n".join(rows)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--async-mode", choices=("eventlet", "threading"), default="eventlet")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server to use (the bench creates and drops its own database "
        "there); default: a SQLite file in a temporary directory",
    )
    parser.add_argument(
        "--sqlite-synchronous",
        choices=("full", "normal"),
        help="ANTRE_SQLITE_SYNCHRONOUS for the server (default: the server's, full)",
    )
    parser.add_argument("--clients", type=int, default=16, help="concurrent kiosk clients")
    parser.add_argument("--tickets", type=int, default=800, help="tickets to issue")
    parser.add_argument("--sockets", type=int, default=200, help="boards listening")
    parser.add_argument("--calls", type=int, default=50, help="'next' presses to time")
    parser.add_argument(
        "--boards",
        choices=("raw", "socketio"),
        default="raw",
        help="board client: a thin websocket reader (default) or python-socketio",
    )
    parser.add_argument("--spacing-ms", type=float, default=100.0, help="between calls")
    parser.add_argument("--skip-issue", action="store_true", help="only the call phase")
    parser.add_argument("--skip-calls", action="store_true", help="only the issue phase")
    parser.add_argument(
        "--anatomy",
        type=int,
        default=0,
        metavar="N",
        help="also count SQL statements and cProfile N issues in this process",
    )
    parser.add_argument(
        "--py-spy",
        type=Path,
        metavar="FILE",
        help="sample the server with py-spy during the issue phase (raw stacks to FILE)",
    )
    parser.add_argument(
        "--syscalls",
        type=Path,
        metavar="FILE",
        help="count the server's system calls with strace during the issue phase (its "
        "table to FILE) and print them per issue; slows the server; one server only",
    )
    parser.add_argument(
        "--log-level",
        choices=("DEBUG", "INFO", "WARNING"),
        help="ANTRE_LOG_LEVEL for the server (default WARNING; INFO is the server's default)",
    )
    parser.add_argument(
        "--servers",
        type=int,
        default=1,
        help="server processes on the one database (more than one: PostgreSQL advised); "
        "kiosk clients and boards are spread over them",
    )
    parser.add_argument(
        "--message-queue",
        default="redis://127.0.0.1:6379/14",
        help="ANTRE_MESSAGE_QUEUE when --servers > 1",
    )
    parser.add_argument(
        "--entry-module",
        default="server.entry",
        help="module to run as the server (an experiment may wrap server.entry with a patch)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write figures as JSON")
    args = parser.parse_args(argv)
    if args.syscalls:
        if args.servers != 1:
            parser.error("--syscalls counts one server's calls: use it with --servers 1")
        _strace()  # said before the hall is prepared, not after
    return args


def watched_issue(cluster: Cluster, hall: Hall, args: argparse.Namespace) -> IssueResult:
    """The issue phase, with py-spy and strace on the server if asked for."""
    pid = cluster.first.pid
    watchers: list[Watcher] = []
    try:
        if args.py_spy:
            watchers.append(PySpy(pid, args.py_spy))
        if args.syscalls:
            watchers.append(SyscallCount(pid, args.syscalls))
        return measure_issue(cluster, hall, args.clients, args.tickets)
    finally:
        for watcher in watchers:
            watcher.stop()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    info = machine()
    info["mode"] = args.async_mode
    with throwaway_database(args.database_url) as url, tempfile.TemporaryDirectory() as logs:
        sqlite = make_url(url).get_backend_name() == "sqlite"
        info.update(
            database="SQLite (temporary file)" if sqlite else describe_url(url),
            sqlite=sqlite,
            sqlite_synchronous=args.sqlite_synchronous or "full",
        )
        print(f"preparing the demo hall in {info['database']} ...", file=sys.stderr)
        hall = prepare_hall(url)
        info["services"] = len(hall.lines)
        extra = {}
        if args.sqlite_synchronous:
            extra["ANTRE_SQLITE_SYNCHRONOUS"] = args.sqlite_synchronous
        if args.log_level:
            extra["ANTRE_LOG_LEVEL"] = args.log_level
        if args.servers > 1:
            extra["ANTRE_MESSAGE_QUEUE"] = args.message_queue
        info["servers"] = args.servers
        cluster = Cluster(
            [
                ServerProcess(url, args.async_mode, extra, args.entry_module, index=n)
                for n in range(args.servers)
            ]
        )
        issue = calls = None
        with running(cluster, Path(logs)):
            if not args.skip_issue:
                print("issuing tickets ...", file=sys.stderr)
                issue = watched_issue(cluster, hall, args)
            if not args.skip_calls:
                print("calling ...", file=sys.stderr)
                plan = CallPlan(args.sockets, args.calls, args.spacing_ms / 1000, args.boards)
                calls = measure_calls(cluster, hall, plan)
            for server in cluster.died():
                print(f"server {server.index} died:\n{server.log_tail()}", file=sys.stderr)
        print(render(info, issue, calls))
        anatomy = None
        if args.anatomy:
            anatomy = request_anatomy(url, hall, args.anatomy, 30)
            print(render_anatomy(anatomy))
            print(anatomy.profile)
        if args.py_spy and args.py_spy.exists():
            print(summarise_stacks(args.py_spy))
        if args.syscalls and args.syscalls.exists() and issue is not None:
            requests = issue.ok + issue.errors + WARMUP_TICKETS
            print(summarise_syscalls(args.syscalls, requests))
        for server in cluster.servers:
            logged = server.logged_while_running()
            if logged:
                print(
                    f"server {server.index} log (WARNING and above, {len(logged)} lines):",
                    file=sys.stderr,
                )
                print("\n".join(logged[:80]), file=sys.stderr)
    if args.json:
        figures = {
            "machine": info,
            "issue": issue and asdict(issue),
            "calls": calls and asdict(calls),
        }
        if issue is not None:
            figures["issue"]["per_second"] = issue.per_second
        if anatomy is not None:
            figures["anatomy"] = asdict(anatomy)
        args.json.write_text(json.dumps(figures, indent=2, default=str))


if __name__ == "__main__":
    main()
