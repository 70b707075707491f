"""Two trees' issue path, side by side: ``server_bench.py --anatomy`` run alternately in
each, so that a change's gain is told from the machine's mood.

    .venv/bin/python bench/anatomy_compare.py /tmp/before . --rounds 4 --samples 200

Each round runs the anatomy of every tree once, in turn (the order flips every round);
printed per tree: SQL statements and Python calls per issue (the same in every round
unless the code differs), and the medians of the process's CPU per issue and per "next".
On a machine other work shares, only the counts and CPU figures of the same rounds are
worth comparing; the wall clock is not.
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


def anatomy(tree: Path, samples: int) -> dict[str, float]:
    """One anatomy run of ``tree``'s own bench and server code."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        subprocess.run(
            [
                str(tree / ".venv/bin/python"),
                "bench/server_bench.py",
                "--skip-issue",
                "--skip-calls",
                "--anatomy",
                str(samples),
                "--json",
                out.name,
            ],
            cwd=tree,
            env={**os.environ, "PYTHONPATH": str(tree)},
            check=True,
            stdout=subprocess.DEVNULL,
        )
        return json.loads(Path(out.name).read_text())["anatomy"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args(argv)
    trees = [tree.resolve() for tree in args.trees]
    runs: dict[Path, list[dict[str, float]]] = {tree: [] for tree in trees}
    for round_ in range(args.rounds):
        for tree in trees if round_ % 2 == 0 else trees[::-1]:
            runs[tree].append(anatomy(tree, args.samples))
            last = runs[tree][-1]
            print(
                f"round {round_ + 1} {tree}: CPU {last.get('cpu_ms_per_issue', 0):.2f} ms/issue "
                f"{last.get('cpu_ms_per_next', 0):.2f} ms/next",
                file=sys.stderr,
            )
    for tree, found in runs.items():

        def median(key: str, found: list[dict[str, float]] = found) -> float:
            return statistics.median(run.get(key, 0.0) for run in found)

        cpu = [run.get("cpu_ms_per_issue", 0.0) for run in found]
        print(
            f"{tree}\n  issue: {median('sql_per_issue'):.1f} statements, "
            f"{median('calls_per_issue'):,.0f} Python calls, CPU median "
            f"{median('cpu_ms_per_issue'):.2f} ms ({min(cpu):.2f}-{max(cpu):.2f})\n"
            f"  next:  {median('sql_per_next'):.1f} statements, CPU median "
            f"{median('cpu_ms_per_next'):.2f} ms"
        )


if __name__ == "__main__":
    main()
