"""``antre-server run`` under cProfile, for looking inside a server while a simulated day
or a bench drives it (py-spy is not always at hand).

    PYTHONPATH=$PWD .venv/bin/python -m bench.profiled_server --profile-out day.prof \\
        [--hub-blocking-ms 50] run --port 5091

Everything after the two options goes to ``antre-server``. The profile (all greenlets of
the process together: under eventlet cProfile sees one thread) is written when the
server stops (SIGTERM or SIGINT); read it with ``python -m pstats day.prof``.
``--hub-blocking-ms N`` also turns on eventlet's detector of a blocked hub: any stretch
of N ms or more in which no other greenlet could run prints its stack to stderr.
Garbage collections are timed too (``gc.callbacks``): at the end, their number, total
and longest pause per generation go to stderr, and every pause over 20 ms as it happens.
"""

from __future__ import annotations

import cProfile
import gc
import os
import signal
import sys
import time
from typing import Any

from server import entry


def _take(argv: list[str], name: str) -> str | None:
    if name in argv:
        i = argv.index(name)
        value = argv[i + 1]
        del argv[i : i + 2]
        return value
    return None


class GcTimer:
    """Pauses of the cyclic garbage collector, per generation."""

    def __init__(self) -> None:
        self.began = 0.0
        self.pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self.began = time.perf_counter()
            return
        pause = time.perf_counter() - self.began
        self.pauses[info["generation"]].append(pause)
        if pause > 0.02:
            print(
                f"gc generation {info['generation']}: {1000 * pause:.0f} ms "
                f"({info['collected']} collected)",
                file=sys.stderr,
                flush=True,
            )

    def report(self) -> str:
        return "; ".join(
            f"gen{g}: {len(p)} collections, {1000 * sum(p):.0f} ms in all, "
            f"longest {1000 * max(p, default=0):.1f} ms"
            for g, p in self.pauses.items()
        )


def main() -> None:
    argv = sys.argv[1:]
    out = _take(argv, "--profile-out") or "server.prof"
    blocking = _take(argv, "--hub-blocking-ms")
    entry.prepare_async_mode(entry.async_mode_for(argv, os.environ))
    if blocking:
        from eventlet import debug

        debug.hub_blocking_detection(True, float(blocking) / 1000)
    profiler = cProfile.Profile()
    timer = GcTimer()
    gc.callbacks.append(timer)

    def stop(*_: Any) -> None:
        profiler.disable()
        profiler.dump_stats(out)
        print(f"profile written to {out}; {timer.report()}", file=sys.stderr, flush=True)
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    from server.cli import cli

    profiler.enable()
    try:
        cli.main(args=argv, prog_name="antre-server", standalone_mode=False)
    finally:
        profiler.disable()
        profiler.dump_stats(out)


if __name__ == "__main__":
    main()
