"""The demo phone behind the real Fonnte adapter and worker: a queued WhatsApp notice
arrives on its page, as it would on the visitor's phone."""

from __future__ import annotations

import requests

from server.demo.phone import DemoPhone
from server.models import NoticeState
from server.notify.fonnte import FonnteChannel
from server.notify.worker import NoticeWorker

from .conftest import FONNTE_TOKEN, Notices


def test_a_call_notice_sent_by_the_worker_shows_on_the_demo_phone(notices: Notices) -> None:
    phone = DemoPhone(FONNTE_TOKEN).start()
    try:
        channel = FonnteChannel(FONNTE_TOKEN, base_url=phone.url, timeout=2.0)
        worker = NoticeWorker(
            notices.db, {"whatsapp": channel}, {}, clock=notices.clock, timeout_seconds=2.0
        )
        notice_id = notices.queue("whatsapp", "Nomor A001 dipanggil. Silakan ke Loket 1 sekarang.")

        assert worker.run_once() == 1

        sent = notices.notice(notice_id)
        assert sent.state == NoticeState.SENT
        (message,) = phone.inbox.newest_first()
        assert sent.provider_message_id == message.id
        shown = requests.get(f"{phone.url}/", timeout=5).text
        assert "+62 812-****-7890" in shown
        assert "Nomor A001 dipanggil. Silakan ke Loket 1 sekarang." in shown
    finally:
        phone.close()


def test_a_wrong_token_is_given_up_with_fonntes_reason(notices: Notices) -> None:
    phone = DemoPhone("the-phone-token").start()
    try:
        channel = FonnteChannel(FONNTE_TOKEN, base_url=phone.url, timeout=2.0)
        worker = NoticeWorker(
            notices.db, {"whatsapp": channel}, {}, clock=notices.clock, timeout_seconds=2.0
        )
        notice_id = notices.queue("whatsapp")

        worker.run_once()

        failed = notices.notice(notice_id)
        assert (failed.state, failed.reason) == (NoticeState.FAILED, "Fonnte: token invalid")
        assert phone.inbox.newest_first() == []
    finally:
        phone.close()
