"""Antre's issue path against the reference server, alternating runs on one machine.

    .venv/bin/python bench/reference_ratio.py [--rounds 5] [--tickets 1500] [--clients 8]
        [--async-mode eventlet|threading] [--json FILE]

Each round runs ``server_bench.py --skip-calls`` once with Antre and once with
``bench/reference_app.py`` (which of the two goes first alternates), each on a fresh
throwaway database with the same load generator. Printed: each run's tickets per second
and server CPU per ticket, and the medians of the ratios Antre ÷ reference — of
throughput (what a kiosk feels) and of the CPU a ticket costs the server (what does not
depend on what else the machine is doing; the better figure on a busy machine).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent / "server_bench.py"
ENTRIES = {"antre": "server.entry", "reference": "bench.reference_app"}


def one_run(
    entry: str, args: argparse.Namespace, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """One ``server_bench.py --skip-calls`` run of the server module ``entry`` (with
    ``env`` over this process's environment); its tickets/s, CPU per ticket and errors."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "figures.json"
        command = [
            sys.executable,
            str(BENCH),
            "--skip-calls",
            "--entry-module",
            entry,
            "--tickets",
            str(args.tickets),
            "--clients",
            str(args.clients),
            "--async-mode",
            args.async_mode,
            "--json",
            str(out),
        ]
        done = subprocess.run(
            command, capture_output=True, text=True, env={**os.environ, **(env or {})}
        )
        if done.returncode != 0:
            raise SystemExit(f"{entry}: server_bench failed:\n{done.stdout}{done.stderr}")
        issue: dict[str, Any] = json.loads(out.read_text())["issue"]
    ok = issue["ok"]
    return {
        "per_second": issue["per_second"],
        "server_cpu_ms": 1000 * issue["server_cpu_seconds"] / ok if ok else float("nan"),
        "errors": issue["errors"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--tickets", type=int, default=1500)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--async-mode", choices=("eventlet", "threading"), default="eventlet")
    parser.add_argument("--json", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in ENTRIES}
    for round_no in range(args.rounds):
        order = list(ENTRIES) if round_no % 2 == 0 else list(reversed(ENTRIES))
        for name in order:
            figures = one_run(ENTRIES[name], args)
            runs[name].append(figures)
            print(
                f"round {round_no + 1} {name:9} {figures['per_second']:7.1f} tickets/s"
                f"  server CPU {figures['server_cpu_ms']:5.2f} ms/ticket",
                flush=True,
            )
    pairs = list(zip(runs["antre"], runs["reference"], strict=True))
    throughput = [a["per_second"] / r["per_second"] for a, r in pairs]
    cpu = [r["server_cpu_ms"] / a["server_cpu_ms"] for a, r in pairs]
    summary = {
        "rounds": args.rounds,
        "tickets": args.tickets,
        "clients": args.clients,
        "async_mode": args.async_mode,
        "ratio_tickets_per_second": statistics.median(throughput),
        "ratio_by_server_cpu": statistics.median(cpu),
        "runs": runs,
    }
    print(
        f"Antre ÷ reference, median of {args.rounds} rounds: "
        f"tickets/s {summary['ratio_tickets_per_second']:.2f}, "
        f"by server CPU per ticket {summary['ratio_by_server_cpu']:.2f}"
    )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
