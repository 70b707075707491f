"""What ``antre-server simulate`` does, without click: read the hall, plan the day, play
it, write the JSON. Tests call ``simulate_day`` directly against their own server."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from server.simulation.hall import Credentials, discover
from server.simulation.plan import DayPlan, PlanOptions, plan_day
from server.simulation.runner import RunOptions, Say, Simulation


@dataclass(frozen=True)
class DayRequest:
    """Everything one run needs."""

    run: RunOptions
    plan: PlanOptions
    credentials: Credentials
    agencies: list[str] | None = None
    out: Path | None = None


def planned_day(request: DayRequest) -> DayPlan:
    """The plan the request would play (the hall read from its server)."""
    hall = discover(request.run.url, request.credentials, request.agencies)
    return plan_day(hall.shape, request.plan)


def simulate_day(request: DayRequest, say: Say = print) -> dict[str, Any]:
    """Play the day and return its summary; also written to ``request.out`` as JSON."""
    hall = discover(request.run.url, request.credentials, request.agencies)
    plan = plan_day(hall.shape, request.plan)
    say(
        f"Playing {len(plan.visits)} visitors over {len(hall.shape.services)} services and "
        f"{len(hall.shape.counters)} counters at {request.run.speed:g}x (plan {plan.fingerprint()})"
    )
    summary = Simulation(hall, plan, request.credentials, request.run, say).run()
    if request.out is not None:
        request.out.parent.mkdir(parents=True, exist_ok=True)
        request.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary
