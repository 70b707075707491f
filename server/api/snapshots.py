"""Snapshot endpoints: the state of a room plus its ``seq``, for (re)synchronising clients."""

from __future__ import annotations

from flask import Response, jsonify
from sqlalchemy import select

from server.api import bp
from server.commands import run_query
from server.domain import access
from server.domain.context import Ctx
from server.domain.errors import not_found
from server.domain.snapshots import agency_snapshot, hall_snapshot, zone_snapshot
from server.models import Agency
from server.principal import current_principal
from shared import wire


@bp.get("/displays/<string:zone_code>/snapshot")
def display_snapshot(zone_code: str) -> Response:
    who = current_principal()

    def query(ctx: Ctx) -> wire.ZoneSnapshot:
        access.require_zone_reader(ctx.session, who, zone_code)
        return zone_snapshot(ctx, zone_code)

    return jsonify(run_query(query))


@bp.get("/agencies/<string:agency_code>/snapshot")
def agency_room_snapshot(agency_code: str) -> Response:
    who = current_principal()
    if not access.can_read_agency(who, agency_code):
        raise access.forbidden("this belongs to another agency")

    def query(ctx: Ctx) -> wire.AgencySnapshot:
        agency = ctx.session.scalar(select(Agency).where(Agency.code == agency_code))
        if agency is None:
            raise not_found("agency")
        return agency_snapshot(ctx, agency)

    return jsonify(run_query(query))


@bp.get("/hall/snapshot")
def hall_room_snapshot() -> Response:
    who = current_principal()
    if not access.can_read_hall(who):
        raise access.forbidden("only kiosks and admins see the whole hall")
    return jsonify(run_query(hall_snapshot))
