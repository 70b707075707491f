"""Antre's server with chosen parts of the issue path left out, to tell what each costs.

    ANTRE_BENCH_LEAVE_OUT=estimate,events .venv/bin/python bench/server_bench.py \\
        --entry-module bench.ladder_app --skip-calls

Never for a hall: each part left out is a promise the issue path keeps. ``estimate``:
the ticket's people ahead and wait are not worked out (the answer says 0 ahead, 0
minutes); ``events``: no push event is numbered or sent (no ``ticket.issued``, no line
figures); ``log``: no event log row; ``area``: the answer does not say where to wait;
``idempotency``: the ``Idempotency-Key`` is ignored
(no look-up, no stored key: a retried kiosk would get a second ticket); ``command``: the
whole command is skipped and a fixed answer returned after the kiosk was authenticated
and the body checked (what the framework alone costs); ``driver``, ``driver-session``
and ``driver-ctx``: the command replaced by the issue's own statements sent straight to
the sqlite3 driver (``bench/driver_rung.py``; the ladder's ``--driver`` rungs).
``bench/promise_ladder.py`` runs them in turn against the reference server
(docs/benchmarks.md, the sixth and seventh passes).

It takes ``server.entry``'s command line and patches the async mode the same way
before anything else is imported, then replaces the named functions of the issue path
in this process only.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from server.entry import async_mode_for, prepare_async_mode  # noqa: E402

FIXED_ANSWER = {"ticket": {"id": 1, "number": "A-001"}, "people_ahead": 0}


def _no_estimate(ctx: Any, ticket: Any) -> Any:
    from server.domain.estimates import TicketEstimate

    return TicketEstimate(0, 0, 1)


def _nothing(*args: Any, **kwargs: Any) -> None:
    return None


def _fixed(actor: Any, command: Any, **kwargs: Any) -> tuple[dict[str, Any], bool]:
    return dict(FIXED_ANSWER), False


# Each part: the (module, name, stand-in) it replaces, where the issue path looks the
# name up (the modules' own imports).
# A stand-in named "module:function" is imported only when its part is asked for.
TARGETS: dict[str, tuple[tuple[str, str, Callable[..., Any] | str], ...]] = {
    "estimate": (("server.domain.tickets", "estimate_now", _no_estimate),),
    "events": (
        ("server.domain.announce", "ticket_issued", _nothing),
        ("server.domain.announce", "line_changed", _nothing),
    ),
    "log": (("server.domain.tickets", "record", _nothing),),
    "area": (("server.api.tickets", "area_now", _nothing),),
    "idempotency": (("server.api.tickets", "_idempotency_key", _nothing),),
    "command": (("server.api.tickets", "run_command", _fixed),),
    # The statements on the driver (bench/driver_rung.py), in three settings.
    "driver": (("server.api.tickets", "run_command", "bench.driver_rung:on_own_connection"),),
    "driver-session": (("server.api.tickets", "run_command", "bench.driver_rung:in_session"),),
    "driver-ctx": (("server.api.tickets", "run_command", "bench.driver_rung:in_context"),),
}
PARTS = tuple(TARGETS)


def leave_out(parts: set[str]) -> None:
    """Replace the issue path's functions for ``parts`` (names from ``PARTS``); a name
    that is no longer there stops the bench rather than measure nothing."""
    unknown = parts - set(PARTS)
    if unknown:
        raise SystemExit(f"ANTRE_BENCH_LEAVE_OUT: unknown parts {sorted(unknown)}; {PARTS}")
    for part in sorted(parts):
        for module_name, name, stand_in in TARGETS[part]:
            module = importlib.import_module(module_name)
            if not callable(getattr(module, name, None)):
                raise SystemExit(f"{part}: {module_name}.{name} is gone; update the ladder")
            if isinstance(stand_in, str):
                where, _, function = stand_in.partition(":")
                stand_in = getattr(importlib.import_module(where), function)
            setattr(module, name, stand_in)


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    prepare_async_mode(async_mode_for(argv, os.environ))
    wanted = os.environ.get("ANTRE_BENCH_LEAVE_OUT", "")
    leave_out({part.strip() for part in wanted.split(",") if part.strip()})
    from server.cli import cli

    cli.main(args=argv, prog_name="antre-server")


if __name__ == "__main__":
    main()
