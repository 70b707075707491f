"""The monitor's alert for a notice channel that keeps failing or whose notices stopped
leaving (server/domain/notices/health.py), and that it clears by itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from server.domain.monitor import hall_monitor
from server.domain.notices.health import OVERDUE_AFTER, channel_alerts
from server.domain.notices.queueing import enqueue_notice, subscribe
from server.models import Notice, NoticeState
from tests.factories import Hall

if TYPE_CHECKING:
    from tests.server.domain.conftest import Desk


class Outbox:
    """Notices of one visitor's subscriptions, settled as a test says."""

    def __init__(self, desk: Desk, hall: Hall) -> None:
        self.desk = desk
        ticket = desk.issue(hall.ktp)
        now = desk.clock()
        self.subscriptions = {
            channel: subscribe(
                desk.session, channel=channel, address=address, now=now, ticket_id=ticket.id
            )
            for channel, address in (("whatsapp", "081234567890"), ("telegram", "123456789"))
        }
        self.count = 0

    def notice(self, channel: str, state: NoticeState, reason: str | None = None) -> Notice:
        self.count += 1
        now = self.desk.clock()
        notice = enqueue_notice(
            self.desk.session,
            self.subscriptions[channel],
            kind="called",
            now=now,
            deadline=now + dt.timedelta(minutes=3),
            body="…",
            idempotency_key=f"test:{self.count}",
        )
        assert notice is not None
        notice.state = state
        notice.reason = reason
        self.desk.session.flush()
        return notice


@pytest.fixture
def outbox(desk: Desk, hall: Hall) -> Outbox:
    return Outbox(desk, hall)


def alerts(desk: Desk) -> list[dict[str, Any]]:
    return [a.to_dict() for a in channel_alerts(desk.session, desk.clock())]


def test_three_failures_in_a_row_raise_the_alert_with_the_latest_reason(
    desk: Desk, outbox: Outbox
) -> None:
    outbox.notice("whatsapp", NoticeState.SENT)
    outbox.notice("whatsapp", NoticeState.FAILED, "device disconnected")
    outbox.notice("whatsapp", NoticeState.EXPIRED, "deadline passed before it could be sent")
    assert alerts(desk) == []  # two in a row: one visitor's trouble, perhaps
    outbox.notice("whatsapp", NoticeState.FAILED, "invalid token")
    [alert] = alerts(desk)
    assert alert["channel"] == "whatsapp" and alert["kind"] == "failed"
    assert alert["failed"] == 3 and alert["reason"] == "invalid token"


def test_the_alert_clears_when_a_notice_goes_through(desk: Desk, outbox: Outbox) -> None:
    for _ in range(3):
        outbox.notice("telegram", NoticeState.FAILED, "bot blocked")
    assert [a["channel"] for a in alerts(desk)] == ["telegram"]
    outbox.notice("telegram", NoticeState.DELIVERED)
    assert alerts(desk) == []


def test_one_channel_failing_does_not_mark_the_other(desk: Desk, outbox: Outbox) -> None:
    for _ in range(3):
        outbox.notice("whatsapp", NoticeState.FAILED, "target invalid")
        outbox.notice("telegram", NoticeState.SENT)
    assert [a["channel"] for a in alerts(desk)] == ["whatsapp"]


def test_notices_failed_by_the_visitors_stop_are_not_the_channels_fault(
    desk: Desk, outbox: Outbox
) -> None:
    for _ in range(3):
        outbox.notice("whatsapp", NoticeState.FAILED, "unsubscribed")
    assert alerts(desk) == []


def test_a_notice_waiting_past_its_time_raises_the_overdue_alert_until_it_leaves(
    desk: Desk, outbox: Outbox
) -> None:
    waiting = outbox.notice("whatsapp", NoticeState.QUEUED)
    due = waiting.next_attempt_at
    desk.clock.advance(seconds=OVERDUE_AFTER.total_seconds() - 1)
    assert alerts(desk) == []  # the worker's pause and a slow provider: not yet
    desk.clock.advance(seconds=2)
    [alert] = alerts(desk)
    assert alert["kind"] == "overdue" and alert["since"] == due.isoformat()
    waiting.state = NoticeState.SENT
    desk.session.flush()
    assert alerts(desk) == []


def test_a_notice_stranded_mid_send_raises_the_overdue_alert(desk: Desk, outbox: Outbox) -> None:
    stuck = outbox.notice("telegram", NoticeState.SENDING)
    stuck.lease_until = desk.clock() + dt.timedelta(seconds=40)
    desk.session.flush()
    desk.clock.advance(seconds=40 + OVERDUE_AFTER.total_seconds() + 1)
    assert [a["kind"] for a in alerts(desk)] == ["overdue"]


@pytest.fixture
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    event.listen(session.get_bind(), "before_cursor_execute", count)
    yield seen
    event.remove(session.get_bind(), "before_cursor_execute", count)


def test_the_monitor_shows_the_alert_read_in_one_statement(
    desk: Desk, outbox: Outbox, statements: list[str]
) -> None:
    for _ in range(3):
        outbox.notice("whatsapp", NoticeState.FAILED, "invalid token")
    outbox.notice("telegram", NoticeState.QUEUED)
    desk.clock.advance(minutes=5)
    statements.clear()
    picture = hall_monitor(desk.ctx())
    assert [(a["channel"], a["kind"]) for a in picture["notices"]] == [
        ("whatsapp", "failed"),
        ("telegram", "overdue"),
    ]
    assert picture["summary"]["notice_channels_failing"] == 2
    assert sum(" notices" in sql for sql in statements) == 1
