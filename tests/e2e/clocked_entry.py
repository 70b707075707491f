"""``antre-server`` with its clock set, for tests of clients against a real server process
at a time of day of the test's choosing (``LiveServer(clock_start=...)``):

    python -m tests.e2e.clocked_entry START ANCHOR run --port ...

The server's clock reads ``START`` (an ISO instant) when the system's monotonic clock
reads ``ANCHOR``, and runs on at the real pace from there: the test computes the same
time from the same two numbers (``CLOCK_MONOTONIC`` is one clock for every process of
the machine), so a booking taken by the test and checked in at the kiosk agree on "now"
to the microsecond. The in-process tests inject a ``FakeClock`` into ``create_app``; a
process cannot take one, so this wrapper sets the factory's default clock before the
command creates the app. Nothing in the server knows of it.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable


def shifted_clock(start: dt.datetime, anchor: float) -> Callable[[], dt.datetime]:
    """A clock that reads ``start`` at monotonic time ``anchor`` and runs on from there."""

    def now() -> dt.datetime:
        return start + dt.timedelta(seconds=time.monotonic() - anchor)

    return now


def main(argv: list[str]) -> None:
    start, anchor, rest = dt.datetime.fromisoformat(argv[0]), float(argv[1]), argv[2:]
    from server.entry import async_mode_for, prepare_async_mode, subcommand

    if subcommand(rest) == "run":
        prepare_async_mode(async_mode_for(rest, os.environ))  # before the app is imported
    import server.app
    from server.cli import cli

    server.app.utc_now = shifted_clock(start.astimezone(dt.UTC), anchor)
    cli.main(args=rest, prog_name="antre-server")


if __name__ == "__main__":
    main(sys.argv[1:])
