"""A visitor's consent to notices about a booking: at booking (the booking's own phone
number, a box on the form), by Telegram from the booking's status page, and "stop".

The number is the one the booking already keeps (``bookings.phone``): nothing new is
asked, and the subscription row is deleted by ``prune`` with the booking's day.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from server.domain.context import Ctx
from server.models import Booking, BookingState, NoticeSubscription
from shared.booking_code import shown

from . import texts
from .booking_triggers import active_for_booking, booking_confirmed, status_link
from .queueing import enqueue_notice, subscribe, unsubscribe

# Channels that send to the booking's phone number (Telegram needs the visitor to start
# the bot, from the status page).
PHONE_CHANNELS = ("whatsapp", "sms")
CONFIRMATION_DEADLINE = dt.timedelta(minutes=30)


def consent_at_booking(ctx: Ctx, booking: Booking, channel: str) -> NoticeSubscription | None:
    """The box ticked on the booking form: notices to the booking's phone on ``channel``,
    and the confirmation queued at once, in the booking's transaction. None (nothing kept)
    when the hall has no notice channel."""
    if ctx.notice_link_base is None or booking.phone is None:
        return None
    if channel not in PHONE_CHANNELS:
        raise ValueError(f"{channel!r} does not send to a phone number")
    row = subscribe(
        ctx.session,
        channel=channel,
        address=booking.phone,
        now=ctx.now,
        booking_id=booking.id,
        language=booking.language,
    )
    booking_confirmed(ctx, booking, row)
    return row


def stop_booking(session: Session, booking_id: int, now: dt.datetime) -> int:
    """The status page's "stop" button: every active subscription of the booking ends
    (its queued notices fail with ``unsubscribed``)."""
    found = active_for_booking(session, booking_id)
    for row in found:
        unsubscribe(session, row, now)
    return len(found)


def bind_telegram(
    session: Session,
    booking_id: int,
    chat_id: str,
    now: dt.datetime,
    link_base: str,
    language: str | None = None,
) -> NoticeSubscription | None:
    """``/start b<id>_…``: the chat gets the booking's notices while it is booked, and a
    confirmation, in the language of the status page the link was on (``language``), or
    the booking's own for a link made before the page's language was carried. Twice is
    once."""
    booking = session.get(Booking, booking_id)
    if booking is None or booking.state != BookingState.BOOKED:
        return None
    for row in active_for_booking(session, booking.id):
        if row.channel == "telegram" and row.address == chat_id:
            return row
    row = subscribe(
        session,
        channel="telegram",
        address=chat_id,
        now=now,
        booking_id=booking.id,
        language=language or booking.language,
    )
    words = texts.booking_subscribed(shown(booking.code), status_link(link_base, booking))
    queue_confirmation(session, row, "booking_subscribed", words, now)
    return row


def queue_confirmation(
    session: Session,
    row: NoticeSubscription,
    text_kind: str,
    words: dict[str, object],
    now: dt.datetime,
) -> None:
    """The bot's first message to a chat that pressed Start (a ticket's or a booking's):
    through the outbox like every notice, in the subscription's language, with the
    hall's edited words (the console's editor, as the triggers read them). Plain text
    only: it goes to Telegram, never as a WhatsApp template."""
    body = texts.stored_texts(session).render(text_kind, row.language, words)
    enqueue_notice(
        session,
        row,
        kind="subscribed",
        now=now,
        deadline=now + CONFIRMATION_DEADLINE,
        body=body,
        idempotency_key=f"subscription:{row.id}:subscribed",
    )
