"""The notice worker as a job of the server process: started with the server when a
channel is configured, and not at all when none is."""

from __future__ import annotations

import dataclasses

import pytest
from flask import Flask
from sqlalchemy import select

from server.jobs import start_notice_worker
from server.models import Notice, NoticeState
from server.state import AppState
from tests.conftest import Api, FakeClock

from .conftest import TELEGRAM_TOKEN, Notices, ticket_in
from .fake_provider import FakeProvider, wait_for


def test_the_servers_notice_job_sends_a_queued_notice_within_a_second(
    app: Flask, clock: FakeClock, telegram: FakeProvider
) -> None:
    state: AppState = app.extensions["antre"]
    state.config = dataclasses.replace(
        state.config,
        notify_telegram_token=TELEGRAM_TOKEN,
        notify_telegram_url=telegram.url,
        notify_interval_seconds=1,
    )
    hall = app.config["HALL"]
    notices = Notices(state.db, hall, clock, ticket_in(state.db, hall, clock()))
    notice_id = notices.queue("telegram")

    stop = start_notice_worker(app)
    try:
        assert wait_for(lambda: notices.notice(notice_id).state == NoticeState.SENT, timeout=1.5)
    finally:
        stop.set()
    assert len(telegram.received) == 1


@pytest.mark.parametrize(
    "tokens",
    [
        {},
        {"notify_fonnte_token": "f"},
        {"notify_telegram_token": "1:t"},
        {"notify_whatsapp_token": "w"},
        {"notify_whatsapp_token": "w", "notify_whatsapp_phone_number_id": "1"},
        {"notify_wablas_token": "w"},
        {"notify_wablas_token": "w", "notify_wablas_url": "https://jogja.wablas.com"},
        {"notify_sms_url": "https://sms.example/send"},
    ],
)
def test_notices_on_agrees_with_the_channels_built(tokens: dict[str, str]) -> None:
    from server.config import ServerConfig
    from server.notify.channels import configured_channels

    config = ServerConfig(secret_key="s" * 32, **tokens)  # type: ignore[arg-type]
    assert config.notices_on == bool(configured_channels(config))


def test_the_day_close_loops_minutes_check_queues_the_ahead_notice_once_as_time_passes(
    app: Flask, api: Api, clock: FakeClock
) -> None:
    from server.domain.settings import update_settings
    from server.jobs import queue_ahead_by_minutes

    from .test_gateway_hooks import configure, opt_in

    configure(app, notify_fonnte_token="fonnte-SECRET", public_url="https://mpp.example")
    state: AppState = app.extensions["antre"]
    with state.db.write() as session:
        update_settings(session, {"notice_ahead_threshold": 0, "notice_ahead_minutes": 20})
    kiosk = api.as_device("kiosk")
    for _ in range(3):
        kiosk.issue(api.hall.ktp)
    opt_in(app, api, "whatsapp")  # the fourth in line
    officer = api.as_user("petugas.dk")
    officer.counter(api.hall.c1, "open")
    officer.counter(api.hall.c1, "next")
    officer.counter(api.hall.c1, "start")

    assert queue_ahead_by_minutes(app) == 0  # 8 + 2 x 8 minutes: not yet
    clock.advance(minutes=5)
    assert queue_ahead_by_minutes(app) == 1  # the service ran on: 3 + 2 x 8
    assert queue_ahead_by_minutes(app) == 0  # the next round, or another server's
    with state.db.read() as session:
        [notice] = session.scalars(select(Notice))
        assert notice.kind == "ahead_minutes"
        assert "https://mpp.example/t/" in (notice.body or "")
