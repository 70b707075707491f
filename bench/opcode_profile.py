"""Where the Python of one kiosk issue goes, counted in bytecode instructions: a profile
that does not move with the host's speed, to pick what to take off the issue path
before ``bench/instruction_ratio.py`` counts what it gave.

    .venv/bin/python bench/opcode_profile.py [--issues 50] [--warm-up 100] [--top 40]
        [--app antre|reference] [--depth 2]

One app serves kiosk issues in process, as under ``instruction_ratio.py`` (Flask's test
client, the demo hall, Antre on a virtual clock, ``PYTHONHASHSEED=0``); the issues after
the warm-up run under ``sys.settrace`` with opcode events. A generator counts a call each
time it resumes, and a recursive function's inclusive figure counts its inner calls again.
Printed per issue: every function's own opcodes and those of everything it called
(inclusive), the top ones of each, and the opcodes by package (``server.domain``,
``flask``, ``sqlalchemy``...).

An opcode is not an instruction: C work (SQLite, a dict copy, JSON encoding) counts as
the one opcode that called it. So this names the Python to look at, and
``instruction_ratio.py`` is what tells a change's worth.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path
from types import CodeType, FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "bench"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--issues", type=int, default=50, help="issues traced [50]")
    parser.add_argument("--warm-up", type=int, default=100, help="issues before them [100]")
    parser.add_argument("--top", type=int, default=40, help="functions listed [40]")
    parser.add_argument("--app", choices=("antre", "reference"), default="antre")
    parser.add_argument(
        "--depth", type=int, default=2, help="module path parts a package is named by [2]"
    )
    return parser.parse_args(argv)


class OpcodeTally:
    """Own and inclusive opcodes per code object, while ``sys.settrace`` is set."""

    def __init__(self) -> None:
        self.own: Counter[CodeType] = Counter()
        self.inclusive: Counter[CodeType] = Counter()
        self.calls: Counter[CodeType] = Counter()
        self.total = 0
        self._started: dict[int, int] = {}

    def __call__(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "call":
            frame.f_trace_opcodes = True
            self.calls[frame.f_code] += 1
            self._started[id(frame)] = self.total
            return self._local
        return None

    def _local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "opcode":
            self.own[frame.f_code] += 1
            self.total += 1
        elif event == "return":
            started = self._started.pop(id(frame), None)
            if started is not None:
                self.inclusive[frame.f_code] += self.total - started
        return self._local


def module_of(code: CodeType, depth: int) -> str:
    """``server/domain/estimates.py`` as ``server.domain``; a library by its package."""
    path = Path(code.co_filename)
    parts = path.with_suffix("").parts
    if "site-packages" in parts:
        parts = parts[parts.index("site-packages") + 1 :]
    elif str(ROOT) in code.co_filename:
        parts = path.relative_to(ROOT).with_suffix("").parts
    elif "lib" in parts:
        parts = ("stdlib", *parts[parts.index("lib") + 2 :])
    return ".".join(parts[: depth + (1 if parts and parts[0] == "server" else 0)])


def name_of(code: CodeType) -> str:
    path = Path(code.co_filename)
    if "site-packages" in path.parts:
        where: Path | str = Path(*path.parts[path.parts.index("site-packages") + 1 :])
    else:
        where = path.relative_to(ROOT) if str(ROOT) in code.co_filename else path.name
    return f"{where}:{code.co_firstlineno} {code.co_qualname}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    if os.environ.get("PYTHONHASHSEED") != "0":
        # The same hashes in every run, as under instruction_ratio.py: dict and set
        # layouts, and so the work, alike.
        os.execve(
            sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"}
        )
    from instruction_ratio import issuer
    from server_bench import prepare_hall

    with tempfile.TemporaryDirectory() as tmp_name:
        url = f"sqlite:///{Path(tmp_name) / 'hall.sqlite3'}"
        issue = issuer(args.app, url, prepare_hall(url))
        for i in range(args.warm_up):
            issue(i)
        gc.collect()
        tally = OpcodeTally()
        sys.settrace(tally)
        try:
            for i in range(args.issues):
                issue(args.warm_up + i)
        finally:
            sys.settrace(None)

    n = args.issues
    print(f"{args.app}: {tally.total / n:,.0f} opcodes per issue (Python only)\n")
    print("by package (own opcodes per issue)")
    packages: Counter[str] = Counter()
    for code, count in tally.own.items():
        packages[module_of(code, args.depth)] += count
    for package, count in packages.most_common():
        if count / n >= 10:
            print(f"  {count / n:9,.0f}  {package}")
    print(f"\nown opcodes per issue (top {args.top})")
    for code, count in tally.own.most_common(args.top):
        print(f"  {count / n:9,.0f}  {tally.calls[code] / n:6.1f}×  {name_of(code)}")
    print(f"\ninclusive opcodes per issue (top {args.top})")
    for code, count in tally.inclusive.most_common(args.top):
        print(f"  {count / n:9,.0f}  {tally.calls[code] / n:6.1f}×  {name_of(code)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
