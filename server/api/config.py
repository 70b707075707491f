"""The hall's configuration for clients, and the site settings."""

from __future__ import annotations

from flask import Response, jsonify
from sqlalchemy import select

from server.api import bp
from server.api.validation import read_json
from server.commands import run_command, run_query
from server.domain import access, announce
from server.domain.areas import WaitingArea
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.domain.payloads import agency_payload, counter_payload, service_payload, zone_payload
from server.domain.schedule import remaining_quota
from server.domain.settings import update_settings
from server.models import Agency, BookingSettings, Counter, Holiday, Service, SpecialOpening, Zone
from server.principal import current_principal
from shared import wire
from shared.errors import ErrorCode


def config_payload(ctx: Ctx) -> wire.Config:
    session = ctx.session
    services = session.scalars(select(Service).order_by(Service.agency_id, Service.position)).all()
    # The kiosk offers "Sudah booking?" only where some service takes bookings.
    booking = set(
        session.scalars(select(BookingSettings.service_id).where(BookingSettings.enabled.is_(True)))
    )
    return {
        "site": {
            "name": ctx.settings.site_name,
            "short_name": ctx.settings.site_short_name,
            "timezone": ctx.settings.timezone,
            "today": ctx.today.isoformat(),
            "server_time": ctx.now.isoformat(),
        },
        "settings": ctx.settings.to_dict(),
        "zones": [zone_payload(z) for z in session.scalars(select(Zone).order_by(Zone.id))],
        "agencies": [
            agency_payload(a) for a in session.scalars(select(Agency).order_by(Agency.position))
        ],
        "services": [
            {
                **service_payload(s),
                "remaining_quota": remaining_quota(session, s, ctx.today),
                "area": _area(ctx.catalog.area_of_service(session, s.id)),
                "booking_enabled": s.id in booking,
            }
            for s in services
        ],
        "counters": [
            counter_payload(c)
            for c in session.scalars(
                select(Counter).where(Counter.active.is_(True)).order_by(Counter.position)
            )
        ],
        "holidays": [
            {"date": h.date.isoformat(), "name": h.name}
            for h in session.scalars(select(Holiday).order_by(Holiday.date))
        ],
        "special_openings": special_openings_payload(ctx),
    }


def _area(area: WaitingArea | None) -> wire.WaitingArea | None:
    """Where the service's visitors wait; null: no counter serves it (the kiosk refuses
    it: ``service_unstaffed``)."""
    return area.to_dict() if area is not None else None


def special_openings_payload(ctx: Ctx) -> list[wire.SpecialOpening]:
    """The special openings (*buka khusus*) from today on: past ones decide nothing."""
    rows = ctx.session.scalars(
        select(SpecialOpening)
        .where(SpecialOpening.date >= ctx.today)
        .order_by(SpecialOpening.date, SpecialOpening.agency_id.is_not(None), SpecialOpening.id)
    )
    return [
        {
            "date": row.date.isoformat(),
            "opens": row.opens,
            "closes": row.closes,
            "agency_id": row.agency_id,
            "name": row.name,
        }
        for row in rows
    ]


@bp.get("/config")
def get_config() -> Response:
    current_principal()
    return jsonify(run_query(config_payload))


@bp.get("/settings")
def get_settings() -> Response:
    access.require_staff(current_principal())
    return jsonify(run_query(lambda ctx: ctx.settings.to_dict()))


@bp.patch("/settings")
def patch_settings() -> Response:
    """Change site settings (admin): validated all together, pushed as ``config.updated``."""
    who = current_principal()
    access.require_admin(who)
    body = read_json()
    if not isinstance(body, dict) or not body:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "send an object of settings to change")

    def command(ctx: Ctx) -> wire.Settings:
        settings = update_settings(ctx.session, body)
        announce.config_changed(ctx, "settings")
        return settings.to_dict()

    return jsonify(run_command(who.actor, command))
