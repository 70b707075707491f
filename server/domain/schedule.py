"""Opening hours per weekday, holidays, and daily quotas: whether a service takes tickets now."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.models import Service, Ticket
from shared.errors import ErrorCode

from .context import Ctx
from .errors import DomainError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$")  # 24:00: open until midnight


def check_hours(hours: Any) -> dict[str, list[str]]:
    """Validate an opening-hours table ``{"mon": ["07:30", "16:00"], ...}``."""
    if not isinstance(hours, dict):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "hours must be an object", field="hours")
    out: dict[str, list[str]] = {}
    for day, span in hours.items():
        if day not in WEEKDAYS:
            raise DomainError(
                ErrorCode.VALIDATION_ERROR, f"hours: unknown weekday {day!r}", field="hours"
            )
        if (
            not isinstance(span, list)
            or len(span) != 2
            or not all(isinstance(t, str) and _HHMM.match(t) for t in span)
            or span[0] >= span[1]
        ):
            raise DomainError(
                ErrorCode.VALIDATION_ERROR,
                f'hours.{day} must be ["HH:MM", "HH:MM"] with opening before closing',
                field="hours",
            )
        out[day] = [span[0], span[1]]
    return out


def opening_span(service: Service, day: dt.date) -> tuple[dt.time, dt.time] | None:
    """The service's hours on ``day``'s weekday, or None when it does not open that weekday."""
    span = (service.hours or {}).get(WEEKDAYS[day.weekday()])
    if not span:
        return None
    return _time(span[0]), _time(span[1])


def _time(text: str) -> dt.time:
    return dt.time.max if text == "24:00" else dt.time.fromisoformat(text)


def ensure_open(ctx: Ctx, service: Service) -> None:
    """Raise ``service_closed`` unless ``service`` takes tickets now (site time)."""
    if not service.active or not service.agency.active:
        raise DomainError(ErrorCode.SERVICE_CLOSED, "this service is not offered")
    local_now = ctx.local_now
    day = local_now.date()
    if ctx.catalog.is_holiday(ctx.session, day):
        raise DomainError(ErrorCode.SERVICE_CLOSED, "the hall is closed today (holiday)")
    span = opening_span(service, day)
    if span is None:
        raise DomainError(ErrorCode.SERVICE_CLOSED, "this service is closed today")
    opens, closes = span
    span_text = (service.hours or {})[WEEKDAYS[day.weekday()]]
    now = local_now.time().replace(tzinfo=None)
    if not opens <= now < closes and not (closes == dt.time.max and now >= opens):
        raise DomainError(
            ErrorCode.SERVICE_CLOSED,
            f"this service takes tickets from {span_text[0]} to {span_text[1]}",
            opens=span_text[0],
            closes=span_text[1],
        )


def issued_today(session: Session, service_id: int, day: dt.date) -> int:
    """Tickets issued for the service on ``day`` (transfers in do not use its quota)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Ticket)
            .where(Ticket.origin_service_id == service_id, Ticket.service_date == day)
        )
        or 0
    )


def ensure_quota(session: Session, service: Service, day: dt.date) -> None:
    """Raise ``quota_exhausted`` when the day's quota is used up.

    Called while the series lock row is held, so two kiosks cannot both take the last one.
    """
    if service.daily_quota is None:
        return
    if issued_today(session, service.id, day) >= service.daily_quota:
        raise DomainError(
            ErrorCode.QUOTA_EXHAUSTED,
            f"today's quota of {service.daily_quota} tickets is used up",
            quota=service.daily_quota,
        )


def remaining_quota(session: Session, service: Service, day: dt.date) -> int | None:
    if service.daily_quota is None:
        return None
    return max(0, service.daily_quota - issued_today(session, service.id, day))
