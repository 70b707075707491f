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
from shared.api_client import ApiError


class SimulationStopped(Exception):
    """The server refused what the simulation needs before or while playing (a login, the
    hall's configuration, the reports): the message says what and why."""


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
    """Play the day and return its summary; also written to ``request.out`` as JSON.

    Raises SimulationStopped when the server refuses a login, the configuration or the
    reports, and ValueError when there is nothing to play."""
    try:
        hall = discover(request.run.url, request.credentials, request.agencies)
        plan = plan_day(hall.shape, request.plan)
        say(
            f"Playing {len(plan.visits)} visitors over {len(hall.shape.services)} services "
            f"and {len(hall.shape.counters)} counters at {request.run.speed:g}x "
            f"(plan {plan.fingerprint()})"
        )
        summary = Simulation(hall, plan, request.credentials, request.run, say).run()
    except ApiError as exc:
        raise SimulationStopped(f"{exc.code}: {exc.message}") from None
    if request.out is not None:
        request.out.parent.mkdir(parents=True, exist_ok=True)
        request.out.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return summary
