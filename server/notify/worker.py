"""The notice worker: sends what is due, one notice at a time per channel, and records
the answer. Runs as a job of the server (``server.jobs``) or as its own process
(``antre-server notify-worker``); any number may run at once against one database.

Each notice is claimed in a transaction of its own that commits before the provider is
called, and its answer recorded in another: nothing holds a database lock across the
network, so a provider that hangs delays only further notices (by the timeout), never
a ticket. The claim's transaction also takes the channel's send slot, so that all the
workers together keep the channel's pace (``server.domain.notices.pacing``). Under
eventlet the HTTP call yields (the entry point patches sockets before ``requests`` is
imported), so the server's other greenlets go on meanwhile.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Callable, Mapping

from sqlalchemy.orm import Session

from server.db import Database
from server.domain.notices import delivery, pacing
from server.domain.notices.pacing import Pace
from server.domain.notices.sending import Channel, OutgoingNotice, SendResult

log = logging.getLogger("antre.notify")

# Beyond the provider call's own timeout, for the database round trips around it.
LEASE_MARGIN = dt.timedelta(seconds=30)


def worker_name() -> str:
    """Who holds a lease: enough to find the process in a hall's logs."""
    return f"{socket.gethostname()}:{os.getpid()}"[:48]


class NoticeWorker:
    """Sends the due notices of its channels, each channel at the pace the hall shares
    (``paces``; a channel without one is not paced)."""

    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        paces: Mapping[str, Pace],
        *,
        clock: Callable[[], dt.datetime],
        timeout_seconds: float,
        owner: str | None = None,
    ) -> None:
        self.db = db
        self.channels = dict(channels)
        self.paces = dict(paces)
        self.clock = clock
        self.lease = dt.timedelta(seconds=timeout_seconds) + LEASE_MARGIN
        self.owner = owner or worker_name()
        # The channel's next free slot as this worker last took it: the shared moment is
        # at least that late (it never moves back), so until then asking is a wasted write.
        self.free_at: dict[str, dt.datetime] = {}

    def run_once(self) -> int:
        """One round: give up what must be given up, then send what is due while the
        paces allow; returns how many notices were sent or settled."""
        with self.db.read() as session:
            if not delivery.any_open(session):
                return 0  # no write transaction (and no SQLite write lock) when idle
        self._settle_overdue()
        return sum(self._drain(name, channel) for name, channel in self.channels.items())

    def _settle_overdue(self) -> None:
        now = self.clock()
        with self.db.write() as session:
            expired = delivery.expire_overdue(session, now)
            failed = sum(
                delivery.give_up_twice_interrupted(session, name, now)
                for name, channel in self.channels.items()
                if not channel.idempotent
            )
        if expired or failed:
            log.info("notices: %d expired, %d given up after two interruptions", expired, failed)

    def _drain(self, name: str, channel: Channel) -> int:
        done = 0
        while (notice := self._claim_one(name, channel)) is not None:
            self._deliver(channel, notice)
            done += 1
        return done

    def _claim_one(self, name: str, channel: Channel) -> OutgoingNotice | None:
        """The next due notice of the channel, claimed with its send slot; None when none
        is due or the pace allows no send now."""
        now = self.clock()
        pace = self.paces.get(name)
        if pace is not None and now < self.free_at.get(name, now):
            return None
        with self.db.write() as session:
            notice_ids = delivery.due_ids(session, name, now, limit=5)
            if not notice_ids:
                return None  # no pace statement when nothing is due
            if pace is None:
                return self._claim_first(session, notice_ids, channel, now)
            free_at = pacing.take_slot(session, name, pace, now)
            if free_at is None:
                return None
            notice = self._claim_first(session, notice_ids, channel, now)
            if notice is None:
                pacing.give_back_slot(session, name, pace)
                return None
        self.free_at[name] = free_at
        return notice

    def _claim_first(
        self, session: Session, notice_ids: list[int], channel: Channel, now: dt.datetime
    ) -> OutgoingNotice | None:
        """The first of ``notice_ids`` this worker can claim and send; None when other
        workers were quicker for all of them."""
        for notice_id in notice_ids:
            if delivery.claim(
                session,
                notice_id,
                owner=self.owner,
                now=now,
                lease=self.lease,
                idempotent=channel.idempotent,
            ):
                ready = delivery.outgoing(session, [notice_id])
                if ready:
                    return ready[0]
        return None

    def _deliver(self, channel: Channel, notice: OutgoingNotice) -> None:
        result = _send(channel, notice)
        with self.db.write() as session:
            state = delivery.record(
                session, notice.id, owner=self.owner, result=result, now=self.clock()
            )
        if state is None:
            log.warning("notice %d: lease lost before its answer was recorded", notice.id)
        elif result.reason:
            log.warning("notice %d via %s: %s (%s)", notice.id, channel.name, state, result.reason)
        else:
            log.info("notice %d via %s: %s", notice.id, channel.name, state)


def _send(channel: Channel, notice: OutgoingNotice) -> SendResult:
    """The adapter's answer; an adapter's own bug counts as a temporary failure (its text
    is not kept: it could hold a URL with a token)."""
    try:
        return channel.send(notice)
    except Exception as exc:  # an adapter bug must not stop the worker
        return SendResult.temporary(f"adapter error ({type(exc).__name__})")
