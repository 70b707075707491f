"""Antre's issue path against the reference app, counted in instructions: a figure that
does not move with the host's speed or mood, where tickets per second moved by a fifth
between hosts and by a third between rounds on a shared one (docs/benchmarks.md).

    .venv/bin/python bench/instruction_ratio.py [--issues 300] [--warm-up 100] [--json FILE]
        [--leave-out estimate,events,...] [--only antre|reference] [--keep DIR]

Each app serves kiosk issues in process, through Flask's test client (no HTTP server, no
eventlet), on a copy of one demo hall (``server_bench.prepare_hall``; the reference adds
its two tables to it, as under ``server_bench.py``), Antre on a virtual clock
(``VirtualTime``). Each runs twice under valgrind's callgrind: once with the warm-up
alone, once with the issues after it; the difference divided by the issues is what one
issue costs in user space. Printed: instructions per issue by library (CPython, SQLite,
libc, the rest) and reference ÷ Antre, the inverse of the ratio of work (so it reads
like the tickets-per-second ratio).

What it leaves out, alike for both: the kernel (the commit's ``fdatasync``, the sockets),
the HTTP server and eventlet; and how fast each instruction runs (Antre's larger working
set misses the caches more often). So it is not tickets per second; it tells how much
work a change took out of an issue, however busy the host (run to run: the reference's
count repeats to a few instructions, Antre's to about half a per cent). Four runs of
two to four minutes each, two at a time; needs Debian's ``valgrind``.

``--leave-out`` counts Antre with parts of its issue path left out, as
``bench/ladder_app.py`` names them (``estimate``, ``events``, ``log``, ``area``,
``idempotency``, ``command``): what each promise costs, without the host's noise that
``promise_ladder.py`` has to out-wait.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

APPS = ("antre", "reference")
LIBRARIES = {"libpython": "CPython", "libsqlite3": "SQLite", "libc.so": "libc"}


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=300, help="issues counted [300]")
    parser.add_argument("--warm-up", type=int, default=100, help="issues before them [100]")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    parser.add_argument(
        "--leave-out", default="", help="Antre's parts to leave out (bench/ladder_app.py)"
    )
    parser.add_argument(
        "--only", choices=APPS, help="count this app alone (to compare two trees of Antre)"
    )
    parser.add_argument(
        "--keep", type=Path, help="keep callgrind's output files here (for callgrind_annotate)"
    )
    # One measured process (run under callgrind by the parent).
    parser.add_argument("--child", choices=APPS, help=argparse.SUPPRESS)
    parser.add_argument("--hall", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- the measured process --------------------------------------------------------------


# How much later each issue comes on the measured process's clocks: about what a server
# issuing 500 tickets a second sees.
STEP_SECONDS = 0.002


class VirtualTime:
    """The clocks of the measured process, moved on by ``STEP_SECONDS`` per issue.

    Under callgrind a process runs some fifty times slower, so on the real clock what
    Antre keeps for a few seconds (the catalog's averages and the hall's pace, the
    logins behind tokens) would be read afresh every few dozen issues rather than every
    few thousand, and the count would depend on the host's speed."""

    def __init__(self) -> None:
        import datetime as dt

        self._delta = dt.timedelta
        self.now = dt.datetime.now(dt.UTC)
        self.monotonic = 0.0

    def step(self) -> None:
        self.now += self._delta(seconds=STEP_SECONDS)
        self.monotonic += STEP_SECONDS


def issuer(app: str, url: str, hall: Any, leave_out: str = "") -> Callable[[int], None]:
    """``issue(i)``: the ``i``-th kiosk issue of ``app`` on the hall's database at ``url``,
    in this process, through Flask's test client (Antre on a virtual clock)."""
    time = VirtualTime()
    if app == "antre":
        from server.app import create_app
        from server.config import ServerConfig
        from server.principal_cache import PrincipalCache

        flask_app = create_app(
            ServerConfig(
                database_url=url, async_mode="threading", log_level="WARNING", secret_key="b" * 32
            ),
            clock=lambda: time.now,
        )
        flask_app.extensions["antre"].principals = PrincipalCache(timer=lambda: time.monotonic)
        if leave_out:
            from bench.ladder_app import leave_out as leave

            leave(set(leave_out.split(",")))
    else:
        from bench.reference_app import create_app as create_reference

        flask_app, _ = create_reference(url, "threading")
    client = flask_app.test_client()
    kiosk = {"Authorization": f"Bearer {hall.kiosk_token}"}
    from server_bench import interleave_by_agency

    order = interleave_by_agency(hall.lines)

    keys = random.Random(1)  # the same keys in every run: their index is filled alike

    def issue(i: int) -> None:
        time.step()
        response = client.post(
            "/api/v1/tickets",
            json={"service_id": order[i % len(order)], "printed": True},
            headers={**kiosk, "Idempotency-Key": uuid.UUID(int=keys.getrandbits(128)).hex},
        )
        assert response.status_code == 201, response.get_data(as_text=True)

    return issue


def child(args: argparse.Namespace) -> None:
    """``--warm-up`` issues, then ``--count`` more, of one app in this process."""
    import gc

    hall = pickle.loads(args.hall.read_bytes())
    issue = issuer(args.child, f"sqlite:///{args.database}", hall, args.leave_out)
    for i in range(args.warm_up):
        issue(i)
    gc.collect()
    for i in range(args.count):
        issue(args.warm_up + i)


# --- the parent ------------------------------------------------------------------------


def _library(where: str) -> str:
    """The library a callgrind_annotate line's function is in (inlined CPython headers
    name a source file of the CPython build, not the library)."""
    found = re.search(r"\[([^\]]+)\]\s*$", where)
    name = Path(found.group(1)).name if found else where
    for key, label in LIBRARIES.items():
        if key in name:
            return label
    if not found and "Python-3" in where:
        return "CPython"
    return "the rest"


def instructions(out_file: Path) -> Counter[str]:
    """Instructions by library in one callgrind output file."""
    listing = subprocess.run(
        ["callgrind_annotate", "--threshold=100", str(out_file)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    by_library: Counter[str] = Counter()
    for line in listing.splitlines():
        found = re.match(r"^\s*([\d,]+) \([^)]*\)\s+(.*)$", line)
        if found is None or "PROGRAM TOTALS" in line or "TOTALS" in found.group(2):
            continue
        by_library[_library(found.group(2))] += int(found.group(1).replace(",", ""))
    return by_library


def measured(
    app: str, count: int, args: argparse.Namespace, hall: Path, template: Path, tmp: Path
) -> Counter[str]:
    """One callgrind run of ``app`` on a fresh copy of the hall's database."""
    folder = Path(tempfile.mkdtemp(dir=tmp))
    database = folder / "hall.sqlite3"
    shutil.copy(template, database)
    out_file = folder / "callgrind.out"
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out_file}",
        sys.executable,
        __file__,
        "--child",
        app,
        "--hall",
        str(hall),
        "--database",
        str(database),
        "--warm-up",
        str(args.warm_up),
        "--count",
        str(count),
        *(("--leave-out", args.leave_out) if app == "antre" and args.leave_out else ()),
    ]
    # The same hashes in every run: set and dict layouts, and so the work, alike.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        raise SystemExit(f"{app}: the measured run failed:\n{done.stderr[-3000:]}")
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(out_file, args.keep / f"callgrind.{app}.{count}.out")
    return instructions(out_file)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    if args.child:
        child(args)
        return 0
    if shutil.which("valgrind") is None or shutil.which("callgrind_annotate") is None:
        raise SystemExit("needs valgrind (Debian's package valgrind)")
    from server_bench import prepare_hall

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        template = tmp / "hall.sqlite3"
        print("preparing the demo hall in SQLite (temporary file) ...", flush=True)
        hall_file = tmp / "hall.pickle"
        hall_file.write_bytes(pickle.dumps(prepare_hall(f"sqlite:///{template}")))
        print(
            f"counting {args.warm_up} warm-up issues, then {args.issues} more, "
            "of each app under callgrind (a few minutes) ...",
            flush=True,
        )
        apps = [args.only] if args.only else list(APPS)
        runs = [(app, count) for app in apps for count in (0, args.issues)]
        with ThreadPoolExecutor(max_workers=2) as pool:
            counted = list(
                pool.map(lambda run: measured(run[0], run[1], args, hall_file, template, tmp), runs)
            )
    per_issue: dict[str, dict[str, float]] = {}
    for app in apps:
        before = counted[runs.index((app, 0))]
        after = counted[runs.index((app, args.issues))]
        libraries = {lib: (after[lib] - before[lib]) / args.issues for lib in after}
        libraries["all"] = sum(libraries.values())
        per_issue[app] = libraries
    if args.leave_out:
        print(f"Antre without: {args.leave_out}")
    report(per_issue)
    if args.json:
        figures = {"per_issue": per_issue, "issues": args.issues, "left_out": args.leave_out}
        args.json.write_text(json.dumps(figures))
    return 0


def report(per_issue: dict[str, dict[str, float]]) -> None:
    order = ["CPython", "SQLite", "libc", "the rest", "all"]
    if len(per_issue) == 1:
        ((app, libraries),) = per_issue.items()
        print(f"\ninstructions per issue, in process ({app})")
        for lib in order:
            print(f"  {lib:<33} {libraries.get(lib, 0.0):12,.0f}")
        return
    print(f"\ninstructions per issue, in process  {'antre':>12} {'reference':>12}  ref÷antre")
    for lib in order:
        antre = per_issue["antre"].get(lib, 0.0)
        reference = per_issue["reference"].get(lib, 0.0)
        ratio = f"{reference / antre:5.2f}" if antre else "    -"
        print(f"  {lib:<33} {antre:12,.0f} {reference:12,.0f}  {ratio}")
    figures: Any = per_issue
    print(
        "reference ÷ Antre in instructions (as tickets per second would read): "
        f"{figures['reference']['all'] / figures['antre']['all']:.2f}"
    )


if __name__ == "__main__":
    sys.exit(main())
