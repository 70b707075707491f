"""The simulation's own count of the day, and its comparison with ``GET /api/v1/reports``.

The tally follows the reports' definitions (docs/design.md#report-figures) from what the
simulation itself did and saw: a waiting period starts at the issue (or the transfer into
a line) and ends served, no-show, transferred or cancelled; its wait is its last call
minus its start; a service time is finish minus start. Times are real seconds as the
simulation's clock measured them (the midpoint of each command's round trip), so they can
differ from the server's stamps by half a round trip: ``TIME_TOLERANCE``.

The report covers the whole service date, so the comparison takes the report before the
run as a baseline and compares the difference: a demo that ran earlier the same day does
not count.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

COUNTS = ("issued", "served", "no_show", "cancelled", "transferred", "expired")
# Real seconds: two round trips' worth of slack on an average of client-side times.
TIME_TOLERANCE = 1.0


@dataclass
class LineTally:
    """One service's figures as the simulation counted them."""

    issued: int = 0
    served: int = 0
    no_show: int = 0
    cancelled: int = 0
    transferred: int = 0
    expired: int = 0
    waits: list[float] = field(default_factory=list)
    service_times: list[float] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in COUNTS},
            "calls": len(self.waits),
            "avg_wait": _mean(self.waits),
            "avg_service": _mean(self.service_times),
        }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


class DayTally:
    """Per service: what the simulation did, from any thread."""

    def __init__(self) -> None:
        self._lines: dict[int, LineTally] = defaultdict(LineTally)
        self._lock = threading.Lock()

    def count(self, service_id: int, what: str) -> None:
        with self._lock:
            line = self._lines[service_id]
            setattr(line, what, getattr(line, what) + 1)

    def waited(self, service_id: int, seconds: float) -> None:
        with self._lock:
            self._lines[service_id].waits.append(seconds)

    def served_for(self, service_id: int, seconds: float) -> None:
        with self._lock:
            line = self._lines[service_id]
            line.served += 1
            line.service_times.append(seconds)

    def lines(self) -> dict[int, dict[str, Any]]:
        with self._lock:
            return {sid: line.as_dict() for sid, line in sorted(self._lines.items())}

    def total(self, what: str) -> int:
        with self._lock:
            return sum(getattr(line, what) for line in self._lines.values())


@dataclass(frozen=True)
class Difference:
    """One figure where the report and the simulation disagree."""

    service_id: int
    figure: str
    report: float | int | None
    simulation: float | int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "service_id": self.service_id,
            "figure": self.figure,
            "report": self.report,
            "simulation": self.simulation,
        }


def report_lines(report: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """A ``group=service`` report's figures by service id."""
    return {int(row["id"]): row["figures"] for row in report["rows"] if row.get("id") is not None}


def _sum(figures: dict[str, Any] | None, average: str, count: str) -> tuple[float, int]:
    if not figures or figures.get(average) is None:
        return 0.0, int(figures.get(count, 0)) if figures else 0
    return float(figures[average]) * int(figures[count]), int(figures[count])


def report_delta(
    before: dict[int, dict[str, Any]], after: dict[int, dict[str, Any]]
) -> dict[int, dict[str, Any]]:
    """What the day added between two reports: counts subtracted, averages recomputed
    from the sums (an average times its count is the sum it came from)."""
    delta = {}
    for sid, now in after.items():
        then = before.get(sid, {})
        line: dict[str, Any] = {name: int(now[name]) - int(then.get(name, 0)) for name in COUNTS}
        for average, count in (("avg_wait", "calls"), ("avg_service", "served")):
            total1, n1 = _sum(now, average, count)
            total0, n0 = _sum(then, average, count)
            line[average] = (total1 - total0) / (n1 - n0) if n1 > n0 else None
        line["calls"] = int(now["calls"]) - int(then.get("calls", 0))
        delta[sid] = line
    return delta


def compare(
    tally: dict[int, dict[str, Any]], reported: dict[int, dict[str, Any]]
) -> list[Difference]:
    """Every figure that differs: counts exactly, average times beyond the tolerance."""
    differences = []
    for sid in sorted(set(tally) | set(reported)):
        ours, theirs = tally.get(sid, {}), reported.get(sid, {})
        for name in (*COUNTS, "calls"):
            if int(ours.get(name, 0)) != int(theirs.get(name, 0)):
                differences.append(Difference(sid, name, theirs.get(name, 0), ours.get(name, 0)))
        for name in ("avg_wait", "avg_service"):
            mine, report = ours.get(name), theirs.get(name)
            if (mine is None) != (report is None) or (
                mine is not None and report is not None and abs(mine - report) > TIME_TOLERANCE
            ):
                differences.append(Difference(sid, name, report, mine))
    return differences
