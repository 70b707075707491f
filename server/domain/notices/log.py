"""The console's message log: recent notices with their state and reason, the address
masked, no body (what was said is the kind's business; who it went to is not the
console's)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.models import Notice, NoticeState, NoticeSubscription, Ticket

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
    ticket: str  # the ticket's number, or "" for a booking's notice
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
        select(Notice, NoticeSubscription, Ticket.number)
        .join(NoticeSubscription, Notice.subscription_id == NoticeSubscription.id)
        .outerjoin(Ticket, NoticeSubscription.ticket_id == Ticket.id)
        .order_by(Notice.id.desc())
        .limit(LIMIT)
    )
    if state is not None:
        query = query.where(Notice.state == state)
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    return [
        LoggedNotice(
            id=notice.id,
            kind=notice.kind,
            channel=notice.channel,
            address=shown_address(subscription, chat_hint=True),
            ticket=number or "",
            state=str(notice.state),
            attempts=notice.attempts,
            reason=notice.reason or "",
            created=_when(notice.created_at, zone, today),
            sent=_when(notice.sent_at, zone, today),
            delivered=_when(notice.delivered_at, zone, today),
        )
        for notice, subscription, number in session.execute(query)
    ]
