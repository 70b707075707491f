"""How good the promised wait was: for every ticket called from its first line, the wait
the issue response promised against the wait it really had, next to the naive formula
(people ahead / open counters x the line's recent mean service time, as the simulation
observed it) computed at the same moment.

Everything here is in simulated minutes. The server's estimate is made from real service
times, which run ``speed`` times shorter, so its figure is multiplied by ``speed``; the
issue response gives it to the second (``estimated_wait_seconds``), so the scale costs
no resolution. Before a line has enough finished services the server falls back to the
service's typical minutes, which are *not* sped up: the figures are therefore given for
every ticket and, apart, for the tickets issued while their line had that history
("with_history": every line of the counters that call the ticket had that many
finished services, docs/estimate.md#measured).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from server.simulation.plan import HOUR


@dataclass(frozen=True)
class Promise:
    """One ticket's promised waits and its real one, in simulated minutes."""

    agency: str
    hour: int
    real: float
    server: float
    naive: float
    with_history: bool = True


def _figures(errors: list[tuple[float, float]]) -> dict[str, Any]:
    """(estimate, real) pairs to: median absolute error, share within 5 min and 25 %."""
    if not errors:
        return {
            "tickets": 0,
            "median_abs_error_min": None,
            "median_error_min": None,
            "within_5_min": None,
            "within_25_pct": None,
        }
    absolute = [abs(estimate - real) for estimate, real in errors]
    return {
        "tickets": len(errors),
        "median_abs_error_min": round(statistics.median(absolute), 2),
        # Signed (estimate - real): above 0, the promise was too long.
        "median_error_min": round(statistics.median(e - r for e, r in errors), 2),
        "within_5_min": round(sum(1 for a in absolute if a <= 5) / len(absolute), 3),
        "within_25_pct": round(
            sum(1 for (e, r) in errors if abs(e - r) <= 0.25 * max(r, 1e-9)) / len(errors), 3
        ),
    }


def _both(promises: list[Promise]) -> dict[str, Any]:
    return {
        "server": _figures([(p.server, p.real) for p in promises]),
        "naive": _figures([(p.naive, p.real) for p in promises]),
    }


def accuracy(promises: Iterable[Promise]) -> dict[str, Any]:
    """Overall, by agency and by hour of arrival, for the server's estimate and the
    naive one."""
    chosen = list(promises)
    by_agency: dict[str, list[Promise]] = defaultdict(list)
    by_hour: dict[int, list[Promise]] = defaultdict(list)
    for promise in chosen:
        by_agency[promise.agency].append(promise)
        by_hour[promise.hour].append(promise)
    return {
        "scale": "simulated minutes",
        "all": _both(chosen),
        "with_history": _both([p for p in chosen if p.with_history]),
        "by_agency": {code: _both(ps) for code, ps in sorted(by_agency.items())},
        "by_hour": {f"{hour:02d}": _both(ps) for hour, ps in sorted(by_hour.items())},
    }


def promise_of(
    agency: str,
    issued_sim: float,
    real_wait_seconds: float,
    promised: float,
    naive: float,
    speed: float,
    *,
    with_history: bool = True,
) -> Promise:
    """A ticket's figures on the simulated scale (see the module's note on ``speed``);
    ``promised`` in real minutes, ``naive`` in simulated ones."""
    return Promise(
        agency=agency,
        hour=int(issued_sim // HOUR) % 24,
        real=real_wait_seconds * speed / 60.0,
        server=promised * speed,
        naive=naive,
        with_history=with_history,
    )
