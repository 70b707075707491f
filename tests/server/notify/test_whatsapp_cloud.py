"""WhatsApp through Meta's Cloud API, against a fake Graph API on 127.0.0.1: template
messages, errors sorted by their code (Meta's own words kept without the visitor's
number), and the delivery webhook's signature."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging
from collections.abc import Iterator

import pytest
from flask import Flask

from server.domain.notices import delivery
from server.domain.notices.queueing import subscribe
from server.models import NoticeState
from server.notify.channels import configured_worker
from server.notify.whatsapp_cloud import WhatsAppCloudChannel, signature_ok, statuses
from server.notify.worker import NoticeWorker
from server.state import AppState
from tests.conftest import Api, FakeClock

from .conftest import VISITOR_DIGITS, Notices, parts_of
from .fake_provider import FakeProvider, Reply, graph_error, whatsapp_cloud_ok

ACCESS_TOKEN = "EAAG-cloud-access-token-SECRET"
PHONE_NUMBER_ID = "106540352242922"
APP_SECRET = "the-apps-secret"


@pytest.fixture
def graph() -> Iterator[FakeProvider]:
    provider = FakeProvider(whatsapp_cloud_ok)
    yield provider
    provider.close()


def worker_for(notices: Notices, graph: FakeProvider) -> NoticeWorker:
    channel = WhatsAppCloudChannel(ACCESS_TOKEN, PHONE_NUMBER_ID, base_url=graph.url, timeout=2)
    return NoticeWorker(
        notices.db, {"whatsapp": channel}, {}, clock=notices.clock, timeout_seconds=2
    )


def queue_template(notices: Notices, minutes: float = 30) -> int:
    return notices.queue(
        "whatsapp", template="antre_dipanggil", parameters=("A001", "Loket 1"), minutes=minutes
    )


def test_a_template_notice_is_sent_once_as_meta_documents_it(
    notices: Notices, graph: FakeProvider
) -> None:
    notice_id = queue_template(notices)
    worker = worker_for(notices, graph)

    worker.run_once()
    worker.run_once()

    [request] = graph.received
    assert request.path == f"/v21.0/{PHONE_NUMBER_ID}/messages"
    assert request.headers["Authorization"] == f"Bearer {ACCESS_TOKEN}"
    assert request.fields == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "template",
        "template": {
            "name": "antre_dipanggil",
            "language": {"code": "id"},
            "components": [
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "A001"},
                        {"type": "text", "text": "Loket 1"},
                    ],
                }
            ],
        },
    }
    sent = notices.notice(notice_id)
    assert (sent.state, sent.provider_message_id) == (NoticeState.SENT, "wamid.TEST1")


def test_a_text_notice_goes_out_as_text(notices: Notices, graph: FakeProvider) -> None:
    notices.queue("whatsapp", "Nomor A001 dipanggil")
    worker_for(notices, graph).run_once()
    assert graph.received[0].fields["text"] == {"body": "Nomor A001 dipanggil"}


@pytest.mark.parametrize(
    ("reply", "state", "reason"),
    [
        (graph_error(130429, "Rate limit hit"), NoticeState.QUEUED, "WhatsApp 130429"),
        (graph_error(131056, "Pair rate limit hit"), NoticeState.QUEUED, "WhatsApp 131056"),
        (graph_error(131000, "Something went wrong", 500), NoticeState.QUEUED, "WhatsApp 131000"),
        (Reply(503, {}), NoticeState.QUEUED, "provider error (HTTP 503)"),
        (
            graph_error(131047, "Re-engagement message"),
            NoticeState.FAILED,
            "WhatsApp 131047: more than 24 hours since the visitor wrote: a template is needed",
        ),
        (
            graph_error(190, "Error validating access token", 401),
            NoticeState.FAILED,
            "WhatsApp 190: access token expired",
        ),
        (
            graph_error(131026, "Message undeliverable"),
            NoticeState.FAILED,
            "WhatsApp 131026: the number cannot receive WhatsApp messages",
        ),
    ],
)
def test_errors_are_retried_or_given_up_by_their_code(
    notices: Notices, graph: FakeProvider, reply: Reply, state: NoticeState, reason: str
) -> None:
    graph.script(reply)
    notice_id = queue_template(notices)

    worker_for(notices, graph).run_once()

    result = notices.notice(notice_id)
    assert result.state == state
    assert (result.reason or "").startswith(reason)


def test_meta_s_words_for_an_unnamed_error_are_kept_and_logged_without_the_number(
    notices: Notices, graph: FakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    graph.script(graph_error(100, f"Invalid parameter: {VISITOR_DIGITS}"))
    notice_id = queue_template(notices)
    caplog.set_level(logging.DEBUG)

    worker_for(notices, graph).run_once()

    failed = notices.notice(notice_id)
    assert (failed.state, failed.reason) == (
        NoticeState.FAILED,
        "WhatsApp 100: Invalid parameter: …",
    )
    assert "Invalid parameter" in caplog.text
    assert parts_of(VISITOR_DIGITS, caplog.text) == []


def test_a_template_notice_is_never_sent_after_its_deadline(
    notices: Notices, graph: FakeProvider
) -> None:
    notice_id = queue_template(notices, minutes=2)
    notices.clock.advance(minutes=3)
    worker_for(notices, graph).run_once()
    assert notices.notice(notice_id).state == NoticeState.EXPIRED
    assert graph.received == []


def webhook(message_id: str, status: str) -> dict[str, object]:
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "statuses": [
                                {
                                    "id": message_id,
                                    "status": status,
                                    "timestamp": "1764990000",
                                    "recipient_id": "6281234567890",
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }


def test_a_signed_delivery_report_marks_the_notice_delivered(
    notices: Notices, graph: FakeProvider
) -> None:
    notice_id = queue_template(notices)
    worker_for(notices, graph).run_once()
    raw = json.dumps(webhook("wamid.TEST1", "delivered")).encode()
    signed = "sha256=" + hmac.new(APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()

    assert signature_ok(APP_SECRET, raw, signed)
    [update] = statuses(json.loads(raw))
    with notices.db.write() as session:
        assert delivery.record_delivery(session, "whatsapp", update.message_id, notices.clock())

    assert notices.notice(notice_id).state == NoticeState.DELIVERED


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "sha1=abc",
        "sha256=" + "0" * 64,
        "sha256=" + hmac.new(b"another secret", b"{}", hashlib.sha256).hexdigest(),
    ],
)
def test_a_webhook_with_a_missing_or_bad_signature_is_refused(header: str | None) -> None:
    assert not signature_ok(APP_SECRET, b"{}", header)


def test_a_webhook_of_other_shapes_yields_no_status() -> None:
    for payload in [None, [], {"entry": "x"}, {"entry": [{"changes": [{"value": None}]}]}]:
        assert statuses(payload) == []
    failed = webhook("wamid.X", "failed")
    failed["entry"][0]["changes"][0]["value"]["statuses"][0]["errors"] = [{"code": 131026}]  # type: ignore[index]
    assert statuses(failed)[0].error_code == 131026


def test_a_call_reaches_meta_as_the_approved_template_in_the_visitors_language(
    app: Flask, api: Api, graph: FakeProvider, clock: FakeClock
) -> None:
    """WhatsApp through the Cloud API: the call's notice leaves as the ``called`` kind's
    template (its name from ``[notify] whatsapp_templates``), with the number, the
    counter and the status link as its parameters, in the visitor's language."""
    state: AppState = app.extensions["antre"]
    state.config = dataclasses.replace(
        state.config,
        public_url="https://mpp.example",
        notify_whatsapp_token=ACCESS_TOKEN,
        notify_whatsapp_phone_number_id=PHONE_NUMBER_ID,
        notify_whatsapp_url=graph.url,
        notify_whatsapp_templates=(("called", "mpp_dipanggil"),),
    )
    ticket = api.as_device("kiosk").issue(api.hall.ktp)
    with state.db.write() as session:
        subscribe(
            session, channel="whatsapp", address="0812-3456-7890", now=clock(),
            ticket_id=ticket["id"], language="en",
        )  # fmt: skip
    officer = api.as_user("petugas.dk")
    officer.counter(api.hall.c1, "open")
    assert officer.counter(api.hall.c1, "next").status_code == 200

    worker = configured_worker(state.config, state.db, clock)
    assert worker is not None
    worker.run_once()

    [request] = graph.received
    assert request.fields["type"] == "template"
    assert request.fields["template"] == {
        "name": "mpp_dipanggil",
        "language": {"code": "en"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": ticket["number"]},
                    {"type": "text", "text": "Loket 1"},
                    {"type": "text", "text": f"https://mpp.example/t/{ticket['status_code']}"},
                ],
            }
        ],
    }
