"""Devices report their health (printer state) so staff can see a kiosk in trouble."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify

from server.api import bp
from server.api.commands import run_command
from server.api.principal import current_principal
from server.api.validation import Field, json_body
from server.domain import access
from server.domain.context import Ctx
from server.models import Device

HEALTH_SCHEMA = {
    "printer": Field(
        "string",
        choices=("ok", "offline", "paper_out", "paper_low", "cover_open", "error", "none"),
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

    def command(ctx: Ctx) -> dict[str, Any]:
        device = ctx.session.get(Device, who.id)
        assert device is not None
        device.health = {**(device.health or {}), **body, "reported_at": ctx.now.isoformat()}
        device.last_seen_at = ctx.now
        return {"health": device.health}

    return jsonify(run_command(who.actor, command))
