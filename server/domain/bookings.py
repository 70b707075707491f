"""Bookings (*antrean online*): take a slot, change or cancel it, check in at the hall, and
what becomes of bookings nobody kept (docs/booking.md).

Every change that counts places (book, reschedule) first locks the row that numbers the
service's series on the booking's day (``series_days``, the same row a walk-in ticket's
number takes), then counts: bookings of the slot, of its band, and the day's quota
(tickets issued + bookings still to come). Walk-ins and bookings of one service and day
therefore queue on one lock on every database and number of processes: the last place
of a slot, a band or the day is taken once.

Check-in turns a booking into a ticket of its service through ``tickets.issue_ticket``,
placed in the line by the service's queue rule (``shared.states.BookingQueueRule``).
A booking checked in again answers with the same ticket.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from server.models import (
    Booking,
    BookingBand,
    BookingEvent,
    BookingSettings,
    BookingState,
    SeriesDay,
    Service,
    Ticket,
    TicketSource,
)
from shared.booking_code import new_code, read_code
from shared.errors import ErrorCode
from shared.opening_hours import END_OF_DAY, clock_text, spans_on
from shared.states import BookingQueueRule, LateCheckIn
from shared.text import refused_character

from .areas import serving_counters
from .booking_rules import (
    Band,
    BookingRules,
    Slot,
    check_in_window,
    counters_lent,
    day_slots,
    slot_capacity,
)
from .context import Ctx
from .errors import DomainError, not_found
from .estimates import estimate_now
from .identity import PersonalDataKey, nik_problem, normalise_phone
from .notices import booking_opt_in, booking_triggers
from .sql import increment
from .tickets import Issued, IssueRequest, issue_ticket, load_service, load_ticket

SECRET_BYTES = 16  # the cancel/reschedule link's secret: 128 random bits
NAME_MAX = 100
# A booking holds a place until it is cancelled; a no-show held its slot (it has passed).
HOLDING = (BookingState.BOOKED, BookingState.CHECKED_IN, BookingState.NO_SHOW)
ACTIVE = (BookingState.BOOKED, BookingState.CHECKED_IN)


# --- what a service offers ------------------------------------------------------------


def rules_of(session: Session, service_id: int) -> tuple[BookingRules, list[Band]]:
    row = session.get(BookingSettings, service_id)
    bands = [
        Band.parse(b.id, b.starts, b.ends, b.quota)
        for b in session.scalars(
            select(BookingBand)
            .where(BookingBand.service_id == service_id)
            .order_by(BookingBand.starts)
        )
    ]
    return BookingRules.of(row), bands


@dataclass(frozen=True)
class OfferedSlot:
    """A slot as the booking page lists it: places left, and whether it may be taken now
    (not past the cut-off, its band and the day not full)."""

    slot: Slot
    left: int
    open: bool


@dataclass(frozen=True)
class DayOffer:
    """One day of a service as a visitor may book it. ``status``: ``open`` (some slot may
    be taken), ``full`` (slots, none left), ``holiday``, ``closed`` (the service is not
    open that day), ``passed`` (every slot is past the cut-off) or ``not_offered``
    (bookings are off, or the day is beyond ``days_ahead``)."""

    day: dt.date
    status: str
    slots: list[OfferedSlot]


def offer(ctx: Ctx, service: Service, day: dt.date) -> DayOffer:
    """The service's slots on ``day`` with what is left of each."""
    rules, bands = rules_of(ctx.session, service.id)
    if not rules.enabled or not ctx.today <= day <= ctx.today + dt.timedelta(rules.days_ahead):
        return DayOffer(day, "not_offered", [])
    if not service.active or not service.agency.active:
        return DayOffer(day, "not_offered", [])
    holidays = ctx.catalog.holidays(ctx.session)
    spans = spans_on(
        service.hours, holidays, ctx.catalog.special_days(ctx.session), day, service.agency_id
    )
    if not spans:
        return DayOffer(day, "holiday" if day in holidays else "closed", [])
    capacity = slot_capacity(
        rules, counters_lent(serving_counters(ctx.session, service.id)), service.typical_minutes
    )
    slots = day_slots(spans, day, ctx.tz, rules, capacity, bands)
    taken = _taken_by_slot(ctx.session, service.id, day)
    band_left = {
        b.id: b.quota - _taken_in_band(ctx.session, service.id, day, b, ctx) for b in bands
    }
    day_left = _day_left(ctx.session, service, day)
    cutoff = ctx.now + dt.timedelta(minutes=rules.cutoff_minutes)
    offered = []
    for slot in slots:
        left = max(0, slot.capacity - taken.get(_utc(slot.start), 0))
        if slot.band is not None:
            left = min(left, max(0, band_left[slot.band.id]))
        if day_left is not None:
            left = min(left, max(0, day_left))
        offered.append(OfferedSlot(slot, left, left > 0 and slot.start >= cutoff))
    if not offered:
        return DayOffer(day, "closed", [])
    if any(o.open for o in offered):
        status = "open"
    elif all(o.slot.start < cutoff for o in offered):
        status = "passed"
    else:
        status = "full"
    return DayOffer(day, status, offered)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _taken_by_slot(session: Session, service_id: int, day: dt.date) -> dict[dt.datetime, int]:
    rows = session.execute(
        select(Booking.slot_start, func.count())
        .where(
            Booking.service_id == service_id,
            Booking.service_date == day,
            Booking.state.in_(HOLDING),
        )
        .group_by(Booking.slot_start)
    )
    return {start: int(count) for start, count in rows}


def _taken_in_band(
    session: Session, service_id: int, day: dt.date, band: Band, ctx: Ctx, exclude: int = 0
) -> int:
    starts = dt.datetime.combine(day, band.starts, ctx.tz)
    ends = (
        dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), ctx.tz)
        if band.ends == END_OF_DAY
        else dt.datetime.combine(day, band.ends, ctx.tz)
    )
    return int(
        session.scalar(
            select(func.count()).where(
                Booking.service_id == service_id,
                Booking.service_date == day,
                Booking.state.in_(HOLDING),
                Booking.slot_start >= _utc(starts),
                Booking.slot_start < _utc(ends),
                Booking.id != exclude,
            )
        )
        or 0
    )


def outstanding_bookings(session: Session, service_id: int, day: dt.date, exclude: int = 0) -> int:
    """Bookings of the day not checked in yet: places of the daily quota they still hold."""
    return int(
        session.scalar(
            select(func.count()).where(
                Booking.service_id == service_id,
                Booking.service_date == day,
                Booking.state == BookingState.BOOKED,
                Booking.id != exclude,
            )
        )
        or 0
    )


def _day_left(session: Session, service: Service, day: dt.date, exclude: int = 0) -> int | None:
    """What is left of the service's daily quota on ``day`` for a new booking."""
    if service.daily_quota is None:
        return None
    issued = session.scalar(
        select(func.count()).where(
            Ticket.origin_service_id == service.id, Ticket.service_date == day
        )
    )
    return (
        service.daily_quota
        - int(issued or 0)
        - outstanding_bookings(session, service.id, day, exclude)
    )


# --- booking ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingRequest:
    """What a visitor (or an app for them) asks: a slot and who they are."""

    service_id: int
    slot_start: dt.datetime  # aware; any time zone
    name: str
    phone: str
    nik: str | None = None
    language: str = "id"
    source: str = "web"
    # The box "send the confirmation and reminders to this number" on the form: the
    # channel (``whatsapp`` or ``sms``) the hall offered, or None (no notices).
    notice_channel: str | None = None


@dataclass(frozen=True)
class Made:
    """A booking just made, with the secret of its cancel link: given once, kept hashed."""

    booking: Booking
    manage_secret: str


def _invalid(field: str, message: str, **details: object) -> DomainError:
    return DomainError(ErrorCode.VALIDATION_ERROR, f"{field}: {message}", field=field, **details)


@dataclass(frozen=True)
class _Person:
    name: str
    phone: str
    phone_hash: str
    nik: str | None
    nik_hash: str | None


def _person(request: BookingRequest, rules: BookingRules, key: PersonalDataKey) -> _Person:
    name = " ".join(request.name.split())
    if not name:
        raise _invalid("name", "the name is required")
    if len(name) > NAME_MAX:
        raise _invalid("name", f"at most {NAME_MAX} characters")
    if refused_character(name) is not None:
        raise _invalid("name", "no control characters")
    phone = normalise_phone(request.phone)
    if phone is None:
        raise _invalid("phone", "an Indonesian mobile number, e.g. 0812 3456 7890")
    nik = None
    if rules.nik_required:
        nik = (request.nik or "").strip()
        problem = nik_problem(nik)
        if problem is not None:
            raise _invalid("nik", problem)
    return _Person(
        name=name,
        phone=phone,
        phone_hash=key.digest("phone", phone),
        nik=nik,
        nik_hash=key.digest("nik", nik) if nik else None,
    )


def _lock_day(session: Session, service: Service, day: dt.date) -> None:
    """Queue behind every issue and booking of the service's series on ``day``."""
    increment(
        session,
        SeriesDay.__table__,  # type: ignore[arg-type]
        {"series_id": service.series_id, "service_date": day},
        "last_number",
        by=0,
    )


def _find_slot(ctx: Ctx, service: Service, start: dt.datetime) -> tuple[Slot, BookingRules]:
    """The offered slot starting at ``start``, refused clearly when it cannot be taken."""
    local = start.astimezone(ctx.tz)
    day_offer = offer(ctx, service, local.date())
    if day_offer.status == "not_offered":
        raise DomainError(
            ErrorCode.BOOKING_CLOSED,
            "this service takes no bookings for that day",
            day=str(local.date()),
        )
    if day_offer.status in ("holiday", "closed"):
        raise DomainError(
            ErrorCode.BOOKING_CLOSED,
            f"the service is {day_offer.status} that day",
            reason=day_offer.status,
        )
    found = next((o for o in day_offer.slots if o.slot.start == local), None)
    if found is None:
        raise _invalid("slot_start", "not a slot of this service on that day")
    rules, _ = rules_of(ctx.session, service.id)
    if found.slot.start < ctx.now + dt.timedelta(minutes=rules.cutoff_minutes):
        raise DomainError(
            ErrorCode.BOOKING_CLOSED,
            f"slots starting within {rules.cutoff_minutes} minutes are not booked online",
            reason="cutoff",
        )
    if found.left <= 0:
        raise DomainError(ErrorCode.SLOT_FULL, "this slot has no place left")
    return found.slot, rules


def _check_holds(ctx: Ctx, service: Service, slot: Slot, exclude: int = 0) -> None:
    """Under the day's lock: the slot, its band and the day still have a place."""
    session, day = ctx.session, slot.start.date()
    taken = session.scalar(
        select(func.count()).where(
            Booking.service_id == service.id,
            Booking.slot_start == _utc(slot.start),
            Booking.state.in_(HOLDING),
            Booking.id != exclude,
        )
    )
    if int(taken or 0) >= slot.capacity:
        raise DomainError(ErrorCode.SLOT_FULL, "this slot has no place left")
    band = slot.band
    if (
        band is not None
        and _taken_in_band(session, service.id, day, band, ctx, exclude) >= band.quota
    ):
        raise DomainError(
            ErrorCode.SLOT_FULL,
            f"the {clock_text(band.starts)}-{clock_text(band.ends)} bookings are full that day",
            reason="band",
        )
    left = _day_left(session, service, day, exclude)
    if left is not None and left <= 0:
        raise DomainError(
            ErrorCode.SLOT_FULL, "the service's quota for that day is used up", reason="quota"
        )


def _check_person(
    ctx: Ctx, service: Service, day: dt.date, person: _Person, exclude: int = 0
) -> None:
    session = ctx.session
    same = [Booking.phone_hash == person.phone_hash]
    if person.nik_hash is not None:
        same.append(Booking.nik_hash == person.nik_hash)
    for condition in same:
        twin = session.scalar(
            select(Booking.id).where(
                Booking.service_id == service.id,
                Booking.service_date == day,
                Booking.state.in_(ACTIVE),
                Booking.id != exclude,
                condition,
            )
        )
        if twin is not None:
            raise DomainError(
                ErrorCode.DUPLICATE_BOOKING,
                "there is already an active booking for this service that day",
            )
    limit, days = ctx.settings.booking_no_show_limit, ctx.settings.booking_block_days
    if limit <= 0:
        return
    since = ctx.now - dt.timedelta(days=days)
    missed = session.execute(
        select(func.count(), func.max(Booking.ended_at)).where(
            Booking.phone_hash == person.phone_hash,
            Booking.state == BookingState.NO_SHOW,
            Booking.ended_at >= since,
        )
    ).one()
    count, last = int(missed[0]), missed[1]
    if count >= limit and last is not None:
        if last.tzinfo is None:
            last = last.replace(tzinfo=dt.UTC)  # an aggregate skips the column type
        until = (last + dt.timedelta(days=days)).astimezone(ctx.tz).date()
        raise DomainError(
            ErrorCode.BOOKING_BLOCKED,
            f"{count} bookings were not kept in {days} days: booking is open again on "
            f"{until.isoformat()}",
            until=until.isoformat(),
        )


def _event(ctx: Ctx, booking: Booking, kind: str, **data: object) -> None:
    ctx.session.add(
        BookingEvent(
            booking_id=booking.id,
            at=ctx.now,
            kind=kind,
            service_id=booking.service_id,
            user_id=ctx.actor.user_id,
            device_id=ctx.actor.device_id,
            data=dict(data),
        )
    )


def _unused_code(session: Session) -> str:
    while True:
        code = new_code()
        if session.scalar(select(Booking.id).where(Booking.code == code)) is None:
            return code


def _secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def book(ctx: Ctx, request: BookingRequest, key: PersonalDataKey) -> Made:
    """Take one place of a slot for one person, or refuse with the reason."""
    service = load_service(ctx.session, request.service_id)
    slot, rules = _find_slot(ctx, service, request.slot_start)
    person = _person(request, rules, key)
    day = slot.start.date()
    _lock_day(ctx.session, service, day)
    _check_holds(ctx, service, slot)
    _check_person(ctx, service, day, person)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    booking = Booking(
        code=_unused_code(ctx.session),
        manage_hash=_secret_hash(secret),
        service_id=service.id,
        service_date=day,
        slot_start=_utc(slot.start),
        slot_minutes=slot.minutes,
        state=BookingState.BOOKED,
        source=request.source,
        language=request.language if request.language in ("id", "en") else "id",
        name=person.name,
        phone=person.phone,
        phone_hash=person.phone_hash,
        nik_cipher=key.encrypt(person.nik) if person.nik else None,
        nik_hash=person.nik_hash,
        nik_last4=person.nik[-4:] if person.nik else None,
        active_phone=person.phone_hash,
        active_nik=person.nik_hash,
        created_at=ctx.now,
        late=False,
    )
    ctx.session.add(booking)
    ctx.session.flush()
    _event(ctx, booking, "booked", source=request.source, slot=slot.start.isoformat())
    if request.notice_channel is not None:
        booking_opt_in.consent_at_booking(ctx, booking, request.notice_channel)
    return Made(booking, secret)


# --- finding, changing, cancelling ---------------------------------------------------------


def find(session: Session, code_text: str, *, lock: bool = False) -> Booking:
    """The booking of a typed or scanned code; the same ``not_found`` for a malformed
    code and an unknown one."""
    code = read_code(code_text)
    if code is None:
        raise not_found("booking")
    query = select(Booking).where(Booking.code == code)
    if lock:
        query = query.with_for_update()
    booking = session.scalars(query).one_or_none()
    if booking is None:
        raise not_found("booking")
    return booking


def _check_secret(booking: Booking, secret: str) -> None:
    if not hmac.compare_digest(_secret_hash(secret), booking.manage_hash):
        # As for an unknown code: the link's owner alone may change the booking.
        raise not_found("booking")


def _end(ctx: Ctx, booking: Booking, state: BookingState) -> None:
    booking.state = state
    booking.ended_at = ctx.now
    booking.active_phone = None
    booking.active_nik = None


def _require_booked(booking: Booking, action: str) -> None:
    if booking.state != BookingState.BOOKED:
        raise DomainError(
            ErrorCode.BOOKING_NOT_ACTIVE,
            f"cannot {action} a booking that is {booking.state.value}",
            state=booking.state.value,
        )


def cancel(ctx: Ctx, booking: Booking, *, by: str, reason: str | None = None) -> Booking:
    """End a booking not checked in yet: by the visitor (their link), staff (with a
    reason) or a ``closure`` of the hall or service that day."""
    _require_booked(booking, "cancel")
    _end(ctx, booking, BookingState.CANCELLED)
    booking.cancelled_by = by
    booking.cancel_reason = (reason or "").strip()[:300] or None
    _event(ctx, booking, "cancelled", by=by)
    booking_triggers.booking_cancelled(ctx, booking)
    return booking


def cancel_by_visitor(ctx: Ctx, code: str, secret: str) -> Booking:
    booking = find(ctx.session, code, lock=True)
    _check_secret(booking, secret)
    return cancel(ctx, booking, by="visitor")


def reschedule(
    ctx: Ctx, code: str, secret: str, slot_start: dt.datetime, key: PersonalDataKey
) -> Booking:
    """Move a booking to another slot of its service (its code and link stay)."""
    booking = find(ctx.session, code, lock=True)
    _check_secret(booking, secret)
    _require_booked(booking, "reschedule")
    service = load_service(ctx.session, booking.service_id)
    slot, _rules = _find_slot_for(ctx, service, slot_start, booking)
    day = slot.start.date()
    _lock_day(ctx.session, service, day)
    _check_holds(ctx, service, slot, exclude=booking.id)
    if booking.phone_hash is not None:
        person = _Person("", booking.phone or "", booking.phone_hash, None, booking.nik_hash)
        _check_person(ctx, service, day, person, exclude=booking.id)
    before = booking.slot_start
    booking.service_date, booking.slot_start, booking.slot_minutes = (
        day,
        _utc(slot.start),
        slot.minutes,
    )
    _event(ctx, booking, "rescheduled", was=before.isoformat(), slot=slot.start.isoformat())
    booking_triggers.booking_rescheduled(ctx, booking)
    return booking


def _find_slot_for(
    ctx: Ctx, service: Service, start: dt.datetime, booking: Booking
) -> tuple[Slot, BookingRules]:
    """``_find_slot``, counting the booking's own place as free when it stays on its day."""
    try:
        return _find_slot(ctx, service, start)
    except DomainError as refused:
        if refused.code != ErrorCode.SLOT_FULL:
            raise
        # Full only because of itself (same slot, band or day)? _check_holds decides.
        local = start.astimezone(ctx.tz)
        day_offer = offer(ctx, service, local.date())
        found = next((o for o in day_offer.slots if o.slot.start == local), None)
        if found is None or booking.service_date != local.date():
            raise
        rules, _ = rules_of(ctx.session, service.id)
        return found.slot, rules


# --- check-in ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedIn:
    """A booking's ticket; ``already`` when it had been checked in before (same ticket)."""

    booking: Booking
    issued: Issued
    already: bool


def _window_refusal(reason: str, moment: dt.datetime, ctx: Ctx) -> DomainError:
    local = moment.astimezone(ctx.tz)
    when = clock_text(local.time().replace(second=0, microsecond=0))
    if reason == "early":
        message = f"check-in opens at {when} on {local.date().isoformat()}"
    else:
        message = f"check-in closed at {when}"
    return DomainError(
        ErrorCode.OUTSIDE_CHECK_IN_WINDOW,
        message,
        reason=reason,
        at=local.isoformat(),
        date=local.date().isoformat(),
        time=when,
    )


def check_in(ctx: Ctx, code: str) -> CheckedIn:
    """The visitor is here: give the booking's ticket (the same one again if it has one).

    Early (before the window, or another day): refused with the time to come back. Late
    (after the window): a walk-in ticket at the back of the line, or refused, as the
    service says. In the window: a ticket placed by the service's queue rule.
    """
    booking = find(ctx.session, code, lock=True)
    if booking.state == BookingState.CHECKED_IN and booking.ticket_id is not None:
        ticket = load_ticket(ctx.session, booking.ticket_id)
        return CheckedIn(booking, Issued(ticket, estimate_now(ctx, ticket), True), True)
    # The day-close job makes a booking a no-show as soon as its window closes; a visitor
    # who comes later that day is still late, not gone: the service's ``late`` setting
    # answers them, whether the job has run yet or not.
    missed_today = booking.state == BookingState.NO_SHOW and booking.service_date == ctx.today
    if booking.state != BookingState.BOOKED and not missed_today:
        raise DomainError(
            ErrorCode.BOOKING_NOT_ACTIVE,
            f"this booking is {booking.state.value}",
            state=booking.state.value,
        )
    rules, _ = rules_of(ctx.session, booking.service_id)
    opens, closes = check_in_window(booking.slot_start, rules)
    # A ticket belongs to today's line, which closes at midnight: a slot just after
    # midnight opens its check-in then, not an hour before in yesterday's line.
    day_starts = dt.datetime.combine(booking.service_date, dt.time(0), ctx.tz)
    opens = max(opens, day_starts)
    if ctx.now < opens:
        raise _window_refusal("early", opens, ctx)
    late = ctx.now > closes
    if late and rules.late == LateCheckIn.REFUSE:
        raise _window_refusal("late", closes, ctx)
    booking.state = BookingState.CHECKED_IN  # first: its quota place passes to the ticket
    booking.checked_in_at, booking.late = ctx.now, late
    booking.ended_at = None  # a no-show of today checked in late is no longer one
    ctx.session.flush()
    # A slot of yesterday checked in after midnight (inside its window): today's line
    # knows no slot of yesterday, so the visitor queues from now.
    request = _ticket_request(booking, rules, late or booking.service_date != ctx.today)
    try:
        issued = issue_ticket(ctx, request)
    except DomainError as refused:
        if refused.code == ErrorCode.SERVICE_CLOSED and "opens" in refused.details:
            # Before the service opens: come back when it does.
            opening = dt.datetime.combine(
                ctx.today, dt.time.fromisoformat(refused.details["opens"]), ctx.tz
            )
            if opening > ctx.now:
                raise _window_refusal("early", opening, ctx) from None
        raise
    booking.ticket_id = issued.ticket.id
    booking_triggers.booking_checked_in(ctx, booking, issued.ticket)
    _event(
        ctx,
        booking,
        "checked_in",
        late=late,
        ticket_id=issued.ticket.id,
        minutes_before_slot=round((booking.slot_start - ctx.now).total_seconds() / 60, 1),
    )
    return CheckedIn(booking, issued, False)


def _ticket_request(booking: Booking, rules: BookingRules, late: bool) -> IssueRequest:
    """Where the ticket stands: a late visitor at the back; else by the queue rule."""
    plain = IssueRequest(service_id=booking.service_id, source=TicketSource.BOOKING)
    if late or rules.queue_rule == BookingQueueRule.RESERVATION:
        return plain
    if rules.queue_rule == BookingQueueRule.DUE_FIRST:
        return replace(plain, booked_for=booking.slot_start)
    return replace(plain, queue_at=booking.slot_start)


# --- the day's end, closures ----------------------------------------------------------------


def mark_no_shows(ctx: Ctx) -> int:
    """Bookings whose check-in window has closed without a check-in become no-shows."""
    session = ctx.session
    due = session.scalars(
        select(Booking)
        .where(Booking.state == BookingState.BOOKED, Booking.slot_start < ctx.now)
        .order_by(Booking.id)
        .with_for_update(skip_locked=True)
    ).all()
    rules: dict[int, BookingRules] = {}
    ended = 0
    for booking in due:
        if booking.service_id not in rules:
            rules[booking.service_id] = rules_of(session, booking.service_id)[0]
        _opens, closes = check_in_window(booking.slot_start, rules[booking.service_id])
        if ctx.now > closes or booking.service_date < ctx.today:
            _end(ctx, booking, BookingState.NO_SHOW)
            _event(ctx, booking, "no_show")
            ended += 1
    return ended


def bookings_on(
    session: Session, day: dt.date, *, agency_id: int | None = None, service_ids: Sequence[int] = ()
) -> list[Booking]:
    """The day's bookings not yet checked in, of an agency, some services, or the hall: what
    a holiday or a closed day added now would cancel."""
    query = select(Booking).where(Booking.service_date == day, Booking.state == BookingState.BOOKED)
    if service_ids:
        query = query.where(Booking.service_id.in_(service_ids))
    elif agency_id is not None:
        query = query.join(Service, Service.id == Booking.service_id).where(
            Service.agency_id == agency_id
        )
    return list(session.scalars(query.order_by(Booking.slot_start)))


def cancel_for_closure(
    ctx: Ctx,
    day: dt.date,
    reason: str,
    *,
    agency_id: int | None = None,
    service_ids: Sequence[int] = (),
) -> int:
    """Cancel the bookings a closure of ``day`` leaves without a hall (the visitor reads
    the reason on the booking's status page)."""
    affected = bookings_on(ctx.session, day, agency_id=agency_id, service_ids=service_ids)
    for booking in affected:
        cancel(ctx, booking, by="closure", reason=reason)
    return len(affected)


def lookup(
    ctx: Ctx,
    key: PersonalDataKey,
    day: dt.date,
    *,
    phone: str | None = None,
    nik_last4: str | None = None,
    service_id: int | None = None,
) -> list[Booking]:
    """A lost code: the day's active bookings of a phone number, or of a NIK's last four
    digits at one service (four digits alone would match other people's bookings)."""
    query = select(Booking).where(Booking.service_date == day, Booking.state.in_(ACTIVE))
    if phone is not None:
        normal = normalise_phone(phone)
        if normal is None:
            raise _invalid("phone", "an Indonesian mobile number, e.g. 0812 3456 7890")
        query = query.where(Booking.phone_hash == key.digest("phone", normal))
    elif nik_last4 is not None and service_id is not None:
        if not (len(nik_last4) == 4 and nik_last4.isdigit()):
            raise _invalid("nik_last4", "the last four digits of the NIK")
        query = query.where(Booking.nik_last4 == nik_last4, Booking.service_id == service_id)
    else:
        raise _invalid("phone", "a phone number, or a NIK's last four digits and the service")
    return list(ctx.session.scalars(query.order_by(Booking.slot_start)))


__all__ = [
    "ACTIVE",
    "HOLDING",
    "BookingRequest",
    "CheckedIn",
    "DayOffer",
    "Made",
    "OfferedSlot",
    "book",
    "bookings_on",
    "cancel",
    "cancel_by_visitor",
    "cancel_for_closure",
    "check_in",
    "find",
    "lookup",
    "mark_no_shows",
    "offer",
    "outstanding_bookings",
    "reschedule",
    "rules_of",
]
