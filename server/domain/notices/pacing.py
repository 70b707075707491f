"""How often the hall may call each provider: one pace per channel, kept in the database
so that all the hall's notice workers together keep it.

Providers set their own limits (Telegram about 30 messages a second per bot, Meta's 80 a
second per WhatsApp number, the gateways' device-friendly pace for Fonnte and Wablas:
each provider's section of docs/notifications.md), and they count the hall's sends, not
one process's (docs/notifications.md#pace). A
bucket of tokens per worker was tried first: with the in-server worker of every server
process and any number of ``notify-worker`` processes, N workers sent N times the pace,
and for Fonnte and Wablas the pace is what keeps the hall's number from being banned.

The shared pace is a token bucket written as one moment per channel (the generic cell
rate algorithm): ``notice_pace.free_at``, the earliest a channel's next send may start.
Taking a send slot is one upsert that changes the row only while ``free_at <= now``, and
then moves it one interval (60 / ``per_minute`` seconds) past ``max(free_at, now -
allowance)``; the allowance of ``burst - 1`` intervals lets a channel that was idle send
``burst`` at once. Two workers racing for one slot both run it: the database lets one
change the row (its row lock on PostgreSQL, the one writer on SQLite) and checks the
other's condition against the changed row, where it no longer holds.

A worker takes the slot in the transaction that claims the notice (``server.notify.
worker``): a notice is never claimed without its slot, so it never waits in ``sending``
for its turn, and a slot taken for notices another worker claimed first is given back
before anything commits. ``free_at`` never moves back once committed, which lets a worker
skip the database while the moment it last read is still ahead.

The moments are the workers' clocks. On one machine they agree; workers on several
machines need their clocks kept (NTP): a clock ``s`` seconds ahead lets its worker send
up to ``s`` seconds' worth of slots early, once, never a faster pace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from server.domain.sql import run

# Text, not a Core insert: both SQLite and PostgreSQL read this upsert the same way. A
# channel's first send creates its row, as if it had been idle (free_at = floor).
_TAKE = text(
    "INSERT INTO notice_pace (channel, free_at) VALUES (:channel, :floor + :interval) "
    "ON CONFLICT (channel) DO UPDATE SET free_at = CASE WHEN notice_pace.free_at > :floor "
    "THEN notice_pace.free_at ELSE :floor END + :interval "
    "WHERE notice_pace.free_at <= :now "
    "RETURNING free_at"
)
_GIVE_BACK = text("UPDATE notice_pace SET free_at = free_at - :interval WHERE channel = :channel")


@dataclass(frozen=True)
class Pace:
    """``per_minute`` sends a minute on average, at most ``burst`` at once."""

    per_minute: float
    burst: int

    @classmethod
    def of(cls, per_minute: float) -> Pace:
        """A provider's per-minute limit, with a second's worth of sends (at least one) as
        the burst: Telegram at 1200 a minute may send 20 at once, Fonnte one at a time."""
        if per_minute <= 0:
            raise ValueError("per_minute must be positive")
        return cls(per_minute, max(1, round(per_minute / 60)))

    @property
    def interval(self) -> float:
        """Seconds from one send to the next, at the average pace."""
        return 60.0 / self.per_minute

    @property
    def allowance(self) -> float:
        """How far behind the pace an idle channel may fall: ``burst`` sends at once."""
        return (self.burst - 1) * self.interval


def take_slot(session: Session, channel: str, pace: Pace, now: dt.datetime) -> dt.datetime | None:
    """Take ``channel``'s next send slot at ``now``, for the notice about to be claimed in
    the same transaction. Returns the earliest the slot after it may start, or None when
    the pace allows no send now (and nothing changed)."""
    at = now.timestamp()
    params = {
        "channel": channel,
        "now": at,
        "floor": at - pace.allowance,
        "interval": pace.interval,
    }
    free_at = run(session, _TAKE, params).scalar_one_or_none()
    return None if free_at is None else dt.datetime.fromtimestamp(free_at, dt.UTC)


def give_back_slot(session: Session, channel: str, pace: Pace) -> None:
    """Undo ``take_slot``, in the transaction that took the slot, when there was no notice
    to send after all (other workers claimed the due ones first): no other worker can
    have taken a slot since, so the next one asking gets this one."""
    run(session, _GIVE_BACK, {"channel": channel, "interval": pace.interval})
