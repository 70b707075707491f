"""The console's side of bookings (docs/booking.md): a service's booking settings and time
bands, the day's bookings as staff see them, and a staff cancellation.

What staff see of a person is what the counter needs: the name and the phone masked
(``+62 812-****-7890``); never the NIK, not even its last digits. An admin works on every
service; a supervisor on their agency's only (``access.require_agency_staff``).

No Flask here: the functions take a session and the person acting; the wording of every
problem is ``form_wording``'s.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from server.models import (
    Agency,
    Booking,
    BookingBand,
    BookingSettings,
    BookingState,
    Holiday,
    Service,
    SpecialOpening,
    Ticket,
)
from shared.opening_hours import (
    END_OF_DAY,
    Hours,
    Span,
    SpecialDay,
    clock_text,
    parse_clock,
    spans_on,
)
from shared.states import BookingQueueRule, LateCheckIn, TicketState

from . import bookings
from . import form_wording as wording
from .access import Principal, require_agency_staff
from .admin_catalog import Fields, Invalid, existing
from .areas import serving_counters
from .booking_rules import BookingRules, counters_lent, slot_capacity
from .context import Ctx
from .errors import not_found
from .identity import masked_phone

BANDS_MAX = 6  # rows the form offers; Dukcapil halls publish two or three
REASON_MAX = 300


# --- settings and bands ---------------------------------------------------------------


def service_for(session: Session, who: Principal, service_id: int) -> Service:
    """The service whose bookings ``who`` may set or see (an agency's staff: theirs only)."""
    service = existing(session, Service, service_id, "service")
    assert service is not None
    require_agency_staff(who, service.agency_id)
    return service


def derived_capacity(session: Session, service: Service, rules: BookingRules | None = None) -> int:
    """Places per slot the counters give when the admin sets none (booking_rules)."""
    if rules is None:
        rules = bookings.rules_of(session, service.id)[0]
    lent = counters_lent(serving_counters(session, service.id))
    return slot_capacity(replace_capacity(rules), lent, service.typical_minutes)


def replace_capacity(rules: BookingRules) -> BookingRules:
    return BookingRules(
        enabled=rules.enabled,
        days_ahead=rules.days_ahead,
        slot_minutes=rules.slot_minutes,
        capacity=None,
        online_share=rules.online_share,
    )


def settings_values(session: Session, service: Service) -> dict[str, Any]:
    """The form's fields for the stored settings (the defaults for a service with none)."""
    rules, bands = bookings.rules_of(session, service.id)
    values: dict[str, Any] = {
        "enabled": rules.enabled,
        "days_ahead": rules.days_ahead,
        "slot_minutes": rules.slot_minutes,
        "capacity": "" if rules.capacity is None else rules.capacity,
        "online_share": f"{round(rules.online_share * 100):d}",
        "cutoff_minutes": rules.cutoff_minutes,
        "check_in_before_minutes": rules.check_in_before_minutes,
        "check_in_after_minutes": rules.check_in_after_minutes,
        "late": rules.late.value,
        "queue_rule": rules.queue_rule.value,
        "nik_required": rules.nik_required,
    }
    for index, band in enumerate(bands):
        values[f"band_starts_{index}"] = clock_text(band.starts).replace(":", ".")
        values[f"band_ends_{index}"] = clock_text(band.ends).replace(":", ".")
        values[f"band_quota_{index}"] = band.quota
    return values


def _choice(form: Fields, name: str, options: Sequence[str], default: str) -> str:
    value = form.raw.get(name)
    if value is None or value == "":
        return default
    if value not in options:
        form.fail(name, wording.CHOOSE_AN_OPTION)
        return default
    return str(value)


def _bands(form: Fields) -> list[tuple[str, str, int]]:
    """The band rows filled in (a row left empty is no band), checked each on its own and
    against each other (two bands may not overlap: a slot has one band)."""
    found: list[tuple[str, str, int]] = []
    for index in range(BANDS_MAX):
        starts = form.raw.get(f"band_starts_{index}", "")
        ends = form.raw.get(f"band_ends_{index}", "")
        quota_text = form.raw.get(f"band_quota_{index}", "")
        if not any(isinstance(v, str) and v.strip() for v in (starts, ends, quota_text)):
            continue
        span = form.span(f"band_{index}", starts, ends)
        quota = form.integer(f"band_quota_{index}", 1, 10_000)
        if span is not None and quota is not None:
            found.append((span[0], span[1], quota))
    ordered = sorted(found)
    for before, after in itertools.pairwise(ordered):
        if parse_clock(after[0]) < parse_clock(before[1]):
            form.fail("bands", wording.BANDS_OVERLAP)
    return ordered


def save_settings(
    session: Session, who: Principal, service_id: int, raw: Mapping[str, Any]
) -> Service:
    """Store a service's booking settings and replace its bands, or report each field's
    problem. An empty capacity means derived from the counters."""
    service = service_for(session, who, service_id)
    form = Fields(raw)
    days_ahead = form.integer("days_ahead", 0, 90)
    slot_minutes = form.integer("slot_minutes", 5, 240)
    capacity = form.integer("capacity", 1, 1000, required=False)
    share = form.integer("online_share", 1, 100)
    cutoff = form.integer("cutoff_minutes", 0, 1440)
    before = form.integer("check_in_before_minutes", 0, 240)
    after = form.integer("check_in_after_minutes", 0, 240)
    late = _choice(form, "late", [v.value for v in LateCheckIn], LateCheckIn.WALK_IN.value)
    rule = _choice(
        form,
        "queue_rule",
        [v.value for v in BookingQueueRule],
        BookingQueueRule.SLOT_TIME.value,
    )
    bands = _bands(form)
    form.check()
    row = session.get(BookingSettings, service.id)
    if row is None:
        row = BookingSettings(service_id=service.id)
        session.add(row)
    row.enabled = form.flag("enabled")
    row.days_ahead = days_ahead  # type: ignore[assignment]
    row.slot_minutes = slot_minutes  # type: ignore[assignment]
    row.capacity = capacity
    row.online_share = (share or 30) / 100
    row.cutoff_minutes = cutoff  # type: ignore[assignment]
    row.check_in_before_minutes = before  # type: ignore[assignment]
    row.check_in_after_minutes = after  # type: ignore[assignment]
    row.late = LateCheckIn(late)
    row.queue_rule = BookingQueueRule(rule)
    row.nik_required = form.flag("nik_required")
    session.execute(delete(BookingBand).where(BookingBand.service_id == service.id))
    for starts, ends, quota in bands:
        session.add(BookingBand(service_id=service.id, starts=starts, ends=ends, quota=quota))
    session.flush()
    return service


@dataclass(frozen=True)
class ServiceSummary:
    """A service's line in the console's booking list."""

    service: Service
    rules: BookingRules
    places: int  # per slot: as set, or derived
    derived: bool
    bands: int


def summaries(session: Session, who: Principal, agency_id: int | None) -> list[ServiceSummary]:
    from .admin_catalog import services_for

    found = []
    for service in services_for(session, who, agency_id):
        rules, bands = bookings.rules_of(session, service.id)
        found.append(
            ServiceSummary(
                service,
                rules,
                derived_capacity(session, service, rules)
                if rules.capacity is None
                else rules.capacity,
                rules.capacity is None,
                len(bands),
            )
        )
    return found


# --- the day's bookings ------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """One booking as staff see it: no NIK, the phone masked."""

    id: int
    code: str
    service_id: int
    service_code: str
    service_name: str
    slot_start: dt.datetime  # in the hall's time zone
    state: str  # booked, checked_in, served, cancelled, no_show
    name: str
    phone: str  # masked
    late: bool
    ticket_number: str | None
    cancelled_by: str | None
    cancel_reason: str | None


STATES = ("booked", "checked_in", "served", "cancelled", "no_show")


@dataclass
class SlotCount:
    """How one slot of one service went: a count per state (``STATES``)."""

    service_code: str
    slot_start: dt.datetime
    counts: dict[str, int]


def day_bookings(
    ctx: Ctx, who: Principal, day: dt.date, agency_id: int | None = None
) -> list[Listed]:
    """The day's bookings of the services ``who`` may see, by slot, then service."""
    query = (
        select(Booking, Service, Ticket)
        .join(Service, Service.id == Booking.service_id)
        .join(Agency, Agency.id == Service.agency_id)
        .outerjoin(Ticket, Ticket.id == Booking.ticket_id)
        .options(joinedload(Service.series))
        .where(Booking.service_date == day)
        .order_by(Booking.slot_start, Agency.position, Service.position, Booking.id)
    )
    if not who.is_admin:
        query = query.where(Service.agency_id == who.agency_id)
    elif agency_id is not None:
        query = query.where(Service.agency_id == agency_id)
    listed = []
    for booking, service, ticket in ctx.session.execute(query).unique():
        state = booking.state.value
        if ticket is not None and ticket.state == TicketState.DONE:
            state = "served"
        listed.append(
            Listed(
                id=booking.id,
                code=booking.code,
                service_id=service.id,
                service_code=service.code,
                service_name=service.name,
                slot_start=booking.slot_start.astimezone(ctx.tz),
                state=state,
                name=booking.name or "",
                phone=masked_phone(booking.phone),
                late=booking.late,
                ticket_number=ticket.number if ticket is not None else None,
                cancelled_by=booking.cancelled_by,
                cancel_reason=booking.cancel_reason,
            )
        )
    return listed


def slot_counts(listed: Sequence[Listed]) -> list[SlotCount]:
    """Per service and slot: booked, checked in, served, cancelled, no-show."""
    found: dict[tuple[dt.datetime, str], SlotCount] = {}
    for row in listed:
        key = (row.slot_start, row.service_code)
        if key not in found:
            found[key] = SlotCount(row.service_code, row.slot_start, dict.fromkeys(STATES, 0))
        found[key].counts[row.state] += 1
    return [found[k] for k in sorted(found)]


def cancel_by_staff(ctx: Ctx, who: Principal, booking_id: int, reason: str) -> Booking:
    """Staff cancel a booking not checked in yet; the reason is required (the visitor
    reads it on the booking's page)."""
    booking = ctx.session.get(Booking, booking_id) if 0 < booking_id < 2**31 else None
    if booking is None:
        raise not_found("booking")
    service_for(ctx.session, who, booking.service_id)
    form = Fields({"reason": reason})
    text = form.text("reason", REASON_MAX)
    form.check()
    return bookings.cancel(ctx, booking, by="staff", reason=text)


# --- closures: a change of the hall's hours that leaves bookings outside them -------------

CONFIRM_FIELD = "cancel_bookings"


def stranded(
    ctx: Ctx,
    candidates: Iterable[Booking],
    *,
    hours: Mapping[int, Hours] | None = None,
    holidays_added: Collection[dt.date] = (),
) -> list[Booking]:
    """Of ``candidates``, the bookings not checked in whose slot no opening span of its
    day covers: by the hall's calendar as this transaction sees it (holidays, special
    openings and services' weekly hours, a change flushed but not committed included),
    with ``hours`` for services whose weekly hours are about to change and
    ``holidays_added`` for days about to be holidays.

    One check for every way a day closes or shortens (a holiday, a special opening
    changed or deleted, new weekly hours, the service or its agency deactivated), so they
    cannot disagree about which bookings a change strands. A slot that has begun is left
    alone: the visitor may be in the hall, and the day's end makes it a no-show otherwise;
    except for a service no longer offered, which gives no ticket at check-in, so its
    visitor would be made a no-show (and counted towards a booking block) for the hall's
    decision."""
    session = ctx.session
    holidays = frozenset(session.scalars(select(Holiday.date))) | frozenset(holidays_added)
    special = tuple(
        SpecialDay(day, parse_clock(opens), parse_clock(closes), agency_id)
        for day, opens, closes, agency_id in session.execute(
            select(
                SpecialOpening.date,
                SpecialOpening.opens,
                SpecialOpening.closes,
                SpecialOpening.agency_id,
            )
        )
    )
    found = []
    for booking in candidates:
        if booking.state != BookingState.BOOKED:
            continue
        service = session.get(Service, booking.service_id)
        assert service is not None
        if not (service.active and service.agency.active):
            found.append(booking)
            continue
        if booking.slot_start <= ctx.now:
            continue
        own = (hours or {}).get(service.id, service.hours)
        start = booking.slot_start.astimezone(ctx.tz)
        end = start + dt.timedelta(minutes=booking.slot_minutes)
        spans = spans_on(own, holidays, special, booking.service_date, service.agency_id)
        if not any(_covers(span, start, end) for span in spans):
            found.append(booking)
    return found


def _covers(span: Span, start: dt.datetime, end: dt.datetime) -> bool:
    opens, closes = span
    if start.time() < opens:
        return False
    return closes == END_OF_DAY or (end.date() == start.date() and end.time() <= closes)


def stranded_by_holiday(ctx: Ctx, day: dt.date) -> list[Booking]:
    """The day's bookings not checked in that a holiday on ``day`` leaves without a hall:
    those whose slot no special opening of that day still covers."""
    return stranded(ctx, bookings.bookings_on(ctx.session, day), holidays_added={day})


def booked_ahead(session: Session, service_ids: Collection[int], first: dt.date) -> list[Booking]:
    """The bookings not checked in of some services from ``first`` on: what new weekly
    hours of those services may strand."""
    if not service_ids:
        return []
    return list(
        session.scalars(
            select(Booking)
            .where(
                Booking.service_id.in_(service_ids),
                Booking.service_date >= first,
                Booking.state == BookingState.BOOKED,
            )
            .order_by(Booking.slot_start, Booking.id)
        )
    )


def by_service(session: Session, found: Iterable[Booking]) -> list[tuple[str, int]]:
    """How many of ``found`` each service has (its name), most first: what the warning
    names, so the admin sees which services a change hits."""
    counts: dict[int, int] = {}
    for booking in found:
        counts[booking.service_id] = counts.get(booking.service_id, 0) + 1
    rows = session.execute(select(Service.id, Service.name).where(Service.id.in_(list(counts))))
    names = {service_id: name for service_id, name in rows}
    return sorted(((names[i], n) for i, n in counts.items()), key=lambda item: (-item[1], item[0]))


ClosureWarning = Callable[[int, Sequence[tuple[str, int]]], wording.Problem]
"""How a refusal words the bookings a change would cancel: their count, and per service."""


def close_stranded(
    ctx: Ctx,
    found: Sequence[Booking],
    *,
    confirmed: bool,
    reason: wording.Problem,
    warning: ClosureWarning = wording.bookings_outside_new_hours,
) -> int:
    """Cancel ``found`` (what ``stranded`` gave) with ``reason``, which the visitor reads
    on the booking's status page; unless ``confirmed``, refuse instead (``Invalid`` on
    ``CONFIRM_FIELD``) with their count per service, so the console warns before anything
    is cancelled (and the caller's change rolls back with the refusal)."""
    if found and not confirmed:
        raise Invalid({CONFIRM_FIELD: warning(len(found), by_service(ctx.session, found))})
    for booking in found:
        bookings.cancel(ctx, booking, by="closure", reason=reason.id)
    return len(found)


def close_for_new_hours(ctx: Ctx, service_ids: Collection[int], *, confirmed: bool) -> int:
    """After services' weekly hours changed (flushed, not committed): cancel their bookings
    from today on that the hours no longer hold, or refuse with their count per service
    unless ``confirmed`` (the change then rolls back with the refusal)."""
    ahead = booked_ahead(ctx.session, service_ids, ctx.today)
    return close_stranded(
        ctx, stranded(ctx, ahead), confirmed=confirmed, reason=wording.HOURS_CANCEL_REASON
    )


def close_for_deactivation(ctx: Ctx, service_ids: Collection[int], *, confirmed: bool) -> int:
    """After services, or their agency, were deactivated (flushed, not committed): cancel
    their bookings not checked in from today on, which no ticket can serve now, or refuse
    with their count per service unless ``confirmed`` (the change then rolls back)."""
    ahead = booked_ahead(ctx.session, service_ids, ctx.today)
    return close_stranded(
        ctx,
        stranded(ctx, ahead),
        confirmed=confirmed,
        reason=wording.DEACTIVATED_CANCEL_REASON,
        warning=wording.bookings_of_deactivated,
    )


def close_for_holiday(ctx: Ctx, day: dt.date, name: str, *, confirmed: bool) -> int:
    """Cancel the bookings a new holiday leaves without a hall (the visitor reads the
    holiday's name as the reason); unless ``confirmed``, refuse with their count instead,
    so the console can warn before anything is cancelled."""
    return close_stranded(
        ctx,
        stranded_by_holiday(ctx, day),
        confirmed=confirmed,
        reason=wording.holiday_cancel_reason(name),
        warning=wording.bookings_on_closed_day,
    )


CSV_HEADER = (
    "code",
    "service",
    "slot_start",
    "state",
    "name",
    "phone_masked",
    "late",
    "ticket",
    "cancelled_by",
    "cancel_reason",
)


def csv_rows(listed: Sequence[Listed]) -> list[tuple[str, ...]]:
    """The day's list for a spreadsheet: the masked phone (staff may need to tell two
    bookings of one name apart, not to call from a file that travels), no NIK."""
    return [
        (
            row.code,
            row.service_code,
            row.slot_start.isoformat(timespec="minutes"),
            row.state,
            row.name,
            row.phone,
            "yes" if row.late else "",
            row.ticket_number or "",
            row.cancelled_by or "",
            row.cancel_reason or "",
        )
        for row in listed
    ]


__all__ = [
    "BANDS_MAX",
    "CONFIRM_FIELD",
    "CSV_HEADER",
    "STATES",
    "ClosureWarning",
    "Listed",
    "ServiceSummary",
    "SlotCount",
    "booked_ahead",
    "by_service",
    "cancel_by_staff",
    "close_for_deactivation",
    "close_for_holiday",
    "close_for_new_hours",
    "close_stranded",
    "csv_rows",
    "day_bookings",
    "derived_capacity",
    "save_settings",
    "service_for",
    "settings_values",
    "slot_counts",
    "stranded",
    "stranded_by_holiday",
    "summaries",
]
