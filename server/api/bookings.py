"""The booking API for other apps (a regency portal, the national MPP app): list what
can be booked, book, read a booking by its code, cancel or move it with the link's
secret, find a lost code. Thin over ``server.domain.bookings``; the visitor's own pages
(``server/web/booking_pages.py``) call the domain directly, with the same rules.

Every call is authenticated, as the rest of the API: a partner app is registered as a
device of kind ``portal`` (``antre-server add-device NAME --kind portal``); staff and
the hall's kiosks and counter terminals may call it too (a display board may not). Each
address is also rate-limited (``server/public_limit.py``). A booking's code is read
forgivingly, and an unknown code, a malformed one and a wrong secret are all the same
``not_found``.
"""

from __future__ import annotations

import datetime as dt

from flask import Response, jsonify

from server import public_limit
from server.api import bp
from server.api.validation import Field, invalid, json_body
from server.commands import run_command, run_query
from server.domain import booking_views, bookings
from server.domain.access import Principal, forbidden
from server.domain.context import Ctx
from server.domain.errors import not_found
from server.principal import current_principal
from server.state import app_state
from shared import wire
from shared.booking_code import read_code
from shared.states import DeviceKind

CODE_MAX = 300  # as the check-in reads it: a scanned status link at most
SECRET_MAX = 64

BOOK_SCHEMA = {
    "service_id": Field("integer", required=True, minimum=1),
    "slot_start": Field(
        "datetime",
        required=True,
        description="a slot's start as GET .../days lists it (any offset)",
    ),
    "name": Field("string", required=True, min_length=1, max_length=bookings.NAME_MAX),
    "phone": Field(
        "string",
        required=True,
        max_length=24,
        description="an Indonesian mobile number, e.g. 0812 3456 7890 or +62812...",
    ),
    "nik": Field(
        "string",
        nullable=True,
        max_length=16,
        description="16 digits; required by services with nik_required, ignored by others",
    ),
    "language": Field("string", choices=("id", "en"), description="the visitor's language"),
}
SECRET_FIELD = Field(
    "string",
    required=True,
    min_length=1,
    max_length=SECRET_MAX,
    description="the manage_secret given when the booking was made",
)
CANCEL_SCHEMA = {"secret": SECRET_FIELD}
RESCHEDULE_SCHEMA = {
    "secret": SECRET_FIELD,
    "slot_start": Field("datetime", required=True, description="the new slot's start"),
}
LOOKUP_SCHEMA = {
    "date": Field("string", required=True, max_length=10, description="YYYY-MM-DD"),
    "phone": Field("string", nullable=True, max_length=24),
    "nik_last4": Field("string", nullable=True, max_length=4),
    "service_id": Field("integer", nullable=True, minimum=1, description="required with nik_last4"),
}


def may_use_booking_api(who: Principal) -> bool:
    """A partner app, staff, or the hall's own kiosks and counter terminals."""
    if who.kind == "user":
        return True
    return who.device_kind in (DeviceKind.PORTAL, DeviceKind.KIOSK, DeviceKind.COUNTER)


def _caller() -> Principal:
    who = current_principal()
    if not may_use_booking_api(who):
        raise forbidden("bookings are made by partner apps, staff, kiosks and counter PCs")
    public_limit.check("api")
    return who


def _code(text: str) -> str:
    code = read_code(text) if len(text) <= CODE_MAX else None
    if code is None:
        raise not_found("booking")
    return code


@bp.get("/booking/services")
def bookable_services() -> Response:
    _caller()
    return jsonify(run_query(booking_views.services_view))


@bp.get("/booking/services/<int:service_id>/days")
def booking_days(service_id: int) -> Response:
    _caller()
    return jsonify(run_query(lambda ctx: booking_views.days_view(ctx, service_id)))


@bp.post("/bookings")
def book() -> tuple[Response, int]:
    who = _caller()
    body = json_body(BOOK_SCHEMA)
    booking_request = bookings.BookingRequest(
        service_id=body["service_id"],
        slot_start=body["slot_start"],
        name=body["name"],
        phone=body["phone"],
        nik=body.get("nik"),
        language=body.get("language") or "id",
        source="api",
    )
    key = app_state().personal_data_key

    def command(ctx: Ctx) -> wire.BookingMade:
        booking_views.bookable_service(ctx, booking_request.service_id)
        return booking_views.made_view(ctx, bookings.book(ctx, booking_request, key))

    return jsonify(run_command(who.actor, command)), 201


@bp.get("/bookings/<string:code>")
def read_booking(code: str) -> Response:
    _caller()
    found = _code(code)
    return jsonify(
        run_query(lambda ctx: booking_views.public_booking(ctx, bookings.find(ctx.session, found)))
    )


@bp.post("/bookings/<string:code>/cancel")
def cancel_booking(code: str) -> Response:
    who = _caller()
    found = _code(code)
    secret = json_body(CANCEL_SCHEMA)["secret"]

    def command(ctx: Ctx) -> wire.BookingChanged:
        booking = bookings.cancel_by_visitor(ctx, found, secret)
        return {"booking": booking_views.public_booking(ctx, booking)}

    return jsonify(run_command(who.actor, command))


@bp.post("/bookings/<string:code>/reschedule")
def reschedule_booking(code: str) -> Response:
    who = _caller()
    found = _code(code)
    body = json_body(RESCHEDULE_SCHEMA)
    key = app_state().personal_data_key

    def command(ctx: Ctx) -> wire.BookingChanged:
        booking = bookings.reschedule(ctx, found, body["secret"], body["slot_start"], key)
        return {"booking": booking_views.public_booking(ctx, booking)}

    return jsonify(run_command(who.actor, command))


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise invalid("date", "a date, YYYY-MM-DD") from None


@bp.post("/booking/lookup")
def lookup_bookings() -> Response:
    """A lost code: by the phone number and the date, or by the NIK's last four digits,
    the date and the service. A POST, so the phone number is never in a URL or a log."""
    _caller()
    body = json_body(LOOKUP_SCHEMA)
    day = _date(body["date"])
    key = app_state().personal_data_key

    def query(ctx: Ctx) -> wire.BookingsFound:
        found = bookings.lookup(
            ctx,
            key,
            day,
            phone=body.get("phone"),
            nik_last4=body.get("nik_last4"),
            service_id=body.get("service_id"),
        )
        return {"bookings": [booking_views.public_booking(ctx, b) for b in found]}

    return jsonify(run_query(query))


__all__ = ["BOOK_SCHEMA", "CANCEL_SCHEMA", "LOOKUP_SCHEMA", "RESCHEDULE_SCHEMA"]
