"""The notice outbox's rules without a provider: queueing in the caller's transaction,
the lease, "at most once more" after an interrupted send, unsubscribing, pacing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import event

from server.domain.errors import DomainError
from server.domain.notices import delivery, pacing
from server.domain.notices.pacing import Pace
from server.domain.notices.queueing import address_for, enqueue_notice, subscribe, unsubscribe
from server.domain.notices.sending import SendResult
from server.models import Notice, NoticeState, NoticeSubscription
from server.notify.worker import NoticeWorker

from .conftest import Notices

LEASE = dt.timedelta(seconds=40)


def claim(notices: Notices, notice_id: int, owner: str, idempotent: bool = False) -> bool:
    with notices.db.write() as session:
        return delivery.claim(
            session,
            notice_id,
            owner=owner,
            now=notices.clock(),
            lease=LEASE,
            idempotent=idempotent,
        )


def settle(notices: Notices) -> None:
    with notices.db.write() as session:
        delivery.expire_overdue(session, notices.clock())
        delivery.give_up_twice_interrupted(session, "whatsapp", notices.clock())


def test_an_address_is_kept_in_one_form_or_refused() -> None:
    assert address_for("whatsapp", "0812 3456 7890") == "+6281234567890"
    assert address_for("telegram", " 987654321 ") == "987654321"
    for channel, text in [("whatsapp", "021-555-1234"), ("telegram", "@someone"), ("fax", "1")]:
        with pytest.raises(DomainError):
            address_for(channel, text)


def test_a_notice_rolled_back_with_its_event_was_never_queued(notices: Notices) -> None:
    now = notices.clock()
    with pytest.raises(RuntimeError), notices.db.write() as session:
        sub = subscribe(
            session,
            channel="whatsapp",
            address="081234567890",
            now=now,
            ticket_id=notices.ticket_id,
        )
        enqueue_notice(
            session, sub, kind="called", now=now, body="x", deadline=now + dt.timedelta(minutes=5)
        )
        raise RuntimeError("the call failed")
    with notices.db.read() as session:
        assert session.query(Notice).count() == 0
        assert session.query(NoticeSubscription).count() == 0


def test_the_same_event_queued_twice_is_one_notice(notices: Notices) -> None:
    first = notices.queue("whatsapp", key="ticket:1:called:1")
    again = notices.queue("whatsapp", key="ticket:1:called:1")
    assert first == again


def test_two_workers_claiming_one_notice_one_gets_it(notices: Notices) -> None:
    notice_id = notices.queue("whatsapp")
    assert claim(notices, notice_id, "worker-a")
    assert not claim(notices, notice_id, "worker-b")
    held = notices.notice(notice_id)
    assert (held.state, held.lease_owner, held.attempts) == (NoticeState.SENDING, "worker-a", 1)


def test_an_interrupted_send_is_tried_once_more_and_then_given_up(notices: Notices) -> None:
    notice_id = notices.queue("whatsapp")
    assert claim(notices, notice_id, "worker-a")  # worker-a dies mid-send
    notices.clock.advance(seconds=39)
    assert not claim(notices, notice_id, "worker-b")  # its lease still holds

    notices.clock.advance(seconds=2)
    assert claim(notices, notice_id, "worker-b")  # once more; worker-b dies too
    assert notices.notice(notice_id).interrupted

    notices.clock.advance(seconds=41)
    assert not claim(notices, notice_id, "worker-c")
    settle(notices)
    given_up = notices.notice(notice_id)
    assert given_up.state == NoticeState.FAILED
    assert given_up.attempts == 2
    assert "interrupted twice" in (given_up.reason or "")


def test_an_idempotent_provider_may_be_asked_again_after_any_interruption(
    notices: Notices,
) -> None:
    notice_id = notices.queue("whatsapp")
    for owner in ("a", "b", "c"):
        assert claim(notices, notice_id, owner, idempotent=True)
        notices.clock.advance(seconds=41)
    assert notices.notice(notice_id).attempts == 3


def test_an_answer_after_the_lease_was_lost_is_not_recorded(notices: Notices) -> None:
    notice_id = notices.queue("whatsapp")
    claim(notices, notice_id, "slow")
    notices.clock.advance(seconds=41)
    claim(notices, notice_id, "quick")
    with notices.db.write() as session:
        late = delivery.record(
            session, notice_id, owner="slow", result=SendResult.sent("1"), now=notices.clock()
        )
        kept = delivery.record(
            session, notice_id, owner="quick", result=SendResult.sent("2"), now=notices.clock()
        )
    assert (late, kept) == (None, NoticeState.SENT)
    assert notices.notice(notice_id).provider_message_id == "2"


def test_a_deadline_passed_mid_send_expires_the_notice_with_a_warning(notices: Notices) -> None:
    notice_id = notices.queue("whatsapp", minutes=0.5)
    claim(notices, notice_id, "worker-a")
    notices.clock.advance(minutes=1)
    settle(notices)
    expired = notices.notice(notice_id)
    assert expired.state == NoticeState.EXPIRED
    assert "may have been delivered" in (expired.reason or "")


def test_unsubscribing_fails_what_was_queued_and_queues_nothing_more(notices: Notices) -> None:
    notice_id = notices.queue("whatsapp")
    now = notices.clock()
    with notices.db.write() as session:
        sub = session.get(NoticeSubscription, notices.notice(notice_id).subscription_id)
        assert sub is not None
        assert unsubscribe(session, sub, now) == 1
        assert (
            enqueue_notice(
                session,
                sub,
                kind="called",
                now=now,
                body="x",
                deadline=now + dt.timedelta(minutes=5),
            )
            is None
        )
    stopped = notices.notice(notice_id)
    assert (stopped.state, stopped.reason) == (NoticeState.FAILED, "unsubscribed")


def test_a_delivery_report_marks_the_sent_notice_delivered(notices: Notices) -> None:
    notice_id = notices.queue("whatsapp")
    claim(notices, notice_id, "w")
    with notices.db.write() as session:
        delivery.record(
            session, notice_id, owner="w", result=SendResult.sent("wamid.1"), now=notices.clock()
        )
        assert delivery.record_delivery(session, "whatsapp", "wamid.1", notices.clock())
        assert not delivery.record_delivery(session, "whatsapp", "wamid.unknown", notices.clock())
    assert notices.notice(notice_id).state == NoticeState.DELIVERED


def test_back_off_doubles_up_to_five_minutes() -> None:
    waits = [delivery.backoff(n).total_seconds() for n in range(1, 9)]
    assert waits == [5, 10, 20, 40, 80, 160, 300, 300]


def test_a_pace_allows_its_rate_and_its_burst(notices: Notices) -> None:
    pace = Pace(60, burst=3)

    def take(channel: str = "whatsapp") -> bool:
        with notices.db.write() as session:
            return pacing.take_slot(session, channel, pace, notices.clock()) is not None

    assert [take() for _ in range(4)] == [True, True, True, False]
    assert take("telegram")  # each channel has its own pace
    notices.clock.advance(seconds=2)
    assert [take() for _ in range(3)] == [True, True, False]
    notices.clock.advance(seconds=1)
    with notices.db.write() as session:
        assert pacing.take_slot(session, "whatsapp", pace, notices.clock()) is not None
        pacing.give_back_slot(session, "whatsapp", pace)
    assert [take() for _ in range(2)] == [True, False]


def test_the_burst_is_a_seconds_worth_of_sends() -> None:
    assert Pace.of(1200).burst == 20  # Telegram
    assert Pace.of(20).burst == 1  # Fonnte: one every 3 s
    assert Pace.of(20).interval == 3


def test_an_idle_worker_round_writes_nothing(notices: Notices) -> None:
    writes: list[bool] = []
    event.listen(
        notices.db.engine,
        "begin",
        lambda conn: writes.append(bool(conn.get_execution_options().get("antre_write"))),
    )
    worker = NoticeWorker(notices.db, {}, {}, clock=notices.clock, timeout_seconds=1)

    assert worker.run_once() == 0
    assert writes == [False]  # one read, no write transaction
