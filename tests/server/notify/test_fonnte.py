"""WhatsApp through Fonnte, against a fake Fonnte on 127.0.0.1: a notice is sent once,
retried on a temporary error, given up on a permanent one, never sent after its
deadline, and no log line holds the device token, nor the reason the visitor's number."""

from __future__ import annotations

import logging

import pytest

from server.models import NoticeState
from server.notify.fonnte import FonnteChannel
from server.notify.worker import NoticeWorker

from .conftest import FONNTE_TOKEN, VISITOR_DIGITS, Notices, parts_of
from .fake_provider import FakeProvider, Reply


def worker_for(notices: Notices, fonnte: FakeProvider, timeout: float = 2.0) -> NoticeWorker:
    channel = FonnteChannel(FONNTE_TOKEN, base_url=fonnte.url, timeout=timeout)
    return NoticeWorker(
        notices.db, {"whatsapp": channel}, {}, clock=notices.clock, timeout_seconds=timeout
    )


def test_a_notice_is_sent_once_as_fonnte_documents_it(
    notices: Notices, fonnte: FakeProvider
) -> None:
    notice_id = notices.queue("whatsapp", "Nomor A001 dipanggil: silakan ke Loket 1")
    worker = worker_for(notices, fonnte)

    assert worker.run_once() == 1
    assert worker.run_once() == 0

    [request] = fonnte.received
    assert request.path == "/send"
    assert request.headers["Authorization"] == FONNTE_TOKEN
    assert request.fields == {
        "target": "6281234567890",
        "message": "Nomor A001 dipanggil: silakan ke Loket 1",
        "countryCode": "62",
    }
    sent = notices.notice(notice_id)
    assert (sent.state, sent.provider_message_id, sent.attempts) == (NoticeState.SENT, "8001", 1)
    assert sent.sent_at == notices.clock()


def test_a_rate_limit_is_retried_after_the_wait_fonnte_asks_for(
    notices: Notices, fonnte: FakeProvider
) -> None:
    fonnte.script(Reply(429, {"status": False, "reason": "rate limit"}, {"Retry-After": "40"}))
    notice_id = notices.queue("whatsapp")
    worker = worker_for(notices, fonnte)

    worker.run_once()
    waiting = notices.notice(notice_id)
    assert waiting.state == NoticeState.QUEUED
    assert (waiting.next_attempt_at - notices.clock()).total_seconds() == 40
    assert "429" in (waiting.reason or "")

    notices.clock.advance(seconds=39)
    worker.run_once()
    assert len(fonnte.received) == 1  # not before its time
    notices.clock.advance(seconds=1)
    worker.run_once()
    assert len(fonnte.received) == 2
    assert notices.notice(notice_id).state == NoticeState.SENT


def test_a_disconnected_device_is_retried_with_growing_waits(
    notices: Notices, fonnte: FakeProvider
) -> None:
    refused = Reply(200, {"status": False, "reason": "device disconnected"})
    fonnte.script(refused, refused)
    notice_id = notices.queue("whatsapp")
    worker = worker_for(notices, fonnte)

    worker.run_once()
    first = notices.notice(notice_id).next_attempt_at - notices.clock()
    notices.clock.advance(seconds=first.total_seconds())
    worker.run_once()
    second = notices.notice(notice_id).next_attempt_at - notices.clock()
    notices.clock.advance(seconds=second.total_seconds())
    worker.run_once()

    assert (first.total_seconds(), second.total_seconds()) == (5, 10)
    assert notices.notice(notice_id).state == NoticeState.SENT
    assert len(fonnte.received) == 3


@pytest.mark.parametrize("reason", ["invalid token", "target invalid"])
def test_an_expired_token_or_a_bad_number_is_given_up_with_the_reason(
    notices: Notices, fonnte: FakeProvider, reason: str
) -> None:
    fonnte.script(Reply(200, {"status": False, "reason": reason}))
    notice_id = notices.queue("whatsapp")
    worker = worker_for(notices, fonnte)

    worker.run_once()
    notices.clock.advance(minutes=10)
    worker.run_once()

    failed = notices.notice(notice_id)
    assert (failed.state, failed.reason) == (NoticeState.FAILED, f"Fonnte: {reason}")
    assert len(fonnte.received) == 1


def test_a_notice_is_never_sent_after_its_deadline(notices: Notices, fonnte: FakeProvider) -> None:
    notice_id = notices.queue("whatsapp", minutes=1)
    notices.clock.advance(minutes=1)

    worker_for(notices, fonnte).run_once()

    assert notices.notice(notice_id).state == NoticeState.EXPIRED
    assert fonnte.received == []


def test_a_retry_that_would_come_after_the_deadline_expires_the_notice(
    notices: Notices, fonnte: FakeProvider
) -> None:
    fonnte.script(Reply(503, {}))
    notice_id = notices.queue("whatsapp", minutes=0.05)  # 3 seconds, less than the 5 s wait

    worker_for(notices, fonnte).run_once()

    expired = notices.notice(notice_id)
    assert expired.state == NoticeState.EXPIRED
    assert "HTTP 503" in (expired.reason or "")


def test_a_provider_that_hangs_is_a_temporary_failure_after_the_timeout(
    notices: Notices, fonnte: FakeProvider
) -> None:
    fonnte.script(Reply(hang=True))
    notice_id = notices.queue("whatsapp")

    worker_for(notices, fonnte, timeout=0.5).run_once()

    waiting = notices.notice(notice_id)
    assert (waiting.state, waiting.reason) == (NoticeState.QUEUED, "no answer within 0.5 s")


def test_no_log_line_of_a_failed_send_holds_the_token_or_the_number(
    notices: Notices, fonnte: FakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    fonnte.script(Reply(200, {"status": False, "reason": "invalid token"}))
    notices.queue("whatsapp")
    caplog.set_level(logging.DEBUG)

    worker_for(notices, fonnte).run_once()

    assert "invalid token" in caplog.text
    assert FONNTE_TOKEN not in caplog.text
    assert "3456" not in caplog.text
    assert FONNTE_TOKEN not in repr(FonnteChannel(FONNTE_TOKEN))


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        (f"target {VISITOR_DIGITS} invalid", "Fonnte: target … invalid"),
        ("number +62 812-3456-7890 not registered", "Fonnte: number … not registered"),
    ],
)
def test_a_refusal_that_repeats_the_number_is_kept_and_logged_without_it(
    notices: Notices, fonnte: FakeProvider, caplog: pytest.LogCaptureFixture, said: str, kept: str
) -> None:
    fonnte.script(Reply(200, {"status": False, "reason": said}))
    notice_id = notices.queue("whatsapp")
    caplog.set_level(logging.DEBUG)

    worker_for(notices, fonnte).run_once()

    failed = notices.notice(notice_id)
    assert (failed.state, failed.reason) == (NoticeState.FAILED, kept)
    assert kept in caplog.text
    assert parts_of(VISITOR_DIGITS, caplog.text) == []
