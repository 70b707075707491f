"""Queue events queue notices for the tickets whose visitors asked for them
(server/domain/notices/triggers.py): one per event, none without consent, none after
STOP, and nothing at all (not even a read) when the hall has no notice channel."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from server.domain import counters
from server.domain.context import SYSTEM, Actor, Ctx
from server.domain.notices.queueing import subscribe, unsubscribe
from server.domain.notices.triggers import CALLED_DEADLINE
from server.domain.settings import load_settings
from server.models import Notice, NoticeSubscription, Ticket
from tests.conftest import FakeClock
from tests.factories import Hall

if TYPE_CHECKING:
    from tests.server.domain.conftest import CtxFactory, Desk

BASE = "https://mpp.example"


@pytest.fixture
def link_base() -> dict[str, str | None]:
    return {"base": BASE}


@pytest.fixture
def ctx(clock: FakeClock, hall: Hall, link_base: dict[str, str | None]) -> CtxFactory:
    """The domain tests' context, with notices on (a channel configured)."""

    def make(session: Session, user: str | None = "petugas.dk") -> Ctx:
        actor = SYSTEM if user is None else Actor(user_id=hall.users[user])
        return Ctx(
            session, clock(), load_settings(session), actor, notice_link_base=link_base["base"]
        )

    return make


def opt_in(desk: Desk, ticket: Ticket, language: str = "id") -> NoticeSubscription:
    return subscribe(
        desk.session,
        channel="whatsapp",
        address="0812-3456-7890",
        now=desk.clock(),
        ticket_id=ticket.id,
        language=language,
    )


def notices(desk: Desk, ticket: Ticket, kind: str | None = None) -> list[Notice]:
    desk.session.flush()
    query = (
        select(Notice)
        .join(NoticeSubscription, NoticeSubscription.id == Notice.subscription_id)
        .where(NoticeSubscription.ticket_id == ticket.id)
        .order_by(Notice.id)
    )
    if kind is not None:
        query = query.where(Notice.kind == kind)
    return list(desk.session.scalars(query))


def test_the_call_queues_one_notice_naming_the_counter_with_the_status_link(
    desk: Desk, hall: Hall
) -> None:
    ticket = desk.issue(hall.ktp)
    opt_in(desk, ticket)
    desk.open(hall.c1)
    desk.next(hall.c1)
    [notice] = notices(desk, ticket)
    assert notice.kind == "called"
    assert notice.body == (
        f"Nomor antrean {ticket.number} dipanggil. Silakan ke Loket 1 sekarang. "
        f"{BASE}/t/{ticket.status_code}"
    )
    assert notice.deadline - notice.created_at == CALLED_DEADLINE
    assert "0812" not in notice.body and "7890" not in notice.body


def test_the_visitors_language_is_used(desk: Desk, hall: Hall) -> None:
    ticket = desk.issue(hall.ktp)
    opt_in(desk, ticket, language="en")
    desk.open(hall.c1)
    desk.next(hall.c1)
    [notice] = notices(desk, ticket)
    assert notice.body is not None and notice.body.startswith(f"Ticket {ticket.number} is called")


def test_no_subscription_no_notice(desk: Desk, hall: Hall) -> None:
    desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.next(hall.c1)
    assert desk.session.scalars(select(Notice)).all() == []


def test_after_stop_nothing_is_queued(desk: Desk, hall: Hall) -> None:
    ticket = desk.issue(hall.ktp)
    unsubscribe(desk.session, opt_in(desk, ticket), desk.clock())
    desk.open(hall.c1)
    desk.next(hall.c1)
    desk.at(hall.c1, counters.recall)
    assert notices(desk, ticket) == []


def test_a_recall_queues_a_second_called_notice_but_the_same_call_twice_does_not(
    desk: Desk, hall: Hall
) -> None:
    from server.domain.notices import triggers

    ticket = desk.issue(hall.ktp)
    opt_in(desk, ticket)
    counter = desk.open(hall.c1)
    desk.next(hall.c1)
    # The same command run again (run_command's retry) names the same event.
    triggers.ticket_called(desk.ctx(), ticket, counter, recall=False)
    desk.clock.advance(seconds=30)
    desk.at(hall.c1, counters.recall)
    first, second = notices(desk, ticket, "called")
    assert first.idempotency_key != second.idempotency_key
    assert len(notices(desk, ticket)) == 2


def test_people_ahead_is_sent_once_when_a_call_reaches_the_threshold(
    desk: Desk, hall: Hall
) -> None:
    desk.settings(notice_ahead_threshold=2)
    line = [desk.issue(hall.ktp) for _ in range(5)]
    watcher = line[4]
    opt_in(desk, watcher)
    desk.open(hall.c1)
    desk.next(hall.c1)  # 3 ahead of the watcher: not yet
    assert notices(desk, watcher) == []
    desk.next(hall.c1)  # 2 ahead
    [told] = notices(desk, watcher)
    assert told.kind == "ahead"
    assert told.body == (
        f"Nomor antrean {watcher.number}: 2 orang lagi sebelum Anda. "
        f"Mohon kembali ke ruang tunggu. {BASE}/t/{watcher.status_code}"
    )
    desk.next(hall.c1)  # 1 ahead: already told
    assert [n.kind for n in notices(desk, watcher)] == ["ahead"]
    desk.next(hall.c1)
    desk.next(hall.c1)
    assert [n.kind for n in notices(desk, watcher)] == ["ahead", "called"]


def test_threshold_zero_sends_no_people_ahead(desk: Desk, hall: Hall) -> None:
    desk.settings(notice_ahead_threshold=0)
    line = [desk.issue(hall.ktp) for _ in range(3)]
    opt_in(desk, line[2])
    desk.open(hall.c1)
    desk.next(hall.c1)
    assert notices(desk, line[2]) == []


def test_a_transfer_queues_one_notice_naming_the_new_service(desk: Desk, hall: Hall) -> None:
    ticket = desk.issue(hall.ktp)
    opt_in(desk, ticket)
    desk.open(hall.c1)
    desk.next(hall.c1)
    kk = desk.service(hall.kk)
    desk.at(hall.c1, counters.transfer, to_service=kk, to_counter=None, front=False)
    [moved] = notices(desk, ticket, "transferred")
    assert kk.name in (moved.body or "")
    assert f"{BASE}/t/{ticket.status_code}" in (moved.body or "")


def test_after_service_the_survey_link_is_sent_where_the_hall_offers_the_survey(
    desk: Desk, hall: Hall
) -> None:
    ticket = desk.issue(hall.ktp)
    opt_in(desk, ticket)
    desk.open(hall.c1)
    desk.next(hall.c1)
    desk.at(hall.c1, counters.finish)
    [survey] = notices(desk, ticket, "survey")
    assert f"{BASE}/t/{ticket.status_code}/survey" in (survey.body or "")


def test_no_survey_notice_when_the_survey_line_is_off(desk: Desk, hall: Hall) -> None:
    desk.settings(ticket_survey_line=0)
    ticket = desk.issue(hall.ktp)
    opt_in(desk, ticket)
    desk.open(hall.c1)
    desk.next(hall.c1)
    desk.at(hall.c1, counters.finish)
    assert notices(desk, ticket, "survey") == []


@pytest.fixture
def statements(session: Session) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    yield seen
    event.remove(engine, "before_cursor_execute", count)


def next_statements(desk: Desk, hall: Hall, statements: list[str]) -> int:
    for _ in range(3):
        desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.next(hall.c1)
    desk.session.flush()
    statements.clear()
    desk.next(hall.c1)
    desk.session.flush()
    return len(statements)


def test_with_no_channel_a_call_reads_nothing_more(
    desk: Desk, hall: Hall, statements: list[str], link_base: dict[str, str | None]
) -> None:
    link_base["base"] = None
    off = next_statements(desk, hall, statements)
    assert not any("notice_subscriptions" in sql for sql in statements)
    assert off > 0


def test_a_next_costs_exactly_one_statement_more_with_a_channel_and_no_subscriber(
    desk: Desk, hall: Hall, statements: list[str], link_base: dict[str, str | None]
) -> None:
    for _ in range(6):
        desk.issue(hall.ktp)
    desk.open(hall.c1)
    desk.next(hall.c1)
    counts: dict[str | None, int] = {}
    for base in (None, BASE, None, BASE):
        link_base["base"] = base
        desk.session.flush()
        statements.clear()
        desk.next(hall.c1)
        desk.session.flush()
        counts[base] = len(statements)
    assert counts[BASE] == counts[None] + 1


def test_with_a_channel_and_no_subscriber_a_call_costs_one_statement_more(
    desk: Desk, hall: Hall, statements: list[str]
) -> None:
    on = next_statements(desk, hall, statements)
    assert sum("notice_subscriptions" in sql for sql in statements) == 1
    assert on > 0


def test_next_sends_the_survey_to_the_one_served_and_the_call_to_the_next(
    desk: Desk, hall: Hall
) -> None:
    served, waiting = desk.issue(hall.ktp), desk.issue(hall.ktp)
    opt_in(desk, served)
    opt_in(desk, waiting)
    desk.open(hall.c1)
    desk.next(hall.c1)  # nobody ahead of the second now: "ahead" is for 1..threshold
    desk.next(hall.c1)
    assert [n.kind for n in notices(desk, served)] == ["called", "survey"]
    assert [n.kind for n in notices(desk, waiting)] == ["called"]


def test_whatsapp_and_telegram_each_get_the_call(desk: Desk, hall: Hall) -> None:
    ticket = desk.issue(hall.ktp)
    opt_in(desk, ticket)
    subscribe(
        desk.session, channel="telegram", address="123456789", now=desk.clock(), ticket_id=ticket.id
    )
    desk.open(hall.c1)
    desk.next(hall.c1)
    assert sorted(n.channel for n in notices(desk, ticket, "called")) == ["telegram", "whatsapp"]


def test_a_call_from_one_line_tells_the_counters_other_line_too(desk: Desk, hall: Hall) -> None:
    """Loket 1 calls from KTP and KK: a KTP call moves the KK visitor forward as well."""
    desk.settings(notice_ahead_threshold=1)
    desk.issue(hall.ktp)
    desk.issue(hall.ktp)
    watcher = desk.issue(hall.kk)
    opt_in(desk, watcher)
    desk.open(hall.c1)
    desk.next(hall.c1)
    assert [n.kind for n in notices(desk, watcher)] == ["ahead"]
