"""``antre-server run`` under cProfile, for looking inside a server while a simulated day
or a bench drives it (py-spy is not always at hand).

    PYTHONPATH=$PWD .venv/bin/python -m bench.profiled_server --profile-out day.prof \\
        [--hub-blocking-ms 50] run --port 5091

Everything after the two options goes to ``antre-server``. The profile (all greenlets of
the process together: under eventlet cProfile sees one thread) is written when the
server stops (SIGTERM or SIGINT); read it with ``python -m pstats day.prof``.
``--hub-blocking-ms N`` also turns on eventlet's detector of a blocked hub: any stretch
of N ms or more in which no other greenlet could run prints its stack to stderr.
"""

from __future__ import annotations

import cProfile
import os
import signal
import sys
from typing import Any

from server import entry


def _take(argv: list[str], name: str) -> str | None:
    if name in argv:
        i = argv.index(name)
        value = argv[i + 1]
        del argv[i : i + 2]
        return value
    return None


def main() -> None:
    argv = sys.argv[1:]
    out = _take(argv, "--profile-out") or "server.prof"
    blocking = _take(argv, "--hub-blocking-ms")
    entry.prepare_async_mode(entry.async_mode_for(argv, os.environ))
    if blocking:
        from eventlet import debug

        debug.hub_blocking_detection(True, float(blocking) / 1000)
    profiler = cProfile.Profile()

    def stop(*_: Any) -> None:
        profiler.disable()
        profiler.dump_stats(out)
        print(f"profile written to {out}", file=sys.stderr, flush=True)
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
