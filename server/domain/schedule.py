"""Opening hours per weekday, holidays, special openings and daily quotas: whether a
service takes tickets now.

The opening-hours rule itself (what a holiday or a *buka khusus* does to a day) is
``shared.opening_hours``, which the kiosk follows too; this module applies it to a
service with what the catalog cache holds, and words the refusal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from server.models import Booking, BookingState, Service, Ticket
from shared.errors import ErrorCode
from shared.opening_hours import (
    WEEKDAYS,
    clock_text,
    open_within,
    parse_clock,
)

from .context import Ctx
from .errors import DomainError

__all__ = ["WEEKDAYS", "check_hours", "ensure_open", "ensure_quota", "remaining_quota"]


def check_span(span: Any) -> list[str] | None:
    """``["07.30", "16:00"]`` as the stored ``["07:30", "16:00"]``, or None when it is not
    two times of day with the opening first."""
    if not isinstance(span, list) or len(span) != 2 or not all(isinstance(t, str) for t in span):
        return None
    try:
        opens, closes = parse_clock(span[0]), parse_clock(span[1])
    except ValueError:
        return None
    if opens >= closes:
        return None
    return [clock_text(opens), clock_text(closes)]


def check_hours(hours: Any) -> dict[str, list[str]]:
    """Validate an opening-hours table ``{"mon": ["07:30", "16:00"], ...}`` (times also as
    ``07.30``); returned with every time in the stored form, ``07:30``."""
    if not isinstance(hours, dict):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "hours must be an object", field="hours")
    out: dict[str, list[str]] = {}
    for day, span in hours.items():
        if day not in WEEKDAYS:
            raise DomainError(
                ErrorCode.VALIDATION_ERROR, f"hours: unknown weekday {day!r}", field="hours"
            )
        clean = check_span(span)
        if clean is None:
            raise DomainError(
                ErrorCode.VALIDATION_ERROR,
                f'hours.{day} must be ["HH:MM", "HH:MM"] with opening before closing',
                field="hours",
            )
        out[day] = clean
    return out


def ensure_open(ctx: Ctx, service: Service) -> None:
    """Raise ``service_closed`` unless ``service`` takes tickets now (site time): its
    weekday hours, closed on a holiday, opened by a special opening of its scope."""
    if not service.active or not service.agency.active:
        raise DomainError(ErrorCode.SERVICE_CLOSED, "this service is not offered")
    session, local_now = ctx.session, ctx.local_now
    day, now = local_now.date(), local_now.time().replace(tzinfo=None)
    spans = ctx.catalog.open_spans(session, service, day)
    if open_within(spans, now):
        return
    if not spans:
        if ctx.catalog.is_holiday(session, day):
            raise DomainError(ErrorCode.SERVICE_CLOSED, "the hall is closed today (holiday)")
        raise DomainError(ErrorCode.SERVICE_CLOSED, "this service is closed today")
    # The span still to come today, else the day's last: what the visitor is told.
    opens, closes = next((s for s in spans if s[0] > now), spans[-1])
    opens_text, closes_text = clock_text(opens), clock_text(closes)
    raise DomainError(
        ErrorCode.SERVICE_CLOSED,
        f"this service takes tickets from {opens_text} to {closes_text}",
        opens=opens_text,
        closes=closes_text,
    )


def _used(session: Session, service_id: int, day: dt.date) -> int:
    """Places of the day's quota in use: tickets issued, and bookings of the day not checked
    in yet (their place is kept for them; docs/booking.md#quota)."""
    return int(session.execute(_USED, {"service_id": service_id, "day": day}).scalar_one())


def ensure_quota(session: Session, service: Service, day: dt.date) -> None:
    """Raise ``quota_exhausted`` when the day's quota is used up.

    Called while the series lock row is held (bookings take it too), so two kiosks, or a
    kiosk and a booking, cannot both take the last place.
    """
    if service.daily_quota is None:
        return
    if _used(session, service.id, day) >= service.daily_quota:
        raise DomainError(
            ErrorCode.QUOTA_EXHAUSTED,
            f"today's quota of {service.daily_quota} tickets is used up",
            quota=service.daily_quota,
        )


def remaining_quota(session: Session, service: Service, day: dt.date) -> int | None:
    if service.daily_quota is None:
        return None
    return max(0, service.daily_quota - _used(session, service.id, day))


# Built once, as the issue path's other statements.
_USED = select(
    select(func.count())
    .where(
        Ticket.origin_service_id == bindparam("service_id"),
        Ticket.service_date == bindparam("day"),
    )
    .scalar_subquery()
    + select(func.count())
    .where(
        Booking.service_id == bindparam("service_id"),
        Booking.service_date == bindparam("day"),
        Booking.state == BookingState.BOOKED,
    )
    .scalar_subquery()
)
