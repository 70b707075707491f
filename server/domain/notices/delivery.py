"""Claiming due notices with a lease, and recording what the provider answered.

The claim is a compare-and-set ``UPDATE … WHERE`` on one row at a time: the row still
queued and due (or its lease run out), set to ``sending`` under this worker's name. Two
workers racing for one row both run the UPDATE; the database lets one change it (a row
lock on PostgreSQL, the single writer on SQLite) and the other's WHERE no longer holds,
so it changes nothing and moves on. The claim commits before the provider is called:
no transaction, and no SQLite write lock, is held across the network.

Once more, at most (docs/notifications.md#guarantees): a notice found ``sending`` with
its lease run out belonged to a worker that died or hung mid-send; whether the provider
accepted it is unknown. For a channel whose provider drops repeated idempotency keys
it is simply sent again; for the others it is sent again once (``interrupted`` set on
the way), and a second interruption ends it as failed rather than risk a third copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from server.models import Notice, NoticeState, NoticeSubscription

from .sending import Outcome, OutgoingNotice, SendResult

# Waits between tries: 5 s, 10 s, 20 s … up to 5 minutes, unless the provider asks for
# more. Without jitter: one worker's retries do not need spreading, and a hall's notices
# are few; the channel's pace keeps a burst of retries within the provider's rate.
BACKOFF_FIRST_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 300.0
# Also bounded by count, for a notice with a far deadline (a booking reminder).
MAX_ATTEMPTS = 8


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed try (1 for the first)."""
    seconds = BACKOFF_FIRST_SECONDS * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(BACKOFF_MAX_SECONDS, seconds))


def _changed(result: Any) -> int:
    """Rows an UPDATE changed (``Result`` is typed without ``rowcount``)."""
    return int(result.rowcount or 0)


def _lease_ran_out(now: dt.datetime) -> ColumnElement[bool]:
    return and_(Notice.state == NoticeState.SENDING, Notice.lease_until < now)


def expire_overdue(session: Session, now: dt.datetime) -> int:
    """Notices past their deadline are never sent: "your turn" an hour late helps nobody."""
    queued = session.execute(
        update(Notice)
        .where(Notice.state == NoticeState.QUEUED, Notice.deadline <= now)
        .values(state=NoticeState.EXPIRED, reason="deadline passed before it could be sent")
    )
    stranded = session.execute(
        update(Notice)
        .where(_lease_ran_out(now), Notice.deadline <= now)
        .values(
            state=NoticeState.EXPIRED,
            lease_owner=None,
            lease_until=None,
            reason="deadline passed after an interrupted send (it may have been delivered)",
        )
    )
    return _changed(queued) + _changed(stranded)


def give_up_twice_interrupted(session: Session, channel: str, now: dt.datetime) -> int:
    """A notice of ``channel`` (whose provider does not drop repeats) interrupted mid-send
    a second time is not tried a third."""
    result = session.execute(
        update(Notice)
        .where(
            Notice.channel == channel,
            _lease_ran_out(now),
            Notice.interrupted.is_(True),
        )
        .values(
            state=NoticeState.FAILED,
            lease_owner=None,
            lease_until=None,
            reason="interrupted twice mid-send; not tried again (it may have been delivered)",
        )
    )
    return _changed(result)


def any_open(session: Session) -> bool:
    """Whether any notice is queued or being sent: an idle worker round is one read."""
    open_states = (NoticeState.QUEUED, NoticeState.SENDING)
    return (
        session.scalar(select(Notice.id).where(Notice.state.in_(open_states)).limit(1)) is not None
    )


def due_ids(session: Session, channel: str, now: dt.datetime, limit: int) -> list[int]:
    """Notices of ``channel`` a worker may claim now, oldest due first."""
    if limit < 1:
        return []
    return list(
        session.scalars(
            select(Notice.id)
            .where(
                Notice.channel == channel,
                Notice.deadline > now,
                or_(
                    and_(Notice.state == NoticeState.QUEUED, Notice.next_attempt_at <= now),
                    _lease_ran_out(now),
                ),
            )
            .order_by(Notice.next_attempt_at, Notice.id)
            .limit(limit)
        )
    )


def claim(
    session: Session,
    notice_id: int,
    *,
    owner: str,
    now: dt.datetime,
    lease: dt.timedelta,
    idempotent: bool,
) -> bool:
    """Take one notice for this worker; False when another worker was quicker (or it is
    no longer due)."""
    taken = {
        "state": NoticeState.SENDING,
        "lease_owner": owner,
        "lease_until": now + lease,
        "attempts": Notice.attempts + 1,
    }
    fresh = session.execute(
        update(Notice)
        .where(
            Notice.id == notice_id,
            Notice.state == NoticeState.QUEUED,
            Notice.next_attempt_at <= now,
            Notice.deadline > now,
        )
        .values(taken)
    )
    if _changed(fresh) == 1:
        return True
    stranded = [Notice.id == notice_id, _lease_ran_out(now), Notice.deadline > now]
    if not idempotent:
        stranded.append(Notice.interrupted.is_(False))
    again = session.execute(update(Notice).where(*stranded).values({**taken, "interrupted": True}))
    return _changed(again) == 1


def outgoing(session: Session, notice_ids: Iterable[int]) -> list[OutgoingNotice]:
    """The claimed notices as their channel needs them; a notice whose visitor has
    unsubscribed meanwhile fails here instead of being sent."""
    rows = session.execute(
        select(Notice, NoticeSubscription)
        .join(NoticeSubscription, Notice.subscription_id == NoticeSubscription.id)
        .where(Notice.id.in_(list(notice_ids)))
        .order_by(Notice.id)
    ).all()
    out = []
    for notice, subscription in rows:
        if subscription.unsubscribed_at is not None:
            _finish(notice, NoticeState.FAILED, "unsubscribed")
            continue
        out.append(
            OutgoingNotice(
                id=notice.id,
                channel=notice.channel,
                address=subscription.address,
                body=notice.body,
                template=notice.template,
                parameters=tuple(notice.parameters or ()),
                language=subscription.language,
                idempotency_key=notice.idempotency_key,
                deadline=notice.deadline,
                attempt=notice.attempts,
            )
        )
    return out


def _finish(notice: Notice, state: NoticeState, reason: str | None) -> None:
    notice.state = state
    notice.reason = reason
    notice.lease_owner = None
    notice.lease_until = None


def record(
    session: Session, notice_id: int, *, owner: str, result: SendResult, now: dt.datetime
) -> NoticeState | None:
    """Store the provider's answer for a notice this worker holds; None when its lease
    was lost meanwhile (another worker took it after the lease ran out)."""
    notice = session.scalar(
        select(Notice)
        .where(
            Notice.id == notice_id,
            Notice.state == NoticeState.SENDING,
            Notice.lease_owner == owner,
        )
        .with_for_update()
    )
    if notice is None:
        return None
    if result.outcome is Outcome.SENT:
        _finish(notice, NoticeState.SENT, None)
        notice.provider_message_id = result.provider_message_id
        notice.sent_at = now
    elif result.outcome is Outcome.PERMANENT:
        _finish(notice, NoticeState.FAILED, result.reason)
    else:
        _retry_later(notice, result, now)
    return notice.state


def _retry_later(notice: Notice, result: SendResult, now: dt.datetime) -> None:
    wait = backoff(notice.attempts)
    if result.retry_after is not None:
        wait = max(wait, dt.timedelta(seconds=result.retry_after))
    reason = result.reason or "temporary failure"
    if notice.attempts >= MAX_ATTEMPTS:
        _finish(notice, NoticeState.FAILED, f"gave up after {notice.attempts} tries: {reason}")
    elif now + wait >= notice.deadline:
        _finish(notice, NoticeState.EXPIRED, f"deadline passed while retrying: {reason}")
    else:
        _finish(notice, NoticeState.QUEUED, reason)
        notice.next_attempt_at = now + wait


def record_delivery(
    session: Session, channel: str, provider_message_id: str, now: dt.datetime
) -> bool:
    """The provider reported the message reached the phone (a status webhook)."""
    result = session.execute(
        update(Notice)
        .where(
            Notice.channel == channel,
            Notice.provider_message_id == provider_message_id,
            Notice.state == NoticeState.SENT,
        )
        .values(state=NoticeState.DELIVERED, delivered_at=now)
    )
    return _changed(result) > 0


def record_provider_failure(
    session: Session, channel: str, provider_message_id: str, reason: str
) -> bool:
    """The provider reported, after accepting it, that the message could not be delivered
    (a ``failed`` status webhook): the console shows it failed, with the reason."""
    result = session.execute(
        update(Notice)
        .where(
            Notice.channel == channel,
            Notice.provider_message_id == provider_message_id,
            Notice.state.in_((NoticeState.SENT, NoticeState.DELIVERED)),
        )
        .values(state=NoticeState.FAILED, reason=reason[:200])
    )
    return _changed(result) > 0
