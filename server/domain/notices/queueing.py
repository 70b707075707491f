"""Asking for notices and queueing them, inside the caller's transaction.

A queue command that causes a notice calls ``enqueue_notice`` in its own transaction:
the notice exists exactly when the event does (a rolled-back call queues nothing), and
the command never waits for a provider. With no subscription (no consent), nothing is
queued.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.errors import DomainError
from server.domain.identity import normalise_phone
from server.models import Notice, NoticeState, NoticeSubscription
from shared.errors import ErrorCode

# What the visitor chooses; which provider serves it is the hall's configuration.
CHANNELS = ("whatsapp", "telegram", "sms")
LANGUAGES = ("id", "en")
# A Telegram private chat id is the user's id: a positive integer (up to 52 bits).
_CHAT_ID = re.compile(r"[1-9][0-9]{0,15}")


def address_for(channel: str, text: str) -> str:
    """The stored form of ``text`` for ``channel`` (``+628…`` or a chat id), or a
    validation error naming the channel."""
    if channel not in CHANNELS:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"unknown notice channel {channel!r}")
    if channel == "telegram":
        if not _CHAT_ID.fullmatch(text.strip()):
            raise DomainError(ErrorCode.VALIDATION_ERROR, "a Telegram chat id is a number")
        return text.strip()
    phone = normalise_phone(text)
    if phone is None:
        raise DomainError(ErrorCode.VALIDATION_ERROR, "not an Indonesian mobile number")
    return phone


def subscribe(
    session: Session,
    *,
    channel: str,
    address: str,
    now: dt.datetime,
    ticket_id: int | None = None,
    booking_id: int | None = None,
    language: str = "id",
) -> NoticeSubscription:
    """Record the visitor's consent to notices about a ticket or a booking."""
    if (ticket_id is None) == (booking_id is None):
        raise DomainError(ErrorCode.VALIDATION_ERROR, "a ticket or a booking, not both")
    if language not in LANGUAGES:
        raise DomainError(ErrorCode.VALIDATION_ERROR, f"language must be one of {LANGUAGES}")
    row = NoticeSubscription(
        ticket_id=ticket_id,
        booking_id=booking_id,
        channel=channel,
        address=address_for(channel, address),
        language=language,
        consented_at=now,
    )
    session.add(row)
    session.flush()
    return row


def unsubscribe(session: Session, subscription: NoticeSubscription, now: dt.datetime) -> int:
    """Stop notices ("STOP"): the subscription ends and its queued notices fail with the
    reason; returns how many were still queued."""
    subscription.unsubscribed_at = now
    waiting = session.scalars(
        select(Notice).where(
            Notice.subscription_id == subscription.id, Notice.state == NoticeState.QUEUED
        )
    ).all()
    for notice in waiting:
        notice.state = NoticeState.FAILED
        notice.reason = "unsubscribed"
    return len(waiting)


def enqueue_notice(
    session: Session,
    subscription: NoticeSubscription,
    *,
    kind: str,
    now: dt.datetime,
    deadline: dt.datetime,
    body: str | None = None,
    template: str | None = None,
    parameters: Sequence[str] = (),
    idempotency_key: str | None = None,
) -> Notice | None:
    """Queue one notice for ``subscription``, to be sent before ``deadline``.

    ``idempotency_key`` names the event (``ticket:42:called:1``): queueing the same event
    twice returns the first notice. Returns None when the visitor unsubscribed."""
    if subscription.unsubscribed_at is not None:
        return None
    if (body is None) == (template is None):
        raise ValueError("a notice has a body or a template, not both")
    if deadline <= now:
        raise ValueError("a notice's deadline must be after now")
    key = idempotency_key or secrets.token_hex(16)
    existing = session.scalar(select(Notice).where(Notice.idempotency_key == key))
    if existing is not None:
        return existing
    notice = Notice(
        subscription_id=subscription.id,
        channel=subscription.channel,
        kind=kind,
        body=body,
        template=template,
        parameters=list(parameters) or None,
        idempotency_key=key,
        state=NoticeState.QUEUED,
        created_at=now,
        deadline=deadline,
        attempts=0,
        next_attempt_at=now,
        interrupted=False,
    )
    session.add(notice)
    session.flush()
    return notice
