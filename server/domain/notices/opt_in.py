"""A visitor's opt-in from the ticket page, the Telegram binding and "STOP".

The ticket page offers WhatsApp (a number typed in, with consent) and Telegram (the bot's
deep link ``https://t.me/<bot>?start=<payload>``). The payload is not the ticket's status
code (which opens the ticket page and must not travel through Telegram): it is the
ticket's id with an HMAC of it under a key used for this purpose only, so it cannot be
guessed for another ticket and opens nothing but the binding. No table is needed for it.
The page's language rides along (``t42-en_…``, under the same HMAC), so the confirmation
and the notices come in the language the visitor read the page in; a payload made before
the language was carried (``t42_…``) still binds, in Indonesian.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.identity import masked_phone
from server.models import OPEN_TICKET_STATES, NoticeSubscription, Ticket

from . import booking_opt_in, texts
from .queueing import LANGUAGES, subscribe, unsubscribe

# t<ticket id>-<language>_<22 characters of base64url HMAC>: at most 1 + 10 + 3 + 1 + 22
# = 37 ≤ 64; b<booking id>… for a booking (docs/notifications.md#opt-in-at-booking). The
# "-<language>" is absent from the payloads made before it was carried.
_PAYLOAD = re.compile(r"([tb])([1-9][0-9]{0,9})(?:-(id|en))?_([A-Za-z0-9_-]{22})")
_PURPOSE = b"antre telegram start payload v1"
# What a visitor writes to stop (any case, surrounding spaces and a leading slash allowed).
STOP_WORDS = frozenset({"stop", "berhenti", "unsubscribe"})


@dataclass(frozen=True)
class StartTarget:
    """What a ``/start`` payload of ours names: a ticket (``t``) or a booking (``b``), and
    the page's language, or None for a payload made before the language was carried."""

    kind: str
    id: int
    language: str | None


def _mac(secret: str, number: int, prefix: str, language: str | None) -> str:
    key = hmac.new(secret.encode(), _PURPOSE, hashlib.sha256).digest()
    # A ticket's MAC covers the bare id (the links given out before bookings); a booking's
    # covers "b<id>", so a ticket's payload cannot be turned into a booking's of the same
    # id; the language, when carried, is covered too (":en"), so it cannot be swapped.
    message = str(number) if prefix == "t" else f"{prefix}{number}"
    if language is not None:
        message += f":{language}"
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")


def _payload(secret: str, prefix: str, number: int, language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}")
    return f"{prefix}{number}-{language}_{_mac(secret, number, prefix, language)}"


def start_payload(secret: str, ticket_id: int, language: str) -> str:
    """The deep link's ``start`` payload for one ticket, read in ``language`` (Telegram's
    alphabet, ≤ 64)."""
    return _payload(secret, "t", ticket_id, language)


def booking_start_payload(secret: str, booking_id: int, language: str) -> str:
    """The deep link's ``start`` payload for one booking (its status page offers it)."""
    return _payload(secret, "b", booking_id, language)


def payload_target(secret: str, payload: str) -> StartTarget | None:
    """The ticket or booking (and language) of a payload this server made, or None for
    anything else."""
    match = _PAYLOAD.fullmatch(payload)
    if match is None:
        return None
    prefix, number, language = match.group(1), int(match.group(2)), match.group(3)
    if not hmac.compare_digest(_mac(secret, number, prefix, language), match.group(4)):
        return None
    return StartTarget(prefix, number, language)


def ticket_id_from_payload(secret: str, payload: str) -> int | None:
    """The ticket a payload was made for, or None for anything not made by this server."""
    target = payload_target(secret, payload)
    return target.id if target is not None and target.kind == "t" else None


def is_stop(text: str) -> bool:
    return text.strip().lstrip("/").strip().lower() in STOP_WORDS


def active_for_ticket(session: Session, ticket_id: int) -> list[NoticeSubscription]:
    return list(
        session.scalars(
            select(NoticeSubscription)
            .where(
                NoticeSubscription.ticket_id == ticket_id,
                NoticeSubscription.unsubscribed_at.is_(None),
            )
            .order_by(NoticeSubscription.id)
        )
    )


def shown_address(subscription: NoticeSubscription, *, chat_hint: bool = False) -> str:
    """The address as the visitor's page and the console show it: never in full (the
    console sees a chat id's last three digits, to tell two chats apart)."""
    if subscription.channel == "telegram":
        return f"Telegram …{subscription.address[-3:]}" if chat_hint else "Telegram"
    return masked_phone(subscription.address)


# The channels a visitor reaches by a phone number typed on the ticket page.
PHONE_CHANNELS = ("whatsapp", "sms")


def subscribe_phone(
    session: Session,
    ticket: Ticket,
    channel: str,
    phone: str,
    language: str,
    now: dt.datetime,
) -> NoticeSubscription:
    """The number typed on the ticket page for WhatsApp or SMS; a second number on the
    same channel replaces the first (one address per channel and ticket)."""
    if channel not in PHONE_CHANNELS:
        raise ValueError(f"{channel!r} is not reached by a phone number")
    for old in active_for_ticket(session, ticket.id):
        if old.channel == channel:
            unsubscribe(session, old, now)
    return subscribe(
        session,
        channel=channel,
        address=phone,
        now=now,
        ticket_id=ticket.id,
        language=language,
    )


def stop_ticket(session: Session, ticket_id: int, now: dt.datetime) -> int:
    """The page's "stop" button: every active subscription of the ticket ends."""
    found = active_for_ticket(session, ticket_id)
    for row in found:
        unsubscribe(session, row, now)
    return len(found)


def stop_address(session: Session, channel: str, address: str, now: dt.datetime) -> int:
    """ "STOP" written to the bot or to the hall's WhatsApp number: every active
    subscription of that chat or number ends (tickets and bookings alike)."""
    found = session.scalars(
        select(NoticeSubscription).where(
            NoticeSubscription.channel == channel,
            NoticeSubscription.address == address,
            NoticeSubscription.unsubscribed_at.is_(None),
        )
    ).all()
    for row in found:
        unsubscribe(session, row, now)
    return len(found)


def bind_telegram(
    session: Session,
    secret: str,
    payload: str,
    chat_id: str,
    now: dt.datetime,
    link_base: str = "",
) -> NoticeSubscription | None:
    """``/start <payload>``: the chat gets the ticket's (or the booking's) notices in the
    payload's language, and a confirmation is queued (the bot may write now: the visitor
    started it). None when the payload is not one of ours, or the ticket is gone or
    finished (the booking no longer booked). Binding twice is one binding."""
    target = payload_target(secret, payload)
    if target is None:
        return None
    if target.kind == "b":
        return booking_opt_in.bind_telegram(
            session, target.id, chat_id, now, link_base, target.language
        )
    ticket = session.get(Ticket, target.id)
    if ticket is None or ticket.state not in OPEN_TICKET_STATES:
        return None
    for row in active_for_ticket(session, ticket.id):
        if row.channel == "telegram" and row.address == chat_id:
            return row
    language = target.language or "id"
    row = subscribe(
        session,
        channel="telegram",
        address=chat_id,
        now=now,
        ticket_id=ticket.id,
        language=language,
    )
    link = f"{link_base.rstrip('/')}/t/{ticket.status_code}"
    booking_opt_in.queue_confirmation(
        session, row, "subscribed", texts.subscribed(ticket.number, link), now
    )
    return row
