"""Delivery reports from the WhatsApp gateways (``/hooks/fonnte/<secret>/status``,
``/hooks/wablas/<secret>/status``): a visitor opts in, the counter calls, the configured
worker sends the call through the fake gateway, and the gateway's reports, built by the
fakes in the documented shapes, move that notice to delivered or failed."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from server import channel_settings
from server.models import Notice, NoticeState
from server.notify.channels import configured_worker
from server.state import AppState
from tests.conftest import Api
from tests.web.test_admin_people_forms import Console, text

from .fake_provider import FakeProvider, fonnte_ok, fonnte_status, wablas_ok, wablas_status
from .test_gateway_hooks import FONNTE_HOOK, WABLAS_HOOK, configure, opt_in


def call_notice(app: Flask, api: Api) -> Notice:
    """Opt in on the ticket page, call the ticket, let the configured worker send it: the
    call notice, as the gateway accepted it."""
    opt_in(app, api, "whatsapp")
    officer = api.as_user("petugas.dk")
    officer.counter(api.hall.c1, "open")
    officer.counter(api.hall.c1, "next")
    state: AppState = app.extensions["antre"]
    worker = configured_worker(state.config, state.db, state.clock)
    assert worker is not None and worker.run_once() == 1
    [notice] = notices(app)
    assert notice.state == NoticeState.SENT
    return notice


def notices(app: Flask) -> list[Notice]:
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        found = list(session.scalars(select(Notice).order_by(Notice.id)))
        session.expunge_all()  # read after the session ends
        return found


@pytest.fixture
def fonnte(app: Flask) -> Iterator[FakeProvider]:
    gateway = FakeProvider(fonnte_ok)
    configure(
        app,
        notify_fonnte_token="fonnte-SECRET",
        notify_fonnte_url=gateway.url,
        notify_fonnte_webhook_secret=FONNTE_HOOK,
    )
    yield gateway
    gateway.close()


@pytest.fixture
def wablas(app: Flask) -> Iterator[FakeProvider]:
    gateway = FakeProvider(wablas_ok)
    configure(
        app,
        notify_wablas_token="wablas-SECRET",
        notify_wablas_url=gateway.url,
        notify_wablas_webhook_secret=WABLAS_HOOK,
    )
    yield gateway
    gateway.close()


def test_fonnte_reports_delivery_by_the_state_id_it_named_with_the_message_id(
    app: Flask, api: Api, fonnte: FakeProvider, caplog: pytest.LogCaptureFixture
) -> None:
    sent = call_notice(app, api)
    client = app.test_client()
    url = f"/hooks/fonnte/{FONNTE_HOOK}/status"
    caplog.set_level(logging.DEBUG)

    first = client.post(
        url, json=fonnte_status(id=sent.provider_message_id, stateid="ST-1", status="sent")
    )
    assert first.status_code == 200
    [still] = notices(app)
    assert (still.state, still.provider_state_id) == (NoticeState.SENT, "ST-1")

    delivered = client.post(url, json=fonnte_status(stateid="ST-1", state="delivered"))
    assert delivered.status_code == 200
    [reached] = notices(app)
    assert reached.state == NoticeState.DELIVERED
    assert reached.delivered_at == app.extensions["antre"].clock()

    read = client.post(url, json=fonnte_status(stateid="ST-1", state="read"))
    assert read.status_code == 200
    assert notices(app)[0].state == NoticeState.DELIVERED  # read is delivered, and more
    assert "81234567890" not in caplog.text and "82227097005" not in caplog.text
    assert FONNTE_HOOK not in caplog.text


def test_the_message_log_shows_a_fonnte_notice_delivered(
    app: Flask, api: Api, fonnte: FakeProvider
) -> None:
    sent = call_notice(app, api)
    client = app.test_client()
    report = fonnte_status(id=sent.provider_message_id, stateid="ST-9", state="delivered")
    assert client.post(f"/hooks/fonnte/{FONNTE_HOOK}/status", json=report).status_code == 200

    page = text(Console(app, "admin").get("/admin/notices"))

    assert "Diterima" in page
    assert "81234567890" not in page


def test_fonnte_reporting_an_invalid_target_after_sending_fails_the_notice(
    app: Flask, api: Api, fonnte: FakeProvider
) -> None:
    sent = call_notice(app, api)
    report = fonnte_status(id=sent.provider_message_id, stateid="ST-2", status="invalid")

    answer = app.test_client().post(f"/hooks/fonnte/{FONNTE_HOOK}/status", json=report)

    assert answer.status_code == 200
    [failed] = notices(app)
    assert (failed.state, failed.reason) == (
        NoticeState.FAILED,
        "Fonnte reported after sending: invalid target",
    )


def test_a_fonnte_report_sent_to_the_incoming_url_is_read_there_too(
    app: Flask, api: Api, fonnte: FakeProvider
) -> None:
    sent = call_notice(app, api)
    report = fonnte_status(id=sent.provider_message_id, stateid="ST-3", state="delivered")

    answer = app.test_client().post(f"/hooks/fonnte/{FONNTE_HOOK}", json=report)

    assert answer.status_code == 200
    assert notices(app)[0].state == NoticeState.DELIVERED


def test_wablas_tracking_moves_the_notice_to_delivered_then_ignores_read(
    app: Flask, api: Api, wablas: FakeProvider
) -> None:
    sent = call_notice(app, api)
    assert sent.provider_message_id == "wablas-1"
    client = app.test_client()
    url = f"/hooks/wablas/{WABLAS_HOOK}/status"

    assert client.post(url, data=wablas_status("wablas-1", "sent")).status_code == 200
    assert notices(app)[0].state == NoticeState.SENT
    assert client.post(url, data=wablas_status("wablas-1", "received")).status_code == 200
    assert notices(app)[0].state == NoticeState.DELIVERED
    assert client.post(url, json=wablas_status("wablas-1", "read")).status_code == 200
    assert notices(app)[0].state == NoticeState.DELIVERED


def test_wablas_rejecting_an_accepted_message_fails_the_notice(
    app: Flask, api: Api, wablas: FakeProvider
) -> None:
    call_notice(app, api)

    answer = app.test_client().post(
        f"/hooks/wablas/{WABLAS_HOOK}/status", json=wablas_status("wablas-1", "reject")
    )

    assert answer.status_code == 200
    [failed] = notices(app)
    assert (failed.state, failed.reason) == (
        NoticeState.FAILED,
        "Wablas reported the message rejected",
    )


@pytest.mark.parametrize("gateway", ["fonnte", "wablas"])
def test_a_report_about_no_notice_of_ours_is_answered_200_and_changes_nothing(
    app: Flask, api: Api, fonnte: FakeProvider, gateway: str
) -> None:
    configure(app, notify_wablas_webhook_secret=WABLAS_HOOK)
    call_notice(app, api)
    secret = FONNTE_HOOK if gateway == "fonnte" else WABLAS_HOOK
    unknown = (
        fonnte_status(stateid="ST-unknown", state="delivered")
        if gateway == "fonnte"
        else wablas_status("someone-elses", "read")
    )

    answer = app.test_client().post(f"/hooks/{gateway}/{secret}/status", json=unknown)

    assert answer.status_code == 200
    assert notices(app)[0].state == NoticeState.SENT


@pytest.mark.parametrize("gateway", ["fonnte", "wablas"])
def test_a_status_hook_refuses_a_wrong_secret_and_a_body_that_is_not_a_report(
    app: Flask, gateway: str
) -> None:
    client = app.test_client()
    assert client.post(f"/hooks/{gateway}/{'x' * 20}/status", json={}).status_code == 404
    configure(
        app, notify_fonnte_webhook_secret=FONNTE_HOOK, notify_wablas_webhook_secret=WABLAS_HOOK
    )
    secret = FONNTE_HOOK if gateway == "fonnte" else WABLAS_HOOK
    url = f"/hooks/{gateway}/{secret}/status"

    assert client.post(f"/hooks/{gateway}/{secret[:-1]}x/status", json={}).status_code == 403
    for body in (b"not json", b"[1, 2]", b"\xff\xfe", b"{}", b'{"id": true, "status": 5}'):
        answer = client.post(url, data=body, content_type="application/json")
        assert answer.status_code == 400, body
        assert b"status report" in answer.data
    no_id = {"device": "6282227097005", "status": "sent", "state": "read"}
    assert client.post(url, json=no_id).status_code == 400


@pytest.mark.parametrize("gateway", ["fonnte", "wablas"])
def test_a_status_webhook_secret_set_on_the_console_opens_the_status_url(
    app: Flask, gateway: str
) -> None:
    state: AppState = app.extensions["antre"]
    secret = f"{gateway}-console-hook-0123456789"
    with state.db.write() as session:
        channel_settings.save(
            session,
            {f"notify_{gateway}_webhook_secret": secret},
            state.personal_data_key,
            now=state.clock(),
            user_id=None,
        )
    state.channel_settings.forget()
    report = {"id": "not-ours", "stateid": "S-1", "state": "delivered", "status": "sent"}

    answer = app.test_client().post(f"/hooks/{gateway}/{secret}/status", json=report)

    assert answer.status_code == 200  # read (about no notice of ours), not "not configured"
