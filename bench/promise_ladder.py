"""What each promise of the issue path costs, against the reference server: Antre with
one more part left out at each rung (``bench/ladder_app.py``), alternating with
``bench/reference_app.py`` under the same load generator.

    .venv/bin/python bench/promise_ladder.py [--rounds 3] [--tickets 3000] [--clients 8]
        [--async-mode eventlet|threading] [--driver | --alone]

``--alone``: each part left out on its own instead of one more at each rung, so that a
rung's difference to Antre as it is is that part's cost in the running server, the rest
of the request run as it always is (the tenth pass).

Each round runs every rung once and the reference twice (first and last); printed: each
run's tickets per second and server CPU per ticket, then per rung the medians and the
ratios Antre ÷ reference (docs/benchmarks.md, the sixth pass). Nothing here is a
setting of the server: the rungs exist only in the bench's own entry module.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import reference_ratio  # noqa: E402

# Cumulative: each rung leaves out what the one before did, and one part more.
RUNGS: tuple[tuple[str, str], ...] = (
    ("Antre as it is", ""),
    ("without the estimate", "estimate"),
    ("... and the push events", "estimate,events"),
    ("... and the event log row", "estimate,events,log"),
    ("... and the idempotency key", "estimate,events,log,idempotency"),
    ("the view without its command", "command"),
)
# --driver: the statements on the driver (bench/driver_rung.py), then wrapped in
# what every command of the server runs in, one layer at a time.
DRIVER_RUNGS: tuple[tuple[str, str], ...] = (
    ("Antre as it is", ""),
    ("the issue on the driver", "driver"),
    ("... in the write session", "driver-session"),
    ("... and the command's context", "driver-ctx"),
    ("the view without its command", "command"),
)
# --alone: one part left out at a time.
ALONE_RUNGS: tuple[tuple[str, str], ...] = (
    ("Antre as it is", ""),
    ("without the estimate", "estimate"),
    ("without the push events", "events"),
    ("without the event log row", "log"),
    ("without the waiting area", "area"),
    ("without the idempotency key", "idempotency"),
    ("the view without its command", "command"),
)
REFERENCE = "reference"


def one_run(entry: str, leave_out: str, args: argparse.Namespace) -> dict[str, float]:
    found = reference_ratio.one_run(entry, args, {"ANTRE_BENCH_LEAVE_OUT": leave_out})
    if found["errors"]:
        raise SystemExit(f"{entry} {leave_out}: errors {found['errors']}")
    return {"per_second": found["per_second"], "server_cpu_ms": found["server_cpu_ms"]}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--async-mode", choices=("eventlet", "threading"), default="eventlet")
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--driver", action="store_true", help="the driver rungs instead of the promises"
    )
    which.add_argument(
        "--alone", action="store_true", help="each promise left out on its own, not in turn"
    )
    args = parser.parse_args(argv)
    rungs = DRIVER_RUNGS if args.driver else ALONE_RUNGS if args.alone else RUNGS
    runs: dict[str, list[dict[str, float]]] = {name: [] for name, _ in rungs}
    runs[REFERENCE] = []
    for round_ in range(1, args.rounds + 1):
        plan = [
            (REFERENCE, "bench.reference_app", ""),
            *((n, "bench.ladder_app", p) for n, p in rungs),
        ]
        plan.append(plan[0])
        for name, entry, parts in plan:
            found = one_run(entry, parts, args)
            runs[name].append(found)
            print(
                f"round {round_} {name:32s} {found['per_second']:7.1f} tickets/s  "
                f"server CPU {found['server_cpu_ms']:5.2f} ms/ticket",
                flush=True,
            )
    reference = runs[REFERENCE]
    ref_rate = statistics.median(r["per_second"] for r in reference)
    ref_cpu = statistics.median(r["server_cpu_ms"] for r in reference)
    print(f"\nreference: {ref_rate:.0f} tickets/s, {ref_cpu:.2f} ms of server CPU per ticket")
    print(f"{'rung':32s} {'tickets/s':>9s} {'CPU ms':>7s}  ÷ reference (tickets/s, by CPU)")
    whole = statistics.median(r["server_cpu_ms"] for r in runs[rungs[0][0]])
    for name, _ in rungs:
        rate = statistics.median(r["per_second"] for r in runs[name])
        cpu = statistics.median(r["server_cpu_ms"] for r in runs[name])
        saved = f"  {1000 * (cpu - whole):+5.0f} µs" if name != rungs[0][0] else ""
        print(
            f"{name:32s} {rate:9.0f} {cpu:7.2f}  {rate / ref_rate:.2f}, {ref_cpu / cpu:.2f}{saved}"
        )


if __name__ == "__main__":
    main()
