"""A few notices of the demo's last day, so the console's message log
(``/admin/notices``) shows each state at once, and a booking's confirmation sent. The
numbers are made up (``+62 812-0000-…``, the demo bookings' own), and no notice is queued:
these are past, settled notices (the demo phone, when ``scripts/demo`` starts it,
receives only today's).

Each row is one the real code writes: the kinds the triggers queue for that channel
(a "subscribed" confirmation only on Telegram, where the visitor started the bot), the
texts they render, and each reason worded as the adapter or the retry rules word it
(``server/notify/``, ``domain/notices/delivery.py``), so the console's Indonesian
catalogue (``notices.reasons``) translates them as it would a real hall's.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.context import Ctx
from server.domain.notices import booking_opt_in, texts
from server.domain.notices.queueing import enqueue_notice, subscribe
from server.domain.settings import load_settings
from server.models import (
    Booking,
    BookingState,
    Counter,
    Notice,
    NoticeState,
    NoticeSubscription,
    Ticket,
    TicketState,
)

# Where the texts' status links start: the demo server's default address.
LINK_BASE = "http://127.0.0.1:5080"

# (kind, channel, final state, tries, reason): one line of the log each. The reasons are
# the adapters' words for Telegram's answer to a bot the visitor blocked, Fonnte's for a
# bad number, the retry rules' for a call still failing when its 3 minutes ran out
# (5, 10, 20, 40, 80 s apart: the sixth try would come too late), and an SMS gateway's
# refusal in its own words.
LINES = (
    ("subscribed", "telegram", NoticeState.SENT, 1, None),
    ("ahead", "whatsapp", NoticeState.DELIVERED, 1, None),
    ("called", "whatsapp", NoticeState.SENT, 1, None),
    (
        "called",
        "telegram",
        NoticeState.FAILED,
        1,
        "Telegram: Forbidden: bot was blocked by the user",
    ),
    ("ahead", "whatsapp", NoticeState.FAILED, 1, "Fonnte: target invalid"),
    (
        "called",
        "whatsapp",
        NoticeState.EXPIRED,
        6,
        "deadline passed while retrying: Fonnte: device disconnected",
    ),
    ("called", "sms", NoticeState.SENT, 1, None),
    ("ahead", "sms", NoticeState.FAILED, 1, "SMS gateway: Saldo tidak mencukupi (HTTP 200)"),
)


def _body(session: Session, ticket: Ticket, kind: str) -> str:
    """The text the trigger of ``kind`` renders for ``ticket`` (Indonesian)."""
    link = f"{LINK_BASE}/t/{ticket.status_code}"
    if kind == "subscribed":
        return texts.stored_texts(session).render(kind, "id", texts.subscribed(ticket.number, link))
    counter = session.get(Counter, ticket.counter_id) if ticket.counter_id else None
    words = (
        texts.called(ticket.number, counter.label if counter else "Loket", link)
        if kind == "called"
        else texts.ahead(ticket.number, 3, link)
    )
    return texts.stored_texts(session).render(kind, "id", words)


def _provider_id(channel: str, ticket: Ticket) -> str:
    """An id shaped as the provider's: Fonnte's digits, Telegram's message_id, the SMS
    gateway's."""
    if channel == "whatsapp":
        return str(80_000_000 + ticket.id)
    if channel == "telegram":
        return str(1_000 + ticket.id)
    return f"sms-{ticket.id}"


def seed_demo_notices(session: Session) -> int:
    """Notices for the latest served tickets (the past month's last day); returns how many."""
    tickets = session.scalars(
        select(Ticket)
        .where(Ticket.state == TicketState.DONE, Ticket.called_at.is_not(None))
        .order_by(Ticket.id.desc())
        .limit(len(LINES))
    ).all()
    for n, (ticket, (kind, channel, state, tries, reason)) in enumerate(
        zip(tickets, LINES, strict=False)
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
            deadline=at + dt.timedelta(minutes=30 if kind == "subscribed" else 3),
            body=_body(session, ticket, kind),
            idempotency_key=f"demo:{ticket.id}:{kind}",
        )
        assert notice is not None
        notice.state, notice.attempts, notice.reason = state, tries, reason
        if state in (NoticeState.SENT, NoticeState.DELIVERED):
            notice.sent_at = at + dt.timedelta(seconds=2)
            notice.provider_message_id = _provider_id(channel, ticket)
        if state == NoticeState.DELIVERED:
            notice.delivered_at = at + dt.timedelta(seconds=6)
    return min(len(tickets), len(LINES))


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
    ctx = Ctx(session, booking.created_at, load_settings(session), notice_link_base=LINK_BASE)
    subscription = booking_opt_in.consent_at_booking(ctx, booking, "whatsapp")
    notice = (
        session.scalar(select(Notice).where(Notice.subscription_id == subscription.id))
        if subscription is not None
        else None
    )
    if notice is None:  # the slot began within a second of the booking: nothing queued
        return False
    notice.state, notice.attempts = NoticeState.SENT, 1
    notice.sent_at = booking.created_at + dt.timedelta(seconds=2)
    notice.provider_message_id = str(80_000_000 + 500_000 + booking.id)
    return True
