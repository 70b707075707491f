"""Telegram through the Bot API, against a fake Bot API on 127.0.0.1. The bot's token is
part of the URL, so no reason stored and no log line may repeat a URL."""

from __future__ import annotations

import logging
import socket

import pytest

from server.models import NoticeState
from server.notify.telegram import TelegramChannel
from server.notify.worker import NoticeWorker

from .conftest import TELEGRAM_TOKEN, VISITOR_CHAT, Notices, parts_of
from .fake_provider import FakeProvider, Reply


def worker_for(notices: Notices, base_url: str, timeout: float = 2.0) -> NoticeWorker:
    channel = TelegramChannel(TELEGRAM_TOKEN, base_url=base_url, timeout=timeout)
    return NoticeWorker(
        notices.db, {"telegram": channel}, {}, clock=notices.clock, timeout_seconds=timeout
    )


def test_a_notice_is_sent_once_with_sendmessage(notices: Notices, telegram: FakeProvider) -> None:
    notice_id = notices.queue("telegram", "Nomor A001 dipanggil: silakan ke Loket 1")
    worker = worker_for(notices, telegram.url)

    worker.run_once()
    worker.run_once()

    [request] = telegram.received
    assert request.path == f"/bot{TELEGRAM_TOKEN}/sendMessage"
    assert request.fields["chat_id"] == int(VISITOR_CHAT)
    assert request.fields["text"] == "Nomor A001 dipanggil: silakan ke Loket 1"
    sent = notices.notice(notice_id)
    assert (sent.state, sent.provider_message_id) == (NoticeState.SENT, "101")


def test_flood_control_is_retried_after_telegrams_retry_after(
    notices: Notices, telegram: FakeProvider
) -> None:
    telegram.script(
        Reply(
            429,
            {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 17",
                "parameters": {"retry_after": 17},
            },
        )
    )
    notice_id = notices.queue("telegram")
    worker = worker_for(notices, telegram.url)

    worker.run_once()
    waiting = notices.notice(notice_id)
    assert (waiting.next_attempt_at - notices.clock()).total_seconds() == 17

    notices.clock.advance(seconds=17)
    worker.run_once()
    assert notices.notice(notice_id).state == NoticeState.SENT
    assert len(telegram.received) == 2


@pytest.mark.parametrize(
    ("status", "description", "reason"),
    [
        (
            403,
            "Forbidden: bot was blocked by the user",
            "Telegram: Forbidden: bot was blocked by the user",
        ),
        (400, "Bad Request: chat not found", "Telegram: Bad Request: chat not found"),
        (401, "Unauthorized", "Telegram refused the bot token"),
    ],
)
def test_a_blocked_bot_an_unknown_chat_or_a_revoked_token_is_given_up(
    notices: Notices, telegram: FakeProvider, status: int, description: str, reason: str
) -> None:
    telegram.script(Reply(status, {"ok": False, "error_code": status, "description": description}))
    notice_id = notices.queue("telegram")

    worker_for(notices, telegram.url).run_once()

    failed = notices.notice(notice_id)
    assert (failed.state, failed.reason) == (NoticeState.FAILED, reason)


@pytest.mark.parametrize("chat", [VISITOR_CHAT, "77001"])  # the oldest accounts: five digits
def test_telegram_s_words_are_kept_and_logged_without_the_chat_id(
    notices: Notices, telegram: FakeProvider, caplog: pytest.LogCaptureFixture, chat: str
) -> None:
    said = f"Bad Request: chat {chat} not found"
    telegram.script(Reply(400, {"ok": False, "error_code": 400, "description": said}))
    notice_id = notices.queue("telegram", address=chat)
    caplog.set_level(logging.DEBUG)

    worker_for(notices, telegram.url).run_once()

    failed = notices.notice(notice_id)
    assert (failed.state, failed.reason) == (
        NoticeState.FAILED,
        "Telegram: Bad Request: chat … not found",
    )
    assert "chat … not found" in caplog.text
    assert parts_of(chat, caplog.text) == []


def test_a_bad_gateway_is_retried(notices: Notices, telegram: FakeProvider) -> None:
    telegram.script(Reply(502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}))
    notice_id = notices.queue("telegram")

    worker_for(notices, telegram.url).run_once()

    assert notices.notice(notice_id).state == NoticeState.QUEUED


def test_a_notice_is_never_sent_after_its_deadline(
    notices: Notices, telegram: FakeProvider
) -> None:
    notice_id = notices.queue("telegram", minutes=5)
    notices.clock.advance(minutes=6)

    worker_for(notices, telegram.url).run_once()

    assert notices.notice(notice_id).state == NoticeState.EXPIRED
    assert telegram.received == []


def test_an_unreachable_api_leaves_the_token_out_of_the_reason_and_the_logs(
    notices: Notices, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    notice_id = notices.queue("telegram")
    caplog.set_level(logging.DEBUG)

    worker_for(notices, closed).run_once()

    waiting = notices.notice(notice_id)
    assert (waiting.state, waiting.reason) == (NoticeState.QUEUED, "cannot connect to the provider")
    assert "cannot connect" in caplog.text
    assert TELEGRAM_TOKEN not in caplog.text
    assert TELEGRAM_TOKEN not in repr(TelegramChannel(TELEGRAM_TOKEN))


def test_a_server_logging_at_debug_writes_no_token_of_a_sent_notice(
    notices: Notices, telegram: FakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    notices.queue("telegram")
    caplog.set_level(logging.DEBUG)

    worker_for(notices, telegram.url).run_once()

    assert "via telegram: sent" in caplog.text
    assert TELEGRAM_TOKEN not in caplog.text
