"""The bot's ``/start`` and STOP read by long polling (``getUpdates``) against a fake
Telegram on 127.0.0.1, for a hall without a webhook; a 409 Conflict (a webhook set after
all, another reader of the bot) said once in the log."""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.jobs import poll_telegram_once, telegram_polling
from server.models import NoticeSubscription
from server.notify.telegram_updates import TelegramUpdates
from server.state import AppState
from tests.conftest import Api

from .fake_provider import FakeProvider, Received, Reply

TOKEN = "1:tg-SECRET"


def updates_reply(*updates: dict[str, Any]) -> Reply:
    return Reply(body={"ok": True, "result": list(updates)})


def text(update_id: int, chat_id: int, words: str, chat_type: str = "private") -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "chat": {"id": chat_id, "type": chat_type},
            "text": words,
        },
    }


def configure(app: Flask, url: str, **extra: Any) -> None:
    state: AppState = app.extensions["antre"]
    state.config = dataclasses.replace(
        state.config,
        notify_telegram_token=TOKEN,
        notify_telegram_bot="MppTestBot",
        notify_telegram_url=url,
        **extra,
    )


def test_start_and_stop_are_read_by_polling_and_confirmed_by_offset(app: Flask, api: Api) -> None:
    provider = FakeProvider(lambda _r, _n: updates_reply())
    try:
        configure(app, provider.url)
        code = api.as_device("kiosk").issue(api.hall.ktp)["status_code"]
        page = app.test_client().get(f"/t/{code}").get_data(as_text=True)
        payload = re.search(r"start=([A-Za-z0-9_-]+)", page).group(1)  # type: ignore[union-attr]
        provider.script(
            updates_reply(
                text(41, 555, f"/start {payload}"),
                text(42, 555, "halo"),
                text(43, 666, "/start nonsense"),
                text(44, -100, f"/start {payload}", chat_type="group"),
            ),
            Reply(status=502, body={"ok": False}),
            updates_reply(text(45, 555, "Stop")),
        )
        updates = TelegramUpdates(TOKEN, base_url=provider.url, timeout=2)

        offset = poll_telegram_once(app, updates, None, 0)
        assert offset == 45
        state: AppState = app.extensions["antre"]
        with state.db.read() as session:
            rows = session.scalars(select(NoticeSubscription)).all()
            assert [(r.address, r.unsubscribed_at) for r in rows] == [("555", None)]
        assert poll_telegram_once(app, updates, offset, 0) == 45  # a 502: same offset
        assert poll_telegram_once(app, updates, offset, 0) == 46
        with state.db.read() as session:
            assert session.scalars(select(NoticeSubscription)).one().unsubscribed_at is not None

        sent: list[Received] = provider.received
        assert [r.fields.get("offset") for r in sent] == [None, 45, 45]
        assert all(r.path == f"/bot{TOKEN}/getUpdates" for r in sent)
    finally:
        provider.close()


def test_no_polling_with_a_webhook_or_without_a_bot(app: Flask) -> None:
    state: AppState = app.extensions["antre"]
    assert telegram_polling(state.notice_config()) is None
    configure(app, "http://127.0.0.1:9")
    assert telegram_polling(state.notice_config()) is not None
    configure(app, "http://127.0.0.1:9", notify_telegram_webhook_secret="s")
    assert telegram_polling(state.notice_config()) is None


@pytest.mark.parametrize(
    ("description", "said"),
    [
        (
            "Conflict: can't use getUpdates method while webhook is active; "
            "use deleteWebhook to delete the webhook first",
            "a webhook is set for this bot",
        ),
        (
            "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running",
            "another program reads this bot's messages",
        ),
    ],
)
def test_a_conflict_is_logged_once_as_a_warning_saying_what_to_do(
    app: Flask, caplog: pytest.LogCaptureFixture, description: str, said: str
) -> None:
    conflict = Reply(409, {"ok": False, "error_code": 409, "description": description})
    provider = FakeProvider(lambda _r, _n: conflict)
    try:
        updates = TelegramUpdates(TOKEN, base_url=provider.url, timeout=2)
        caplog.set_level(logging.DEBUG)

        offsets = [poll_telegram_once(app, updates, 45, 0) for _ in range(3)]

        assert offsets == [45, 45, 45]
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        assert len(warnings) == 1, caplog.text
        assert warnings[0].name == "antre.notify"
        assert said in warnings[0].getMessage()
        assert "telegram_webhook_secret" in warnings[0].getMessage()
        assert TOKEN not in caplog.text
    finally:
        provider.close()
