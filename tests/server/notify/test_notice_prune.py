"""``prune`` deletes the subscriptions (the visitor's number or chat) and notices of old
days with their tickets and bookings, and archives none of them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import func, select

from server.domain.notices.queueing import enqueue_notice, subscribe
from server.domain.retention import Cutoff, JsonLinesArchive, prune, read_archive
from server.models import Booking, BookingState, Notice, NoticeSubscription, Ticket

from .conftest import Notices, ticket_in


def count(notices: Notices, model: type) -> int:
    with notices.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_an_old_days_subscriptions_and_notices_go_with_its_tickets(
    notices: Notices, tmp_path: Path
) -> None:
    notices.queue("whatsapp")
    notices.queue("telegram")
    notices.clock.advance(days=7)
    notices.ticket_id = ticket_in(notices.db, notices.hall, notices.clock())
    kept = notices.queue("whatsapp")

    with JsonLinesArchive(tmp_path / "archive.jsonl.gz") as archive:
        result = prune(
            notices.db.write,
            Cutoff.older_than(3, notices.clock(), "Asia/Jakarta"),
            archive=archive,
        )

    assert result.rows["notice_subscriptions"] == 2
    assert result.rows["notices"] == 2
    assert count(notices, NoticeSubscription) == 1
    assert count(notices, Ticket) == 1
    assert notices.notice(kept).subscription_id is not None
    archived_tables = {table for table, _ in read_archive(tmp_path / "archive.jsonl.gz")}
    assert "tickets" in archived_tables
    assert not archived_tables & {"notice_subscriptions", "notices"}
    assert count(notices, Notice) == 1


def test_an_old_days_booking_subscriptions_and_notices_go_too(
    notices: Notices, tmp_path: Path
) -> None:
    now = notices.clock()
    with notices.db.write() as session:
        booking = Booking(
            code="K7QPM2XA", manage_hash="0" * 64, service_id=notices.hall.kk,
            service_date=now.date(), slot_start=now, slot_minutes=30, state=BookingState.BOOKED,
            phone="+6281234567890", created_at=now, late=False,
        )  # fmt: skip
        session.add(booking)
        session.flush()
        row = subscribe(
            session, channel="whatsapp", address="0812-3456-7890", now=now, booking_id=booking.id
        )
        enqueue_notice(
            session, row, kind="booking_confirmed", now=now,
            deadline=now + dt.timedelta(hours=1), body="Booking K7QP-M2XA tercatat",
        )  # fmt: skip
    notices.clock.advance(days=7)

    with JsonLinesArchive(tmp_path / "archive.jsonl.gz") as archive:
        result = prune(
            notices.db.write,
            Cutoff.older_than(3, notices.clock(), "Asia/Jakarta"),
            archive=archive,
        )

    assert result.rows["notice_subscriptions"] == 1 and result.rows["notices"] == 1
    assert count(notices, NoticeSubscription) == 0 and count(notices, Notice) == 0
    archived_tables = {table for table, _ in read_archive(tmp_path / "archive.jsonl.gz")}
    assert not archived_tables & {"notice_subscriptions", "notices"}
