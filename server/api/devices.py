"""Devices report their health (printer state) so staff can see a kiosk in trouble."""

from __future__ import annotations

from typing import cast

from flask import Response, jsonify

from server.api import bp
from server.api.validation import Field, json_body
from server.commands import run_command
from server.domain import access
from server.domain.devices import record_health
from server.principal import current_principal
from shared import printer_health, wire

HEALTH_SCHEMA = {
    "printer": Field(
        "string",
        choices=tuple(s.value for s in printer_health.PrinterState),
        description="the printer's state as the kiosk last saw it",
    ),
    "message": Field("string", max_length=300, nullable=True),
    "version": Field("string", max_length=40),
}


@bp.post("/devices/me/health")
def report_health() -> Response:
    who = current_principal()
    if who.kind != "device":
        raise access.forbidden("only devices report their health")
    body = json_body(HEALTH_SCHEMA)
    health = run_command(who.actor, lambda ctx: record_health(ctx, who, body))
    # Every stored report passed HEALTH_SCHEMA, and the server adds reported_at.
    answer: wire.DeviceHealth = {"health": cast("wire.DeviceHealthReport", health)}
    return jsonify(answer)
