"""One server process against two, on PostgreSQL + Redis: tickets/s and "next"-to-board.

Run by hand, never by the test suite (see bench/README.md):

    .venv/bin/python bench/cluster_bench.py [--rounds 2] [--variants 1,1r,2]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres]
        [--message-queue redis://127.0.0.1:6379/15]

Each round runs ``server_bench.py`` once per variant, alternating, so slow spells of a
shared machine fall on every variant alike:

- ``1``  one process on PostgreSQL, no message queue (the single-process baseline);
- ``1r`` one process with the Redis message queue (what Redis alone costs);
- ``2``  two processes behind no balancer: kiosk clients and boards alternate between
  them, "next" is pressed on the first, so half the boards hear it through Redis.

Per variant it prints the median over the rounds (and the range) of tickets/s, issue
latency, the "next" POST, a board's arrival, all boards' arrival, and the CPU per
ticket of the server processes, PostgreSQL and Redis.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import server_bench  # noqa: E402  (beside this file)

VARIANTS = {
    "1": "1 process, PostgreSQL",
    "1r": "1 process, PostgreSQL + Redis queue",
    "2": "2 processes, PostgreSQL + Redis queue",
}


def redis_cpu_seconds() -> float:
    """CPU time of every redis-server process so far (0 where none runs)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            text = stat.read_text()
            if text[text.index("(") + 1 : text.rindex(")")] == "redis-server":
                total += server_bench.process_cpu_seconds(int(stat.parent.name))
    return total


def run_variant(variant: str, args: argparse.Namespace, out: Path) -> dict[str, Any]:
    argv = [
        "--database-url",
        args.database_url,
        "--tickets",
        str(args.tickets),
        "--clients",
        str(args.clients),
        "--sockets",
        str(args.sockets),
        "--calls",
        str(args.calls),
        "--json",
        str(out),
    ]
    if variant == "2":
        argv += ["--servers", "2", "--message-queue", args.message_queue]
    saved = os.environ.pop("ANTRE_MESSAGE_QUEUE", None)
    if variant == "1r":
        # server_bench gives the queue only to several processes; the server reads it here.
        os.environ["ANTRE_MESSAGE_QUEUE"] = args.message_queue
    redis_before = redis_cpu_seconds()
    load_before = os.getloadavg()[0]
    try:
        server_bench.main(argv)
    finally:
        os.environ.pop("ANTRE_MESSAGE_QUEUE", None)
        if saved is not None:
            os.environ["ANTRE_MESSAGE_QUEUE"] = saved
    figures: dict[str, Any] = json.loads(out.read_text())
    figures["redis_cpu_seconds"] = redis_cpu_seconds() - redis_before
    figures["load_before"] = load_before
    return figures


def summarise(runs: dict[str, list[dict[str, Any]]]) -> str:
    rows: list[tuple[str, Callable[[dict[str, Any]], Any], str]] = [
        ("tickets/s", lambda f: f["issue"]["per_second"], "{:.0f}"),
        ("issue median ms", lambda f: f["issue"]["median_ms"], "{:.0f}"),
        ("issue p99 ms", lambda f: f["issue"]["p99_ms"], "{:.0f}"),
        ("server CPU ms/ticket", lambda f: server_ms(f), "{:.1f}"),
        ("PostgreSQL CPU ms/ticket", lambda f: pg_ms(f), "{:.1f}"),
        ("Redis CPU s, whole run", lambda f: f["redis_cpu_seconds"], "{:.2f}"),
        ("next POST median ms", lambda f: f["calls"]["post_median_ms"], "{:.0f}"),
        ("board arrival median ms", lambda f: f["calls"]["arrival_median_ms"], "{:.0f}"),
        ("board arrival p99 ms", lambda f: f["calls"]["arrival_p99_ms"], "{:.0f}"),
        ("all boards median ms", lambda f: f["calls"]["all_received_median_ms"], "{:.0f}"),
        ("all boards max ms", lambda f: f["calls"]["all_received_max_ms"], "{:.0f}"),
        ("missing deliveries", lambda f: f["calls"]["missing"], "{:.0f}"),
        ("server CPU ms/call", lambda f: f["calls"]["server_cpu_ms_per_call"], "{:.0f}"),
        ("others' CPU share, issuing", lambda f: others_share(f), "{:.0f} %"),
        ("others' CPU share, calling", lambda f: 100 * f["calls"]["others_cpu_share"], "{:.0f} %"),
        ("load average before", lambda f: f["load_before"], "{:.1f}"),
    ]
    names = list(runs)
    width = max(len(label) for label, _, _ in rows)
    lines = [" " * width + " | " + " | ".join(f"{VARIANTS[n]:>38}" for n in names)]
    for label, get, fmt in rows:
        cells = []
        for name in names:
            values = []
            for figures in runs[name]:
                with contextlib.suppress(KeyError, TypeError):
                    values.append(float(get(figures)))
            cells.append(_cell(values, fmt))
        lines.append(f"{label:<{width}} | " + " | ".join(f"{c:>38}" for c in cells))
    return "\n".join(lines)


def server_ms(figures: dict[str, Any]) -> float:
    issue = figures["issue"]
    return 1000 * float(issue["server_cpu_seconds"]) / int(issue["ok"])


def pg_ms(figures: dict[str, Any]) -> float:
    issue = figures["issue"]
    return 1000 * float(issue["postgres_cpu_seconds"]) / int(issue["ok"])


def others_share(figures: dict[str, Any]) -> float:
    issue, cores = figures["issue"], figures["machine"]["cores"]
    return 100 * float(issue["others_cpu_seconds"]) / (float(issue["seconds"]) * int(cores))


def _cell(values: list[float], fmt: str) -> str:
    if not values:
        return "-"
    middle = fmt.format(statistics.median(values))
    if len(values) == 1:
        return middle
    return f"{middle} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="the PostgreSQL server (a throwaway database is made there for each run)",
    )
    parser.add_argument("--message-queue", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--variants", default="1,1r,2", help="comma-separated: 1, 1r, 2")
    parser.add_argument("--tickets", type=int, default=800)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--sockets", type=int, default=200)
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--json", type=Path, help="write every run's figures here")
    args = parser.parse_args(argv)
    args.variant_list = [v.strip() for v in args.variants.split(",") if v.strip()]
    unknown = set(args.variant_list) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants: {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    runs: dict[str, list[dict[str, Any]]] = {v: [] for v in args.variant_list}
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="antre-cluster-bench-") as tmp:
        for round_no in range(args.rounds):
            for variant in args.variant_list:
                print(f"round {round_no + 1}: {VARIANTS[variant]}", file=sys.stderr)
                out = Path(tmp) / f"{variant}-{round_no}.json"
                runs[variant].append(run_variant(variant, args, out))
    print()
    print(f"{args.rounds} round(s) in {time.monotonic() - began:.0f} s; medians (range)")
    print(summarise(runs))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2, default=str))


if __name__ == "__main__":
    main()
