"""The console's message log: recent notices with their state and reason, the address
masked, no body (what was said is the kind's business; who it went to is not the
console's)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from server.models import Booking, Notice, NoticeState, NoticeSubscription, Ticket
from shared.booking_code import shown

from .opt_in import shown_address

LIMIT = 200
STATES = tuple(state.value for state in NoticeState)


@dataclass(frozen=True)
class LoggedNotice:
    """One row of the log, ready to show: masked, in the hall's time."""

    id: int
    kind: str
    channel: str
    address: str  # masked
    ticket: str  # the ticket's number, or "booking <code>" for a booking's notice
    ticket_id: int | None
    state: str
    attempts: int
    reason: str
    created: str  # HH:MM (or the date before it when not today), the hall's time
    sent: str
    delivered: str


def _when(moment: dt.datetime | None, zone: ZoneInfo, today: dt.date) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    return local.strftime("%H.%M" if local.date() == today else "%d/%m %H.%M")


def recent(
    session: Session, timezone: str, now: dt.datetime, state: str | None = None
) -> list[LoggedNotice]:
    """The latest notices first, at most ``LIMIT``; only one state when asked."""
    query = (
        select(Notice, NoticeSubscription, Ticket.number, Ticket.id, Booking.code)
        .join(NoticeSubscription, Notice.subscription_id == NoticeSubscription.id)
        .outerjoin(Ticket, NoticeSubscription.ticket_id == Ticket.id)
        .outerjoin(Booking, NoticeSubscription.booking_id == Booking.id)
        .order_by(Notice.id.desc())
        .limit(LIMIT)
    )
    if state is not None:
        query = query.where(Notice.state == state)
    return _rows(session.execute(query), timezone, now)


def _rows(
    found: Iterable[Row[Notice, NoticeSubscription, str, int, str]],
    timezone: str,
    now: dt.datetime,
) -> list[LoggedNotice]:
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    return [
        LoggedNotice(
            id=notice.id,
            kind=notice.kind,
            channel=notice.channel,
            address=shown_address(subscription, chat_hint=True),
            ticket=number or (f"booking {shown(code)}" if code else ""),
            ticket_id=ticket_id,
            state=str(notice.state),
            attempts=notice.attempts,
            reason=notice.reason or "",
            created=_when(notice.created_at, zone, today),
            sent=_when(notice.sent_at, zone, today),
            delivered=_when(notice.delivered_at, zone, today),
        )
        for notice, subscription, number, ticket_id, code in found
    ]


@dataclass(frozen=True)
class LoggedSubscription:
    """One consent of a ticket's visitor, masked."""

    channel: str
    address: str
    language: str
    consented: str
    stopped: str


@dataclass(frozen=True)
class TicketNotices:
    """Everything the log knows of one ticket: its consents and its notices, oldest
    first (what the visitor was told, in order), masked, no bodies."""

    ticket_id: int
    number: str
    service_date: dt.date
    subscriptions: list[LoggedSubscription]
    notices: list[LoggedNotice]


def for_ticket(
    session: Session, timezone: str, now: dt.datetime, ticket_id: int
) -> TicketNotices | None:
    """The notices of one ticket; None when there is no such ticket."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return None
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    subscriptions = session.scalars(
        select(NoticeSubscription)
        .where(NoticeSubscription.ticket_id == ticket_id)
        .order_by(NoticeSubscription.id)
    ).all()
    found = session.execute(
        select(Notice, NoticeSubscription, Ticket.number, Ticket.id, Booking.code)
        .join(NoticeSubscription, Notice.subscription_id == NoticeSubscription.id)
        .join(Ticket, NoticeSubscription.ticket_id == Ticket.id)
        .outerjoin(Booking, NoticeSubscription.booking_id == Booking.id)
        .where(Ticket.id == ticket_id)
        .order_by(Notice.id)
    )
    return TicketNotices(
        ticket.id,
        ticket.number,
        ticket.service_date,
        [
            LoggedSubscription(
                s.channel,
                shown_address(s, chat_hint=True),
                s.language,
                _when(s.consented_at, zone, today),
                _when(s.unsubscribed_at, zone, today),
            )
            for s in subscriptions
        ],
        _rows(found, timezone, now),
    )
