"""WhatsApp through Wablas, against a fake Wablas on 127.0.0.1: a notice is sent once,
retried on a temporary error, given up on a permanent one, never sent after its
deadline, and no log line holds the token or the number."""

from __future__ import annotations

import logging

import pytest

from server.models import NoticeState
from server.notify.wablas import WablasChannel
from server.notify.worker import NoticeWorker

from .conftest import WABLAS_TOKEN, Notices
from .fake_provider import FakeProvider, Reply


def worker_for(notices: Notices, wablas: FakeProvider, timeout: float = 2.0) -> NoticeWorker:
    channel = WablasChannel(WABLAS_TOKEN, wablas.url, timeout=timeout)
    return NoticeWorker(
        notices.db, {"whatsapp": channel}, {}, clock=notices.clock, timeout_seconds=timeout
    )


def test_a_notice_is_sent_once_as_wablas_documents_it(
    notices: Notices, wablas: FakeProvider
) -> None:
    notice_id = notices.queue("whatsapp", "Nomor A001 dipanggil: silakan ke Loket 1")
    worker = worker_for(notices, wablas)

    assert worker.run_once() == 1
    assert worker.run_once() == 0

    [request] = wablas.received
    assert request.path == "/api/send-message"
    assert request.headers["Authorization"] == WABLAS_TOKEN  # token.secret_key as given
    assert request.fields == {
        "phone": "6281234567890",
        "message": "Nomor A001 dipanggil: silakan ke Loket 1",
    }
    sent = notices.notice(notice_id)
    assert (sent.state, sent.provider_message_id, sent.attempts) == (
        NoticeState.SENT,
        "wablas-1",
        1,
    )


def test_a_rate_limit_is_retried_after_the_wait_wablas_asks_for(
    notices: Notices, wablas: FakeProvider
) -> None:
    wablas.script(
        Reply(429, {"status": False, "message": "too many request"}, {"Retry-After": "30"})
    )
    notice_id = notices.queue("whatsapp")
    worker = worker_for(notices, wablas)

    worker.run_once()
    waiting = notices.notice(notice_id)
    assert waiting.state == NoticeState.QUEUED
    assert (waiting.next_attempt_at - notices.clock()).total_seconds() == 30

    notices.clock.advance(seconds=30)
    worker.run_once()
    assert len(wablas.received) == 2
    assert notices.notice(notice_id).state == NoticeState.SENT


def test_a_disconnected_device_is_retried(notices: Notices, wablas: FakeProvider) -> None:
    wablas.script(Reply(200, {"status": False, "message": "device disconnected"}))
    notice_id = notices.queue("whatsapp")
    worker = worker_for(notices, wablas)

    worker.run_once()
    waiting = notices.notice(notice_id)
    assert (waiting.state, waiting.reason) == (NoticeState.QUEUED, "Wablas: device disconnected")
    notices.clock.advance(seconds=5)
    worker.run_once()
    assert notices.notice(notice_id).state == NoticeState.SENT


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (Reply(200, {"status": False, "message": "token invalid"}), "Wablas: token invalid"),
        (
            Reply(200, {"status": False, "message": "phone 6281234567890 not registered"}),
            "Wablas: phone … not registered",
        ),
        (
            Reply(401, {"status": False, "message": "Unauthorized"}),
            "Wablas refused the token (HTTP 401)",
        ),
    ],
)
def test_an_expired_token_or_a_bad_number_is_given_up_with_the_reason(
    notices: Notices, wablas: FakeProvider, reply: Reply, reason: str
) -> None:
    wablas.script(reply)
    notice_id = notices.queue("whatsapp")
    worker = worker_for(notices, wablas)

    worker.run_once()
    notices.clock.advance(minutes=10)
    worker.run_once()

    failed = notices.notice(notice_id)
    assert (failed.state, failed.reason) == (NoticeState.FAILED, reason)
    assert len(wablas.received) == 1


def test_a_notice_is_never_sent_after_its_deadline(notices: Notices, wablas: FakeProvider) -> None:
    notice_id = notices.queue("whatsapp", minutes=1)
    notices.clock.advance(minutes=1)

    worker_for(notices, wablas).run_once()

    assert notices.notice(notice_id).state == NoticeState.EXPIRED
    assert wablas.received == []


def test_a_wablas_that_hangs_is_a_temporary_failure_after_the_timeout(
    notices: Notices, wablas: FakeProvider
) -> None:
    wablas.script(Reply(hang=True))
    notice_id = notices.queue("whatsapp")

    worker_for(notices, wablas, timeout=0.5).run_once()

    waiting = notices.notice(notice_id)
    assert (waiting.state, waiting.reason) == (NoticeState.QUEUED, "no answer within 0.5 s")


def test_a_template_notice_is_refused_without_calling_wablas(
    notices: Notices, wablas: FakeProvider
) -> None:
    notice_id = notices.queue("whatsapp", template="antre_dipanggil", parameters=("A001",))

    worker_for(notices, wablas).run_once()

    assert notices.notice(notice_id).state == NoticeState.FAILED
    assert wablas.received == []


def test_no_log_line_of_a_failed_send_holds_the_token_or_the_number(
    notices: Notices, wablas: FakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    wablas.script(Reply(200, {"status": False, "message": "phone 6281234567890 not registered"}))
    notices.queue("whatsapp")
    caplog.set_level(logging.DEBUG)

    worker_for(notices, wablas).run_once()

    assert "not registered" in caplog.text
    assert WABLAS_TOKEN not in caplog.text
    assert "3456" not in caplog.text
    assert WABLAS_TOKEN not in repr(WablasChannel(WABLAS_TOKEN, wablas.url))
