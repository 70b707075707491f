"""Antre's server with chosen parts of the issue path left out, to tell what each costs.

    ANTRE_BENCH_LEAVE_OUT=estimate,events .venv/bin/python bench/server_bench.py \\
        --entry-module bench.ladder_app --skip-calls

Never for a hall: each part left out is a promise the issue path keeps. ``estimate``:
the ticket's people ahead and wait are not worked out (the answer says 0 ahead, 0
minutes); ``events``: no push event is numbered or sent (no ``ticket.issued``, no line
figures); ``log``: no event log row; ``idempotency``: the ``Idempotency-Key`` is ignored
(no look-up, no stored key: a retried kiosk would get a second ticket); ``command``: the
whole command is skipped and a fixed answer returned after the kiosk was authenticated
and the body checked (what the framework alone costs). ``bench/promise_ladder.py`` runs
them in turn against the reference server (docs/benchmarks.md, the sixth pass).

It takes ``server.entry``'s command line and patches the async mode the same way
before anything else is imported, then replaces the named functions of the issue path
in this process only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from server.entry import async_mode_for, prepare_async_mode  # noqa: E402

PARTS = ("estimate", "events", "log", "idempotency", "command")
FIXED_ANSWER = {"ticket": {"id": 1, "number": "A-001"}, "people_ahead": 0}


def leave_out(parts: set[str]) -> None:
    """Replace the issue path's functions for ``parts`` (names from ``PARTS``)."""
    unknown = parts - set(PARTS)
    if unknown:
        raise SystemExit(f"ANTRE_BENCH_LEAVE_OUT: unknown parts {sorted(unknown)}; {PARTS}")
    import server.api.tickets as api
    import server.domain.announce as announce
    import server.domain.tickets as tickets
    from server.domain.estimates import TicketEstimate

    def no_estimate(ctx: Any, ticket: Any) -> TicketEstimate:
        return TicketEstimate(0, 0, 1)

    def nothing(*args: Any, **kwargs: Any) -> None:
        return None

    def fixed(actor: Any, command: Any, **kwargs: Any) -> tuple[dict[str, Any], bool]:
        return dict(FIXED_ANSWER), False

    # setattr: the names are the modules' own imports, replaced where the issue path
    # looks them up.
    if "estimate" in parts:
        setattr(tickets, "estimate_now", no_estimate)  # noqa: B010
    if "events" in parts:
        setattr(announce, "ticket_issued", nothing)  # noqa: B010
        setattr(announce, "line_changed", nothing)  # noqa: B010
    if "log" in parts:
        setattr(tickets, "record", nothing)  # noqa: B010
    if "idempotency" in parts:
        setattr(api, "_idempotency_key", nothing)  # noqa: B010
    if "command" in parts:
        setattr(api, "run_command", fixed)  # noqa: B010


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    prepare_async_mode(async_mode_for(argv, os.environ))
    wanted = os.environ.get("ANTRE_BENCH_LEAVE_OUT", "")
    leave_out({part.strip() for part in wanted.split(",") if part.strip()})
    from server.cli import cli

    cli.main(args=argv, prog_name="antre-server")


if __name__ == "__main__":
    main()
