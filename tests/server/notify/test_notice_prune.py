"""``prune`` deletes the subscriptions (the visitor's number or chat) and notices of old
days with their tickets, and archives none of them."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from server.domain.retention import Cutoff, JsonLinesArchive, prune, read_archive
from server.models import Notice, NoticeSubscription, Ticket

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
