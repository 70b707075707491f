"""Whether each notice channel is getting its messages out, for the hall monitor.

A channel is in trouble, like a silent device, when its last ``FAILED_IN_A_ROW``
settled notices all failed or expired (a token revoked, a Fonnte phone unlinked, a bot
blocked), or when a notice has waited past its time for longer than ``OVERDUE_AFTER``
(no worker runs: ``notify-worker`` stopped, or ``in_server`` off with no worker beside
it; or a provider that holds every request until the timeout). Both clear by
themselves: the next notice that goes through, or the queue drained.

One statement for every channel together, on the notices table (a few rows a day per
visitor who opted in, pruned with the tickets): the last settled notices of each
channel walk the primary key backwards, the overdue ones use the claim's index.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, cast, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from server.models import Notice, NoticeState, UTCDateTime

from .queueing import CHANNELS
from .reasons import indonesian

# Three in a row: one visitor's wrong number or blocked bot is not the channel's fault;
# three different visitors' in a row rarely are.
FAILED_IN_A_ROW = 3
# Past the worker's pause (2 s) and a slow provider's timeout (10 s) by far; short
# enough that a stopped worker is seen before the "called" notices (3 minutes) expire.
OVERDUE_AFTER = dt.timedelta(minutes=2)
_SETTLED = (NoticeState.SENT, NoticeState.DELIVERED, NoticeState.FAILED, NoticeState.EXPIRED)
_GONE_WRONG = (NoticeState.FAILED, NoticeState.EXPIRED)
# A visitor's STOP fails their queued notices: not the channel's doing.
_NOT_THE_CHANNELS = "unsubscribed"


@dataclass(frozen=True)
class ChannelAlert:
    """One channel in trouble: ``failed`` (the last N in a row, with the latest reason)
    or ``overdue`` (its oldest notice due since ``since``)."""

    channel: str
    kind: str
    reason: str | None = None
    failed: int = 0
    since: dt.datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "channel": self.channel,
            "kind": self.kind,
            "reason": self.reason,
            # For the Indonesian monitor: the log's words for it (``reasons.indonesian``).
            "reason_id": indonesian(self.reason) if self.reason else None,
            "failed": self.failed,
            "since": self.since.isoformat() if self.since is not None else None,
        }


def _last_settled(channel: str) -> Any:
    wrong = case((Notice.state.in_(_GONE_WRONG), 1), else_=0)
    latest = (
        select(
            literal("recent").label("part"),
            Notice.channel,
            Notice.id,
            wrong.label("wrong"),
            Notice.reason,
            # Typed, so the union reads the overdue part's datetimes as UTC datetimes.
            cast(null(), UTCDateTime()).label("since"),
        )
        .where(
            Notice.channel == channel,
            Notice.state.in_(_SETTLED),
            or_(Notice.reason.is_(None), Notice.reason != _NOT_THE_CHANNELS),
        )
        .order_by(Notice.id.desc())
        .limit(FAILED_IN_A_ROW)
        .subquery()
    )
    return select(*latest.c)


def _overdue(now: dt.datetime) -> Any:
    late = now - OVERDUE_AFTER
    waiting = (Notice.state == NoticeState.QUEUED) & (Notice.next_attempt_at < late)
    stranded = (Notice.state == NoticeState.SENDING) & (Notice.lease_until < late)
    return (
        select(
            literal("overdue").label("part"),
            Notice.channel,
            func.min(Notice.id),
            literal(0),
            null(),
            # The oldest: due since (a stranded one: since its last claim was due).
            func.min(Notice.next_attempt_at),
        )
        .where(waiting | stranded)
        .group_by(Notice.channel)
    )


def channel_alerts(session: Session, now: dt.datetime) -> list[ChannelAlert]:
    """The channels in trouble now, in ``CHANNELS`` order (one statement)."""
    parts = [_last_settled(channel) for channel in CHANNELS]
    rows = session.execute(union_all(*parts, _overdue(now))).all()
    recent: dict[str, list[tuple[int, bool, str | None]]] = {}
    late: dict[str, dt.datetime] = {}
    for part, channel, notice_id, wrong, reason, since in rows:
        if part == "overdue":
            late[channel] = since
        else:
            recent.setdefault(channel, []).append((notice_id, bool(wrong), reason))
    alerts = []
    for channel in CHANNELS:
        settled = sorted(recent.get(channel, []), reverse=True)
        if len(settled) == FAILED_IN_A_ROW and all(wrong for _, wrong, _ in settled):
            alerts.append(ChannelAlert(channel, "failed", settled[0][2], len(settled)))
        elif channel in late:
            alerts.append(ChannelAlert(channel, "overdue", since=late[channel]))
    return alerts
