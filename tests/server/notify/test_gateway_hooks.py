"""STOP through the WhatsApp gateways' incoming-message webhooks (``/hooks/fonnte/<secret>``,
``/hooks/wablas/<secret>``): the messages Fonnte and Wablas POST, built by the fakes,
against the real app and database; the ticket page's SMS opt-in beside them."""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.models import NoticeSubscription
from server.state import AppState
from tests.conftest import Api

from .fake_provider import fonnte_incoming, wablas_incoming

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
FONNTE_HOOK = "fonnte-hook-path-SECRET-0123"
WABLAS_HOOK = "wablas-hook-path-SECRET-4567"
SMS_HOOK = "sms-hook-path-SECRET-89ab"
PHONE = "081234567890"


def configure(app: Flask, **values: Any) -> None:
    state: AppState = app.extensions["antre"]
    state.config = dataclasses.replace(state.config, **values)


@pytest.fixture
def gateways(app: Flask) -> Flask:
    configure(
        app,
        notify_fonnte_token="fonnte-SECRET",
        notify_fonnte_webhook_secret=FONNTE_HOOK,
        notify_wablas_webhook_secret=WABLAS_HOOK,
        notify_sms_url="http://127.0.0.1:9/sms",
        notify_sms_webhook_secret=SMS_HOOK,
    )
    return app


def active(app: Flask) -> list[tuple[str, str]]:
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        rows = session.scalars(
            select(NoticeSubscription).where(NoticeSubscription.unsubscribed_at.is_(None))
        )
        return sorted((row.channel, row.address) for row in rows)


def opt_in(app: Flask, api: Api, channel: str) -> str:
    code = api.as_device("kiosk").issue(api.hall.ktp)["status_code"]
    client = app.test_client()
    csrf = CSRF.search(client.get(f"/t/{code}").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    answer = client.post(
        f"/t/{code}/notices",
        data={"csrf_token": csrf, "phone": PHONE, "consent": "yes", "channel": channel},
    )
    assert answer.status_code == 303
    return code


def test_stop_sent_to_the_fonnte_device_ends_that_numbers_notices(
    gateways: Flask, api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    opt_in(gateways, api, "whatsapp")
    opt_in(gateways, api, "sms")
    client = gateways.test_client()
    caplog.set_level(logging.DEBUG)

    other = client.post(
        f"/hooks/fonnte/{FONNTE_HOOK}", json=fonnte_incoming("6281234567890", "halo")
    )
    group = client.post(
        f"/hooks/fonnte/{FONNTE_HOOK}", json=fonnte_incoming("6281234567890", "STOP", group=True)
    )
    assert (other.status_code, group.status_code) == (200, 200)
    assert len(active(gateways)) == 2

    stop = client.post(
        f"/hooks/fonnte/{FONNTE_HOOK}", json=fonnte_incoming("6281234567890", " Berhenti ")
    )

    assert stop.status_code == 200
    assert active(gateways) == [("sms", "+6281234567890")]  # SMS is another channel
    assert "stop (1 subscriptions)" in caplog.text
    assert "81234567890" not in caplog.text and FONNTE_HOOK not in caplog.text


def test_stop_sent_to_the_wablas_device_as_json_or_form(gateways: Flask, api: Api) -> None:
    client = gateways.test_client()
    opt_in(gateways, api, "whatsapp")
    assert (
        client.post(
            f"/hooks/wablas/{WABLAS_HOOK}", json=wablas_incoming("6281234567890", "stop")
        ).status_code
        == 200
    )
    assert active(gateways) == []

    opt_in(gateways, api, "whatsapp")
    form = {"phone": "6281234567890", "message": "STOP", "isGroup": "false"}
    assert client.post(f"/hooks/wablas/{WABLAS_HOOK}", data=form).status_code == 200
    assert active(gateways) == []

    opt_in(gateways, api, "whatsapp")
    multipart = client.post(
        f"/hooks/wablas/{WABLAS_HOOK}", data=form, content_type="multipart/form-data"
    )
    assert multipart.status_code == 200
    assert active(gateways) == []


@pytest.mark.parametrize("gateway", ["fonnte", "wablas"])
def test_a_gateway_hook_refuses_a_wrong_secret_and_a_body_that_is_not_a_message(
    gateways: Flask, api: Api, gateway: str
) -> None:
    client = gateways.test_client()
    opt_in(gateways, api, "whatsapp")
    secret = FONNTE_HOOK if gateway == "fonnte" else WABLAS_HOOK
    stop = (
        fonnte_incoming("6281234567890", "STOP")
        if gateway == "fonnte"
        else wablas_incoming("6281234567890", "STOP")
    )

    assert client.post(f"/hooks/{gateway}/{secret[:-1]}x", json=stop).status_code == 403
    assert client.post(f"/hooks/{gateway}/x", json=stop).status_code == 403
    assert active(gateways) != []
    for body in (b"not json", b"[1, 2]", b"\xff\xfe"):
        answer = client.post(
            f"/hooks/{gateway}/{secret}", data=body, content_type="application/json"
        )
        assert answer.status_code == 400
    huge = client.post(
        f"/hooks/{gateway}/{secret}", data=b"{" * 300_000, content_type="application/json"
    )
    assert huge.status_code in (400, 413)
    status_report = {"device": "6282227097005", "id": "80001", "stateid": "x", "status": "sent"}
    assert client.post(f"/hooks/{gateway}/{secret}", json=status_report).status_code == 200
    assert active(gateways) != []


def test_stop_by_sms_through_the_gateways_inbound_callback_ends_the_sms_notices(
    gateways: Flask, api: Api
) -> None:
    opt_in(gateways, api, "whatsapp")
    opt_in(gateways, api, "sms")
    client = gateways.test_client()
    assert (
        client.post(f"/hooks/sms/{SMS_HOOK}x", data={"from": "+6281234567890"}).status_code == 403
    )

    stop = client.post(f"/hooks/sms/{SMS_HOOK}", data={"from": "+6281234567890", "message": "STOP"})

    assert stop.status_code == 200
    assert active(gateways) == [("whatsapp", "+6281234567890")]  # WhatsApp is another channel

    configure(
        gateways, notify_sms_inbound_number_field="msisdn", notify_sms_inbound_text_field="text"
    )
    opt_in(gateways, api, "sms")
    renamed = client.post(
        f"/hooks/sms/{SMS_HOOK}", json={"msisdn": "081234567890", "text": "berhenti"}
    )
    assert renamed.status_code == 200
    assert active(gateways) == [("whatsapp", "+6281234567890")]


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        (f"/hooks/fonnte/{FONNTE_HOOK}", "POST /hooks/fonnte/… 200"),
        (f"/hooks/fonnte/{FONNTE_HOOK}/status", "POST /hooks/fonnte/…/status 200"),
        (f"/hooks/wablas/{WABLAS_HOOK}", "POST /hooks/wablas/… 200"),
        (f"/hooks/wablas/{WABLAS_HOOK}/status", "POST /hooks/wablas/…/status 200"),
        (f"/hooks/sms/{SMS_HOOK}", "POST /hooks/sms/… 200"),
        (f"/hooks/sms/{SMS_HOOK}x", "POST /hooks/sms/… 403"),
    ],
)
def test_the_request_log_keeps_no_part_of_a_hook_s_secret(
    gateways: Flask, caplog: pytest.LogCaptureFixture, path: str, logged: str
) -> None:
    caplog.set_level(logging.INFO, logger="antre.http")

    answer = gateways.test_client().post(path, json={"id": "80001", "status": "sent"})
    answer.close()  # the body is sent: the access line is written

    [line] = [r.getMessage() for r in caplog.records if r.name == "antre.http"]
    assert line.startswith(logged)
    assert "hook-path" not in line and "SECRET" not in line  # no part of the secret


def test_the_gateway_hooks_are_absent_without_their_secrets(app: Flask) -> None:
    client = app.test_client()
    stop = fonnte_incoming("6281234567890", "STOP")
    assert client.post("/hooks/fonnte/anything-at-all-here", json=stop).status_code == 404
    assert client.post("/hooks/wablas/anything-at-all-here", json=stop).status_code == 404
    assert client.post("/hooks/sms/anything-at-all-here", json=stop).status_code == 404


def test_the_ticket_page_offers_sms_beside_whatsapp_and_shows_it_masked(
    gateways: Flask, api: Api
) -> None:
    code = api.as_device("kiosk").issue(api.hall.ktp)["status_code"]
    client = gateways.test_client()
    page = client.get(f"/t/{code}").get_data(as_text=True)
    assert "Kabari saya lewat WhatsApp" in page and "Kabari saya lewat SMS" in page
    assert "Nomor ponsel" in page
    csrf = CSRF.search(page).group(1)  # type: ignore[union-attr]

    client.post(
        f"/t/{code}/notices",
        data={"csrf_token": csrf, "phone": PHONE, "consent": "yes", "channel": "sms"},
    )

    assert active(gateways) == [("sms", "+6281234567890")]
    page = client.get(f"/t/{code}").get_data(as_text=True)
    assert 'SMS · <span class="masked">+62 812-****-7890</span>' in page
    assert "Kabari saya lewat SMS" not in page and "Kabari saya lewat WhatsApp" in page
    english = client.get(f"/t/{code}?lang=en").get_data(as_text=True)
    assert "Notify me on WhatsApp" in english and "Notify me by SMS" not in english


def test_sms_is_offered_alone_and_refused_when_not_configured(app: Flask, api: Api) -> None:
    configure(app, notify_sms_url="http://127.0.0.1:9/sms")
    code = api.as_device("kiosk").issue(api.hall.ktp)["status_code"]
    client = app.test_client()
    page = client.get(f"/t/{code}").get_data(as_text=True)
    assert "Kabari saya lewat SMS" in page and "Kabari saya lewat WhatsApp" not in page
    csrf = CSRF.search(page).group(1)  # type: ignore[union-attr]
    for channel in ("whatsapp", "telegram", "nonsense"):
        refused = client.post(
            f"/t/{code}/notices",
            data={"csrf_token": csrf, "phone": PHONE, "consent": "yes", "channel": channel},
        )
        assert refused.status_code == 404, channel
    assert active(app) == []


def test_the_hook_secrets_load_from_the_environment_and_stay_out_of_repr() -> None:
    from server.config import ConfigError, load_config

    config = load_config(
        None,
        env={
            "ANTRE_NOTIFY_FONNTE_WEBHOOK_SECRET": FONNTE_HOOK,
            "ANTRE_NOTIFY_WABLAS_WEBHOOK_SECRET": WABLAS_HOOK,
            "ANTRE_NOTIFY_SMS_WEBHOOK_SECRET": SMS_HOOK,
        },
    )
    assert config.notify_sms_webhook_secret == SMS_HOOK and SMS_HOOK not in repr(config)
    assert (config.notify_fonnte_webhook_secret, config.notify_wablas_webhook_secret) == (
        FONNTE_HOOK,
        WABLAS_HOOK,
    )
    assert FONNTE_HOOK not in repr(config) and WABLAS_HOOK not in repr(config)
    with pytest.raises(ConfigError, match="at least 16"):
        load_config(None, env={"ANTRE_NOTIFY_FONNTE_WEBHOOK_SECRET": "short"})


def test_the_message_log_shows_an_sms_notice_masked_like_whatsapp(
    gateways: Flask, api: Api
) -> None:
    from server.domain.notices.queueing import enqueue_notice
    from tests.web.console_login import client_session

    opt_in(gateways, api, "sms")
    state: AppState = gateways.extensions["antre"]
    with state.db.write() as session:
        sub = session.scalars(select(NoticeSubscription)).one()
        enqueue_notice(
            session, sub, kind="called", now=state.clock(),
            deadline=state.clock().replace(year=2100), body="Nomor DK-001 dipanggil",
        )  # fmt: skip

    page = client_session(gateways, "admin").get("/admin/notices").get_data(as_text=True)

    assert "<td>SMS</td>" in page and "+62 812-****-7890" in page
    assert "81234567890" not in page and "Nomor DK-001 dipanggil" not in page


def test_an_sms_visitor_hears_the_call_through_the_configured_gateway(app: Flask, api: Api) -> None:
    from server.notify.channels import configured_worker

    from .fake_provider import FakeProvider, sms_ok

    gateway = FakeProvider(sms_ok)
    try:
        configure(app, notify_sms_url=gateway.url + "/send", notify_sms_number_format="0")
        opt_in(app, api, "sms")
        officer = api.as_user("petugas.dk")
        officer.counter(api.hall.c1, "open")
        officer.counter(api.hall.c1, "next")

        state: AppState = app.extensions["antre"]
        worker = configured_worker(state.config, state.db, state.clock)
        assert worker is not None and worker.run_once() == 1

        [request] = gateway.received
        assert request.fields["to"] == "081234567890"
        assert "dipanggil" in request.fields["message"]
    finally:
        gateway.close()
