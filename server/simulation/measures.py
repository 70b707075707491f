"""What the day is measured by while it runs: command latencies, push deliveries to boards
and phones, and the server process's CPU and memory (read from ``/proc``, so only for a
server on this machine).

Latencies are real (wall-clock) durations whatever ``--speed`` is: a push is as fast at
20x as at 1x. Everything that belongs to the hall's day (waits, service times) is kept in
simulated time elsewhere.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (as the reports use): the ceil(share*n)-th smallest."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share * len(ordered) - 1e-9))
    return ordered[rank - 1]


class Latencies:
    """Named series of durations in seconds, recorded from any thread."""

    def __init__(self) -> None:
        self._series: dict[str, list[float]] = defaultdict(list)
        self._lock = threading.Lock()

    def add(self, name: str, seconds: float) -> None:
        with self._lock:
            self._series[name].append(seconds)

    def values(self, name: str) -> list[float]:
        with self._lock:
            return list(self._series.get(name, []))

    def summary(self) -> dict[str, dict[str, float | int | None]]:
        """Per series: count and p50/p99/max in milliseconds."""
        with self._lock:
            series = {name: list(values) for name, values in self._series.items()}
        return {name: _ms_summary(values) for name, values in sorted(series.items())}


def _ms_summary(values: list[float]) -> dict[str, float | int | None]:
    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 1)

    return {
        "count": len(values),
        "p50_ms": ms(percentile(values, 0.5)),
        "p99_ms": ms(percentile(values, 0.99)),
        "max_ms": ms(max(values) if values else None),
    }


@dataclass
class Listener:
    """What one board or phone should hear and what it heard: calls, each keyed by
    (ticket id or number, call count), with the time each arrived."""

    name: str
    expected: set[tuple[str, int]] = field(default_factory=set)
    received: Counter[tuple[str, int]] = field(default_factory=Counter)
    arrived: dict[tuple[str, int], float] = field(default_factory=dict)

    def hear(self, key: tuple[str, int], at: float) -> None:
        self.received[key] += 1
        self.arrived.setdefault(key, at)

    def lost(self) -> int:
        return sum(1 for key in self.expected if self.received[key] == 0)

    def duplicated(self) -> int:
        return sum(count - 1 for count in self.received.values() if count > 1)


class Deliveries:
    """Every board's and phone's calls, to count what was lost or came twice."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.listeners: dict[str, Listener] = {}

    def listener(self, name: str) -> Listener:
        with self._lock:
            return self.listeners.setdefault(name, Listener(name))

    def expect(self, name: str, key: tuple[str, int]) -> None:
        with self._lock:
            self.listeners.setdefault(name, Listener(name)).expected.add(key)

    def hear(self, name: str, key: tuple[str, int], at: float) -> None:
        with self._lock:
            self.listeners.setdefault(name, Listener(name)).hear(key, at)

    def arrival(self, name: str, key: tuple[str, int]) -> float | None:
        with self._lock:
            listener = self.listeners.get(name)
            return None if listener is None else listener.arrived.get(key)

    def summary(self, kind: str) -> dict[str, int]:
        """Totals over the listeners whose name starts with ``kind`` (board, phone)."""
        with self._lock:
            chosen = [v for k, v in self.listeners.items() if k.startswith(kind)]
            return {
                "listeners": len(chosen),
                "expected": sum(len(v.expected) for v in chosen),
                "lost": sum(v.lost() for v in chosen),
                "duplicated": sum(v.duplicated() for v in chosen),
            }


# --- the server process ----------------------------------------------------------------


@dataclass(frozen=True)
class ProcessSample:
    """One reading of the server process: when, CPU seconds used so far, resident bytes."""

    wall: float
    cpu_seconds: float
    rss_bytes: int


class ProcessProbe:
    """Reads ``/proc/<pid>`` of the server (the process and its children's CPU as the
    kernel accounts it)."""

    def __init__(self, pid: int, proc: Path = Path("/proc")) -> None:
        self.pid = pid
        self._proc = proc
        self._ticks = os.sysconf("SC_CLK_TCK")

    def sample(self) -> ProcessSample | None:
        """None when the process is gone."""
        try:
            stat = (self._proc / str(self.pid) / "stat").read_text()
            status = (self._proc / str(self.pid) / "status").read_text()
        except OSError:
            return None
        # The command name may hold spaces: the fields start after its closing bracket.
        fields = stat.rsplit(")", 1)[1].split()
        utime, stime = int(fields[11]), int(fields[12])
        rss_kb = 0
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss_kb = int(line.split()[1])
        return ProcessSample(time.monotonic(), (utime + stime) / self._ticks, rss_kb * 1024)


def cpu_share(first: ProcessSample, last: ProcessSample) -> float | None:
    """Share of one core used between two samples (1.0: one core busy all along)."""
    wall = last.wall - first.wall
    if wall <= 0:
        return None
    return (last.cpu_seconds - first.cpu_seconds) / wall


def pid_listening_on(port: int, proc: Path = Path("/proc")) -> int | None:
    """The process listening on TCP ``port`` (IPv4 or IPv6), found through the socket's
    inode among the processes' open files; None when not found or not readable."""
    inodes = set()
    for table in ("net/tcp", "net/tcp6"):
        try:
            lines = (proc / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            local, state, inode = parts[1], parts[3], parts[9]
            if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(f"socket:[{inode}]")
    if not inodes:
        return None
    return _owner_of(inodes, proc)


def _owner_of(inodes: set[str], proc: Path) -> int | None:
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            descriptors = list((entry / "fd").iterdir())
        except OSError:  # another user's process, or gone
            continue
        if any(_link(fd) in inodes for fd in descriptors):
            return int(entry.name)
    return None


def _link(path: Path) -> str | None:
    try:
        return os.readlink(path)
    except OSError:  # closed meanwhile (the listing's own descriptor is)
        return None


# A server that grows more than this over a day after its warm-up keeps something it
# should not (a cache without a bound, a listener never dropped): a day is not clean.
MEMORY_GROWTH_LIMIT = 0.10


def memory_summary(samples: dict[str, ProcessSample | None]) -> dict[str, Any]:
    """Resident memory in MB at each named moment, the growth after the warm-up, and
    whether it stayed within ``MEMORY_GROWTH_LIMIT`` (None: not measured)."""
    mb = {k: (None if s is None else round(s.rss_bytes / 2**20, 1)) for k, s in samples.items()}
    warm, end = mb.get("warm_up"), mb.get("end")
    growth = None if not warm or end is None else round((end - warm) / warm, 3)
    within = None if growth is None else growth <= MEMORY_GROWTH_LIMIT
    return {"rss_mb": mb, "growth_after_warm_up": growth, "memory_within_limit": within}
