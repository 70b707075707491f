"""A few notices of the demo's last day, so the console's message log
(``/admin/notices``) shows each state at once, and a booking's confirmation sent. The
numbers are made up (``+62 812-0000-…``, the demo bookings' own), and no notice is queued:
the demo configures no channel, so nothing would send them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.notices.queueing import enqueue_notice, subscribe
from server.models import (
    Booking,
    BookingState,
    NoticeState,
    NoticeSubscription,
    Ticket,
    TicketState,
)
from shared.booking_code import shown

# (kind, channel, final state, tries, reason): one line of the log each.
_LINES = (
    ("subscribed", "whatsapp", NoticeState.DELIVERED, 1, None),
    ("ahead", "whatsapp", NoticeState.DELIVERED, 1, None),
    ("called", "whatsapp", NoticeState.SENT, 1, None),
    ("subscribed", "telegram", NoticeState.SENT, 1, None),
    ("called", "telegram", NoticeState.FAILED, 1, "bot blocked by the visitor (Telegram 403)"),
    ("ahead", "whatsapp", NoticeState.FAILED, 1, "target invalid (Fonnte)"),
    ("called", "whatsapp", NoticeState.EXPIRED, 3, "past its deadline after: device disconnected"),
    ("called", "sms", NoticeState.SENT, 1, None),
    ("ahead", "sms", NoticeState.FAILED, 1, "SMS gateway: Saldo tidak mencukupi (HTTP 200)"),
)


def seed_demo_notices(session: Session) -> int:
    """Notices for the latest served tickets (the past month's last day); returns how many."""
    tickets = session.scalars(
        select(Ticket)
        .where(Ticket.state == TicketState.DONE, Ticket.called_at.is_not(None))
        .order_by(Ticket.id.desc())
        .limit(len(_LINES))
    ).all()
    for n, (ticket, (kind, channel, state, tries, reason)) in enumerate(
        zip(tickets, _LINES, strict=False)
    ):
        assert ticket.called_at is not None
        at = ticket.called_at - dt.timedelta(minutes=5 if kind == "ahead" else 0)
        if kind == "subscribed":
            at = ticket.issued_at + dt.timedelta(minutes=1)
        address = f"70000{n:04d}" if channel == "telegram" else f"08120000{n:04d}"
        subscription = subscribe(
            session, channel=channel, address=address, now=ticket.issued_at, ticket_id=ticket.id
        )
        notice = enqueue_notice(
            session,
            subscription,
            kind=kind,
            now=at,
            deadline=at + dt.timedelta(minutes=30),
            body=f"Nomor antrean {ticket.number}",
            idempotency_key=f"demo:{ticket.id}:{kind}",
        )
        assert notice is not None
        notice.state, notice.attempts, notice.reason = state, tries, reason
        if state in (NoticeState.SENT, NoticeState.DELIVERED):
            notice.sent_at = at + dt.timedelta(seconds=2)
            notice.provider_message_id = f"demo-{ticket.id}-{kind}"
        if state == NoticeState.DELIVERED:
            notice.delivered_at = at + dt.timedelta(seconds=6)
    return min(len(tickets), len(_LINES))


def seed_booking_consent(session: Session, now: dt.datetime) -> bool:
    """One booking still to come with the visitor's consent at booking (its own made-up
    number) and its confirmation sent, as ``booking_opt_in.consent_at_booking`` would have
    queued it: the message log's booking line. Once: nothing when a booking to come has a
    subscription already. Whether one was added."""
    upcoming = select(Booking.id).where(
        Booking.state == BookingState.BOOKED, Booking.slot_start > now
    )
    if session.scalar(
        select(NoticeSubscription.id).where(NoticeSubscription.booking_id.in_(upcoming))
    ):
        return False
    booking = session.scalars(
        select(Booking)
        .where(Booking.id.in_(upcoming), Booking.phone.is_not(None))
        .order_by(Booking.slot_start.desc())
    ).first()
    if booking is None or booking.phone is None:
        return False
    subscription = subscribe(
        session,
        channel="whatsapp",
        address=booking.phone,
        now=booking.created_at,
        booking_id=booking.id,
        language=booking.language,
    )
    notice = enqueue_notice(
        session,
        subscription,
        kind="booking_confirmed",
        now=booking.created_at,
        deadline=booking.created_at + dt.timedelta(hours=1),
        body=f"Booking {shown(booking.code)} tercatat",
        idempotency_key=f"demo:booking:{booking.id}:confirmed",
    )
    assert notice is not None
    notice.state, notice.attempts = NoticeState.SENT, 1
    notice.sent_at = booking.created_at + dt.timedelta(seconds=2)
    notice.provider_message_id = f"demo-booking-{booking.id}"
    return True
