"""The booking pages' notices over HTTP: the form's box (only with a channel), the
confirmation queued by booking with it ticked, the status page's panel with the number
masked, the Telegram link, and "stop". The clock is Monday 30 November 2026, 09.00."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from server.models import Booking, Notice, NoticeSubscription
from server.state import AppState
from tests.server.notify.test_opt_in_and_hooks import configure
from tests.web.test_booking_pages import TUESDAY, book, csrf, kk  # noqa: F401 (fixture)

FORM = f"/booking/s/{{}}/{TUESDAY}/1000"


def state_of(app: Flask) -> AppState:
    return app.extensions["antre"]  # type: ignore[no-any-return]


@pytest.fixture
def notifying(app: Flask) -> Flask:
    configure(
        app,
        notify_fonnte_token="fonnte-SECRET",
        notify_telegram_token="1:tg-SECRET",
        notify_telegram_bot="MppTestBot",
        public_url="https://mpp.example",
        retention_days=90,
    )
    return app


def rows(app: Flask, model: type) -> list[Any]:
    with state_of(app).db.read() as session:
        found = list(session.scalars(select(model).order_by(model.id)))  # type: ignore[attr-defined]
        session.expunge_all()
        return found


def code_of(app: Flask) -> str:
    [booking] = rows(app, Booking)
    return str(booking.code)


def test_without_a_channel_the_form_has_no_box_and_the_status_page_no_panel(
    app: Flask,
    kk: int,  # noqa: F811
) -> None:
    client = app.test_client()
    assert 'name="notices"' not in client.get(FORM.format(kk)).get_data(as_text=True)
    assert book(client, kk, notices="yes").status_code == 303  # a forged tick keeps nothing
    assert rows(app, NoticeSubscription) == []
    assert 'id="notices"' not in client.get(f"/b/{code_of(app)}").get_data(as_text=True)


def test_the_box_says_what_is_kept_and_for_how_long(notifying: Flask, kk: int) -> None:  # noqa: F811
    page = notifying.test_client().get(FORM.format(kk)).get_data(as_text=True)
    assert "Kirim konfirmasi dan pengingat ke WhatsApp nomor ini" in page
    assert "pemberitahuan booking dan antrean, dan dihapus 90 hari setelah tanggal booking" in page
    assert 'name="notices" value="yes" id="notice-box">' in page  # not ticked for them
    english = notifying.test_client().get(FORM.format(kk) + "?lang=en").get_data(as_text=True)
    assert "Send the confirmation and reminders to this number on WhatsApp" in english


def test_unticked_nothing_is_kept(notifying: Flask, kk: int) -> None:  # noqa: F811
    assert book(notifying.test_client(), kk).status_code == 303
    assert rows(notifying, NoticeSubscription) == []
    assert rows(notifying, Notice) == []


def test_ticked_the_confirmation_is_queued_and_the_status_page_stops_it(
    notifying: Flask,
    kk: int,  # noqa: F811
) -> None:
    client = notifying.test_client()
    assert book(client, kk, notices="yes").status_code == 303
    code = code_of(notifying)
    [row] = rows(notifying, NoticeSubscription)
    assert (row.channel, row.address) == ("whatsapp", "+6281234567890")
    [notice] = rows(notifying, Notice)
    assert notice.kind == "booking_confirmed"
    assert f"https://mpp.example/b/{code}" in notice.body

    page = client.get(f"/b/{code}").get_data(as_text=True)
    assert "Pemberitahuan aktif" in page and "+62 812-****-7890" in page
    assert "3456-7890" not in page and "6281234567890" not in page
    link = re.search(r'href="https://t\.me/MppTestBot\?start=(b[0-9]+-id_[A-Za-z0-9_-]{22})"', page)
    assert link is not None and code not in link.group(1)

    forged = client.post(f"/b/{code}/notices/stop")
    assert forged.status_code == 400
    assert rows(notifying, NoticeSubscription)[0].unsubscribed_at is None
    unknown = client.post("/b/ZZZZZZZZ/notices/stop", data={"csrf_token": csrf(page)})
    assert unknown.status_code == 404

    stopped = client.post(f"/b/{code}/notices/stop", data={"csrf_token": csrf(page)})
    assert stopped.status_code == 303 and stopped.headers["Location"].endswith("#notices")
    assert rows(notifying, NoticeSubscription)[0].unsubscribed_at is not None
    assert rows(notifying, Notice)[0].reason == "unsubscribed"
    again = client.get(f"/b/{code}").get_data(as_text=True)
    assert "Pemberitahuan aktif" not in again and "Kirim pengingat lewat Telegram" in again


def test_the_servers_job_queues_the_day_reminder_with_the_public_link(
    notifying: Flask,
    kk: int,  # noqa: F811
) -> None:
    from server.jobs import queue_booking_reminders
    from tests.conftest import JAKARTA

    assert book(notifying.test_client(), kk, notices="yes").status_code == 303
    clock = notifying.extensions["antre"].clock
    clock.set(dt.datetime(2026, 11, 30, 16, 0, tzinfo=JAKARTA))
    assert queue_booking_reminders(notifying) == 1
    assert queue_booking_reminders(notifying) == 0
    reminder = rows(notifying, Notice)[-1]
    assert reminder.kind == "booking_reminder_day"
    assert reminder.body.endswith(f"https://mpp.example/b/{code_of(notifying)}")


def start_on_the_status_page(client: FlaskClient, code: str, query: str = "") -> int:
    """Open the booking's status page, press its Telegram link (as chat 4242): the
    webhook's answer."""
    page = client.get(f"/b/{code}{query}").get_data(as_text=True)
    payload = re.search(r"start=(b[0-9]+-(?:id|en)_[A-Za-z0-9_-]{22})", page).group(1)  # type: ignore[union-attr]
    chat = {"id": 4242, "type": "private"}
    update = {
        "update_id": 7,
        "message": {"message_id": 1, "chat": chat, "text": f"/start {payload}"},
    }
    headers = {"X-Telegram-Bot-Api-Secret-Token": "tg-hook-SECRET"}
    return client.post("/hooks/telegram", json=update, headers=headers).status_code


def test_the_status_pages_telegram_link_binds_the_chat_through_the_webhook(
    notifying: Flask,
    kk: int,  # noqa: F811
) -> None:
    configure(notifying, notify_telegram_webhook_secret="tg-hook-SECRET")
    client = notifying.test_client()
    assert book(client, kk).status_code == 303
    code = code_of(notifying)
    assert start_on_the_status_page(client, code) == 200
    [row] = rows(notifying, NoticeSubscription)
    assert (row.channel, row.address, row.ticket_id, row.language) == (
        "telegram", "4242", None, "id"
    )  # fmt: skip
    [confirmation] = rows(notifying, Notice)
    assert confirmation.body.startswith("Pemberitahuan untuk booking")
    assert confirmation.body.endswith(f"https://mpp.example/b/{code}")
    page = client.get(f"/b/{code}").get_data(as_text=True)
    assert "Pemberitahuan aktif" in page and "start=b" not in page


def test_the_english_status_pages_telegram_link_binds_in_english(
    notifying: Flask,
    kk: int,  # noqa: F811
) -> None:
    configure(notifying, notify_telegram_webhook_secret="tg-hook-SECRET")
    client = notifying.test_client()
    assert book(client, kk).status_code == 303  # booked on the Indonesian form
    code = code_of(notifying)
    assert start_on_the_status_page(client, code, "?lang=en") == 200
    [row] = rows(notifying, NoticeSubscription)
    assert row.language == "en"
    [confirmation] = rows(notifying, Notice)
    assert confirmation.body.startswith("Notices for booking")
    assert confirmation.body.endswith(f"https://mpp.example/b/{code}")
