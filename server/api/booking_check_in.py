"""Checking a booking in at the hall: the kiosk (keypad or scanner) or an officer at the
counter sends the booking's code and gets its ticket (docs/booking.md#check-in).

One route for both callers, so the kiosk and the counter can never disagree on what a
code is worth: a kiosk checks in any booking of the hall (the visitor holds the code), an
officer or supervisor only their agency's, an admin any. A booking checked in before
answers 200 with the same ticket and ``already_checked_in``; the kiosk then says so and
prints nothing new.
"""

from __future__ import annotations

from flask import Response, jsonify

from server.api import bp
from server.commands import run_command
from server.domain import access, bookings
from server.domain.areas import area_now
from server.domain.context import Ctx
from server.domain.payloads import iso, ticket_payload
from server.principal import current_principal
from shared import wire


@bp.post("/bookings/<string:code>/check-in")
def check_in_booking(code: str) -> tuple[Response, int]:
    who = current_principal()
    access.require_issuer(who)  # a kiosk or staff; display boards and counter PCs may not

    def command(ctx: Ctx) -> wire.CheckedIn:
        if who.kind == "user":
            booking = bookings.find(ctx.session, code, lock=True)
            access.require_agency_staff(who, booking.service.agency_id)
        done = bookings.check_in(ctx, code)
        ticket, booking = done.issued.ticket, done.booking
        area = area_now(ctx, ticket)
        return {
            "ticket": {
                **ticket_payload(ticket),
                "status_code": ticket.status_code,
                "area": area.to_dict() if area is not None else None,
            },
            **done.issued.estimate.to_dict(),
            "booking": {
                "code": booking.code,
                "slot_start": iso(booking.slot_start),
                "slot_minutes": booking.slot_minutes,
                "late": booking.late,
            },
            "already_checked_in": done.already,
        }

    view = run_command(who.actor, command)
    return jsonify(view), 200 if view["already_checked_in"] else 201
