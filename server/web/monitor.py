"""The live hall monitor: the page, and the JSON it redraws from.

The page listens on the socket room its user already joins (an admin the hall, a
supervisor their agency) and reloads ``data.json`` on any event there; it also reloads
every 20 seconds, because waiting times grow while nothing happens.
"""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify, render_template

from server.commands import run_query
from server.domain.errors import DomainError
from server.domain.monitor import hall_monitor
from server.models import Role
from server.web import bp
from server.web.console_auth import console_user, staff_page
from shared.errors import ErrorCode

REFRESH_SECONDS = 20


def _agency_limit() -> int | None:
    """None for an admin (the whole hall); a supervisor's own agency otherwise."""
    who = g.antre_user
    return None if who.role == Role.ADMIN else who.agency_id


def _json_user() -> None:
    """The page's fetch gets a JSON 401 (not the login form) once the session ends."""
    who = console_user()
    if who is None:
        raise DomainError(ErrorCode.UNAUTHENTICATED, "log in again")
    g.antre_user = who


@bp.get("/monitor")
@staff_page()
def monitor() -> Any:
    data = run_query(lambda ctx: hall_monitor(ctx, _agency_limit()))
    return render_template("monitor/monitor.html", data=data, refresh_seconds=REFRESH_SECONDS)


@bp.get("/monitor/data.json")
def monitor_data() -> Response:
    _json_user()
    response = jsonify(run_query(lambda ctx: hall_monitor(ctx, _agency_limit())))
    response.headers["Cache-Control"] = "no-store"
    return response
