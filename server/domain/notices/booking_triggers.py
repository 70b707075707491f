"""Notices about a booking, for a visitor who consented at booking (or bound Telegram
from the booking's page): the confirmation, the reminders the day before and an hour
before, and the hall's cancellation (docs/notifications.md#booking-notices).

The confirmation and the cancellation are queued in the transaction of the booking or
of the cancellation; the reminders by the server's job (``queue_due_reminders``, run by
``server.jobs`` beside the no-show check), each once per slot and subscription
(``booking:<id>:reminder_day:<slot>:s<subscription>``) and only inside its window: a
reminder the job could not queue in time is not queued late. A queued notice whose
booking is cancelled, moved or checked in before it leaves fails with that reason, in the
same transaction. At check-in the visitor's consent is carried to the booking's ticket,
so the call reaches them as it reaches a visitor who opted in on the ticket page.

As for the queue's triggers: with no channel configured (``ctx.notice_link_base`` None)
nothing here reads or writes anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.context import Ctx
from server.models import Booking, BookingState, Notice, NoticeState, NoticeSubscription, Ticket
from shared.booking_code import shown

from . import texts
from .triggers import _queue

# A confirmation more than an hour late is noise beside the booking page the visitor
# already saw; never after the slot has begun.
CONFIRMED_DEADLINE = dt.timedelta(hours=1)
# The day before, in the hall's time: late enough to be "tomorrow" in the visitor's mind,
# early enough to plan; not queued after the evening (a message at 23.00 helps nobody).
DAY_REMINDER_AT = dt.time(16, 0)
DAY_REMINDER_UNTIL = dt.time(21, 0)
# An hour before the slot; useless once the slot has begun.
HOUR_REMINDER_BEFORE = dt.timedelta(hours=1)
# The hall's cancellation may still help an hour after the slot began (a deactivated
# service cancels slots already running), not later.
CANCELLED_GRACE = dt.timedelta(hours=1)
# How far ahead the reminder job looks: a slot at 23.59 has its day reminder due at 16.00
# the day before, 32 hours earlier.
LOOKAHEAD = dt.timedelta(hours=33)
REMINDERS = ("booking_reminder_day", "booking_reminder_hour")

# The domain cannot read the web layer's names (server/web/i18n.py holds the same).
_DAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS = {
    "id": (
        "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
        "September", "Oktober", "November", "Desember",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June", "July", "August",
        "September", "October", "November", "December",
    ),
}  # fmt: skip


def status_link(base: str, booking: Booking) -> str:
    """The booking's status page (``/b/<code>``): its state, its QR, the stop button."""
    return f"{base.rstrip('/')}/b/{booking.code}"


def _words(ctx: Ctx, booking: Booking, language: str) -> dict[str, object]:
    start = booking.slot_start.astimezone(ctx.tz)
    names = "en" if language == "en" else "id"
    date = (
        f"{_DAYS[names][start.weekday()]}, {start.day} "
        f"{_MONTHS[names][start.month - 1]} {start.year}"
    )
    time = start.strftime("%H:%M" if names == "en" else "%H.%M")
    return texts.booking(
        code=shown(booking.code),
        service=booking.service.name,
        date=date,
        time=time,
        link=status_link(ctx.notice_link_base or "", booking),
    )


def _notify(
    ctx: Ctx,
    subscription: NoticeSubscription,
    booking: Booking,
    kind: str,
    deadline: dt.datetime,
    key: str,
) -> None:
    if deadline <= ctx.now:
        return
    # The reminder job asks again every round: a notice already queued for this event
    # (triggers._queue's key, per subscription) is not rendered, nor counted, again.
    if ctx.session.scalar(
        select(Notice.id).where(Notice.idempotency_key == f"{key}:s{subscription.id}")
    ):
        return
    _queue(
        ctx,
        subscription,
        kind=kind,
        deadline=deadline,
        words=_words(ctx, booking, subscription.language),
        key=key,
    )


def active_for_booking(session: Session, booking_id: int) -> list[NoticeSubscription]:
    return list(
        session.scalars(
            select(NoticeSubscription)
            .where(
                NoticeSubscription.booking_id == booking_id,
                NoticeSubscription.unsubscribed_at.is_(None),
            )
            .order_by(NoticeSubscription.id)
        )
    )


def booking_confirmed(ctx: Ctx, booking: Booking, subscription: NoticeSubscription) -> None:
    """Just booked, with consent: the code, the slot and the status link, once."""
    if ctx.notice_link_base is None:
        return
    deadline = min(ctx.now + CONFIRMED_DEADLINE, booking.slot_start)
    _notify(
        ctx, subscription, booking, "booking_confirmed", deadline, f"booking:{booking.id}:confirmed"
    )


def reminder_windows(
    booking: Booking, zone: ZoneInfo
) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """(kind, due, deadline) of the booking's two reminders for its current slot."""
    eve = booking.service_date - dt.timedelta(days=1)
    day_due = dt.datetime.combine(eve, DAY_REMINDER_AT, zone)
    day_until = min(dt.datetime.combine(eve, DAY_REMINDER_UNTIL, zone), booking.slot_start)
    hour_due = booking.slot_start - HOUR_REMINDER_BEFORE
    return [
        ("booking_reminder_day", day_due, day_until),
        ("booking_reminder_hour", hour_due, booking.slot_start),
    ]


def _reminder_key(booking: Booking, kind: str) -> str:
    # The slot is part of the event: a booking moved to another day is reminded again.
    slot = f"{booking.slot_start.timestamp():.0f}"
    return f"booking:{booking.id}:{kind.removeprefix('booking_')}:{slot}"


def queue_due_reminders(ctx: Ctx) -> int:
    """The reminders due now for booked slots of subscribed bookings (the job's round):
    each once, inside its window. A booking made after a reminder's time gets none of
    that kind: its confirmation has just told them (a booking moved later is reminded at
    once: no confirmation follows a move). Returns how many were queued."""
    if ctx.notice_link_base is None:
        return 0
    before = ctx.notices_queued
    rows = ctx.session.execute(
        select(Booking, NoticeSubscription)
        .join(NoticeSubscription, NoticeSubscription.booking_id == Booking.id)
        .where(
            Booking.state == BookingState.BOOKED,
            Booking.slot_start > ctx.now,
            Booking.slot_start <= ctx.now + LOOKAHEAD,
            NoticeSubscription.unsubscribed_at.is_(None),
        )
        .order_by(Booking.slot_start, NoticeSubscription.id)
    ).all()
    for booking, subscription in rows:
        for kind, due, deadline in reminder_windows(booking, ctx.tz):
            if due <= ctx.now < deadline and booking.created_at < due:
                _notify(ctx, subscription, booking, kind, deadline, _reminder_key(booking, kind))
    return ctx.notices_queued - before


def _fail_queued(
    session: Session, booking: Booking, reason: str, kinds: Collection[str] | None = None
) -> int:
    """Fail the booking's notices not sent yet (of ``kinds``), with ``reason``."""
    query = (
        select(Notice)
        .join(NoticeSubscription, NoticeSubscription.id == Notice.subscription_id)
        .where(NoticeSubscription.booking_id == booking.id, Notice.state == NoticeState.QUEUED)
    )
    if kinds is not None:
        query = query.where(Notice.kind.in_(list(kinds)))
    waiting = session.scalars(query).all()
    for notice in waiting:
        notice.state = NoticeState.FAILED
        notice.reason = reason
    return len(waiting)


def booking_cancelled(ctx: Ctx, booking: Booking) -> None:
    """A cancellation: what was queued for the booking is not sent (reason
    ``cancelled``); when the hall cancelled (staff or a closure, not the visitor, who
    knows), the visitor is told, with the status link where the reason is."""
    if ctx.notice_link_base is None:
        return
    _fail_queued(ctx.session, booking, "cancelled")
    if booking.cancelled_by == "visitor":
        return
    deadline = max(booking.slot_start + CANCELLED_GRACE, ctx.now + CANCELLED_GRACE)
    key = f"booking:{booking.id}:cancelled"
    for subscription in active_for_booking(ctx.session, booking.id):
        _notify(ctx, subscription, booking, "booking_cancelled", deadline, key)


def booking_rescheduled(ctx: Ctx, booking: Booking) -> None:
    """Moved to another slot: the old slot's queued reminders are not sent; the new
    slot's are queued by the job in their time."""
    if ctx.notice_link_base is None:
        return
    _fail_queued(ctx.session, booking, "rescheduled", REMINDERS)


def booking_checked_in(ctx: Ctx, booking: Booking, ticket: Ticket) -> None:
    """The visitor is in the hall with the booking's ticket: reminders still queued are
    not sent, and each active consent of the booking is copied to the ticket (same
    channel, address, language and moment of consent), so the ticket's notices ("called",
    "N people ahead") reach them. A copy, not a move: the booking's own row stays what the
    visitor agreed to; STOP by Telegram or WhatsApp ends both, the ticket page's button the
    ticket's."""
    if ctx.notice_link_base is None:
        return
    _fail_queued(ctx.session, booking, "checked in", REMINDERS)
    for row in active_for_booking(ctx.session, booking.id):
        ctx.session.add(
            NoticeSubscription(
                ticket_id=ticket.id,
                channel=row.channel,
                address=row.address,
                language=row.language,
                consented_at=row.consented_at,
            )
        )
    ctx.session.flush()


__all__ = [
    "CONFIRMED_DEADLINE",
    "DAY_REMINDER_AT",
    "DAY_REMINDER_UNTIL",
    "HOUR_REMINDER_BEFORE",
    "REMINDERS",
    "active_for_booking",
    "booking_cancelled",
    "booking_checked_in",
    "booking_confirmed",
    "booking_rescheduled",
    "queue_due_reminders",
    "reminder_windows",
    "status_link",
]
