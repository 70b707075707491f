"""What the booking API and the visitor's booking pages show: the services that take
bookings, a service's days and slots, and a booking as its code shows it.

One builder for both adapters, so the page and an app reading ``/api/v1`` never differ
on what is left in a slot or what a booking's status page may reveal (no name, phone or
NIK: the code alone opens it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from server.models import Agency, Booking, BookingSettings, Service
from shared import wire
from shared.booking_code import shown
from shared.opening_hours import clock_text

from .areas import service_area
from .booking_rules import BookingRules
from .bookings import DayOffer, Made, _check_secret, find, offer, rules_of
from .context import Ctx
from .errors import not_found
from .payloads import agency_brief, iso, service_payload
from .tickets import load_service


def bookable_services(ctx: Ctx, agency_id: int | None = None) -> list[Service]:
    """Active services of active agencies with bookings on, in the hall's order."""
    query = (
        select(Service)
        .join(BookingSettings, BookingSettings.service_id == Service.id)
        .join(Agency, Agency.id == Service.agency_id)
        .where(BookingSettings.enabled.is_(True), Service.active, Agency.active)
        .order_by(Agency.position, Agency.id, Service.position, Service.id)
    )
    if agency_id is not None:
        query = query.where(Service.agency_id == agency_id)
    return list(ctx.session.scalars(query))


def bookable_service(ctx: Ctx, service_id: int) -> tuple[Service, BookingRules]:
    """A service that takes bookings; the same ``not_found`` for one that does not."""
    service = load_service(ctx.session, service_id)
    rules, _bands = rules_of(ctx.session, service.id)
    if not (rules.enabled and service.active and service.agency.active):
        raise not_found("service")
    return service, rules


def service_view(service: Service, rules: BookingRules) -> wire.BookableService:
    return {
        "id": service.id,
        "code": service.code,
        "name": service.name,
        "agency": agency_brief(service.agency),
        "standard": service_payload(service)["standard"],
        "nik_required": rules.nik_required,
        "days_ahead": rules.days_ahead,
        "slot_minutes": rules.slot_minutes,
    }


def services_view(ctx: Ctx) -> wire.BookableServices:
    return {
        "services": [
            service_view(service, rules_of(ctx.session, service.id)[0])
            for service in bookable_services(ctx)
        ]
    }


def day_view(ctx: Ctx, day: DayOffer) -> wire.BookingDay:
    return {
        "date": day.day.isoformat(),
        "status": day.status,  # type: ignore[typeddict-item]  # DayOffer's documented values
        "slots": [
            {
                "start": iso(o.slot.start.astimezone(dt.UTC)),
                "end": iso(o.slot.end.astimezone(dt.UTC)),
                "time": clock_text(o.slot.start.astimezone(ctx.tz).time()),
                "left": o.left,
                "open": o.open,
            }
            for o in day.slots
        ],
    }


def days_view(ctx: Ctx, service_id: int) -> wire.BookingDays:
    """Every day from today to the service's last bookable day, each with its slots."""
    service, rules = bookable_service(ctx, service_id)
    days = [ctx.today + dt.timedelta(days=n) for n in range(rules.days_ahead + 1)]
    return {
        "service": service_view(service, rules),
        "timezone": ctx.settings.timezone,
        "days": [day_view(ctx, offer(ctx, service, day)) for day in days],
    }


def public_booking(ctx: Ctx, booking: Booking) -> wire.PublicBooking:
    """The booking as its code shows it to anyone holding the code: no personal data;
    the reason only when the hall cancelled it (a closure, or staff)."""
    service = booking.service
    start = booking.slot_start
    by = booking.cancelled_by if booking.cancelled_by in ("visitor", "staff", "closure") else None
    area = service_area(ctx.session, service.id)
    return {
        "code": shown(booking.code),
        "state": booking.state.value,
        "service": {"id": service.id, "code": service.code, "name": service.name},
        "agency": agency_brief(service.agency),
        "date": booking.service_date.isoformat(),
        "slot_start": iso(start),
        "slot_end": iso(start + dt.timedelta(minutes=booking.slot_minutes)),
        "area": area.to_dict() if area is not None else None,
        "requirements": list(service.requirements or []),
        "late": booking.late,
        "cancelled_by": by,  # type: ignore[typeddict-item]  # narrowed just above
        "cancel_reason": booking.cancel_reason if by in ("staff", "closure") else None,
    }


def status_path(code: str) -> str:
    return f"/b/{code}"


def manage_path(code: str, secret: str) -> str:
    return f"/b/{code}/manage?s={secret}"


def made_view(ctx: Ctx, made: Made) -> wire.BookingMade:
    code = made.booking.code
    return {
        "booking": public_booking(ctx, made.booking),
        "manage_secret": made.manage_secret,
        "status_path": status_path(code),
        "manage_path": manage_path(code, made.manage_secret),
    }


def managed(ctx: Ctx, code: str, secret: str) -> Booking:
    """The booking its manage link opens; a wrong secret is ``not_found``, as an unknown
    code (the domain's own check, which cancel and reschedule repeat)."""
    booking = find(ctx.session, code)
    _check_secret(booking, secret)
    return booking
