"""SMS through a generic HTTP gateway, against a fake gateway on 127.0.0.1: the shape the
configuration describes (form or JSON, field names, key, number format, success field),
sent once, retried on a temporary error, given up on a permanent one, never after the
deadline; with an idempotency field, the notice's key travels and a crash is retried."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from server.config import ConfigError, ServerConfig, load_config
from server.models import NoticeState
from server.notify.channels import configured_channels, configured_paces
from server.notify.sms import SmsChannel, SmsShape, written_number
from server.notify.worker import NoticeWorker

from .conftest import SMS_KEY, Notices
from .fake_provider import FakeProvider, Reply

BODY = "Nomor A001 dipanggil: silakan ke Loket 1"


def worker_for(notices: Notices, channel: SmsChannel, timeout: float = 2.0) -> NoticeWorker:
    return NoticeWorker(
        notices.db, {"sms": channel}, {}, clock=notices.clock, timeout_seconds=timeout
    )


def zenziva_like(gateway: FakeProvider) -> SmsChannel:
    """Keys as fixed form fields, success when ``status`` is "1" (Zenziva's shape)."""
    shape = SmsShape(
        url=gateway.url + "/api/sendsms",
        fixed_fields=(("userkey", "abc"), ("passkey", SMS_KEY)),
        number_format="0",
        success_field="status",
        success_value="1",
        id_field="messageId",
    )
    return SmsChannel(shape, timeout=2.0)


def test_a_form_gateway_gets_its_own_field_names_keys_and_number_format(
    notices: Notices, sms_gateway: FakeProvider
) -> None:
    notice_id = notices.queue("sms", BODY)

    assert worker_for(notices, zenziva_like(sms_gateway)).run_once() == 1

    [request] = sms_gateway.received
    assert request.path == "/api/sendsms"
    assert request.fields == {
        "userkey": "abc",
        "passkey": SMS_KEY,
        "to": "081234567890",
        "message": BODY,
    }
    sent = notices.notice(notice_id)
    assert (sent.state, sent.provider_message_id) == (NoticeState.SENT, "sms-1")


def test_a_json_gateway_with_a_key_header_and_an_idempotency_field(
    notices: Notices, sms_gateway: FakeProvider
) -> None:
    channel = SmsChannel(
        SmsShape(
            url=sms_gateway.url + "/v1/messages",
            body="json",
            number_field="msisdn",
            text_field="content",
            number_format="+62",
            auth_header="X-Api-Key",
            auth_value=SMS_KEY,
            idempotency_field="reference",
        )
    )
    notice_id = notices.queue("sms", BODY, key="ticket:1:called:1:s1")

    worker_for(notices, channel).run_once()

    [request] = sms_gateway.received
    assert request.headers["X-Api-Key"] == SMS_KEY
    assert request.fields == {
        "msisdn": "+6281234567890",
        "content": BODY,
        "reference": "ticket:1:called:1:s1",
    }
    assert channel.idempotent and not zenziva_like(sms_gateway).idempotent
    assert notices.notice(notice_id).state == NoticeState.SENT


def test_a_2xx_answer_whose_success_field_says_no_is_given_up_with_the_gateways_words(
    notices: Notices, sms_gateway: FakeProvider
) -> None:
    sms_gateway.script(Reply(200, {"status": "0", "text": "Nomor 081234567890 tidak valid"}))
    notice_id = notices.queue("sms")

    worker_for(notices, zenziva_like(sms_gateway)).run_once()

    failed = notices.notice(notice_id)
    assert failed.state == NoticeState.FAILED
    assert failed.reason == "SMS gateway: Nomor … tidak valid (HTTP 200)"


@pytest.mark.parametrize(
    ("reply", "state"),
    [
        (Reply(429, {}, {"Retry-After": "20"}), NoticeState.QUEUED),
        (Reply(502, {}), NoticeState.QUEUED),
        (Reply(401, {"message": "invalid key"}), NoticeState.FAILED),
        (Reply(400, {"message": "bad number"}), NoticeState.FAILED),
    ],
)
def test_rate_limits_and_gateway_errors_are_retried_refusals_are_not(
    notices: Notices, sms_gateway: FakeProvider, reply: Reply, state: NoticeState
) -> None:
    sms_gateway.script(reply)
    notice_id = notices.queue("sms")

    worker_for(notices, zenziva_like(sms_gateway)).run_once()

    assert notices.notice(notice_id).state == state


def test_a_retried_sms_is_sent_when_the_gateway_is_back(
    notices: Notices, sms_gateway: FakeProvider
) -> None:
    sms_gateway.script(Reply(503, {}))
    notice_id = notices.queue("sms")
    worker = worker_for(notices, zenziva_like(sms_gateway))

    worker.run_once()
    notices.clock.advance(seconds=5)
    worker.run_once()

    assert notices.notice(notice_id).state == NoticeState.SENT
    assert len(sms_gateway.received) == 2


def test_an_sms_is_never_sent_after_its_deadline(
    notices: Notices, sms_gateway: FakeProvider
) -> None:
    notice_id = notices.queue("sms", minutes=1)
    notices.clock.advance(minutes=1)

    worker_for(notices, zenziva_like(sms_gateway)).run_once()

    assert notices.notice(notice_id).state == NoticeState.EXPIRED
    assert sms_gateway.received == []


def test_a_gateway_that_hangs_is_a_temporary_failure_after_the_timeout(
    notices: Notices, sms_gateway: FakeProvider
) -> None:
    sms_gateway.script(Reply(hang=True))
    notice_id = notices.queue("sms")
    channel = SmsChannel(SmsShape(url=sms_gateway.url), timeout=0.5)

    worker_for(notices, channel, timeout=0.5).run_once()

    waiting = notices.notice(notice_id)
    assert (waiting.state, waiting.reason) == (NoticeState.QUEUED, "no answer within 0.5 s")


def test_no_log_line_or_repr_holds_the_key_or_the_number(
    notices: Notices, sms_gateway: FakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    sms_gateway.script(Reply(400, {"message": "number 081234567890 blocked"}))
    notices.queue("sms")
    caplog.set_level(logging.DEBUG)
    channel = zenziva_like(sms_gateway)

    worker_for(notices, channel).run_once()

    assert "blocked" in caplog.text
    assert SMS_KEY not in caplog.text and "3456" not in caplog.text
    assert SMS_KEY not in repr(channel) and sms_gateway.url not in repr(channel)


def test_the_number_is_written_as_the_gateway_wants_it() -> None:
    assert written_number("+6281234567890", "+62") == "+6281234567890"
    assert written_number("+6281234567890", "62") == "6281234567890"
    assert written_number("+6281234567890", "0") == "081234567890"


def test_the_sms_gateway_is_configured_from_toml_and_the_environment(tmp_path: Path) -> None:
    toml = tmp_path / "antre.toml"
    toml.write_text(
        "[notify]\n"
        'sms_url = "https://console.zenziva.net/reguler/api/sendsms/"\n'
        'sms_number_format = "0"\n'
        'sms_success_field = "status"\n'
        'sms_success_value = "1"\n'
        "sms_per_minute = 30\n"
    )
    config = load_config(toml, env={"ANTRE_NOTIFY_SMS_FIELDS": "userkey=abc&passkey=" + SMS_KEY})

    channel = configured_channels(config)["sms"]
    assert isinstance(channel, SmsChannel)
    assert channel.shape.fixed_fields == (("userkey", "abc"), ("passkey", SMS_KEY))
    assert channel.shape.number_format == "0"
    assert configured_paces(config)["sms"].per_minute == 30
    assert config.notices_on
    assert SMS_KEY not in repr(config) and "zenziva" not in repr(config)
    assert "sms" not in configured_channels(ServerConfig())


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"ANTRE_NOTIFY_SMS_FIELDS": "no pairs here"}, "name=value"),
        ({"ANTRE_NOTIFY_SMS_NUMBER_FORMAT": "0062"}, "must be one of"),
        ({"ANTRE_NOTIFY_SMS_BODY": "xml"}, "must be one of"),
        ({"ANTRE_NOTIFY_SMS_SUCCESS_VALUE": "1"}, "needs sms_success_field"),
    ],
)
def test_a_wrong_sms_setting_is_refused_at_start_with_its_name(
    env: dict[str, str], words: str
) -> None:
    with pytest.raises(ConfigError, match=words):
        load_config(None, env=env)
