"""The ticket page's opt-in, the Telegram binding and STOP, and the WhatsApp webhook:
signed and unsigned requests built here, against the real app and database."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from server.domain.notices import opt_in, text_editor
from server.domain.notices.queueing import enqueue_notice
from server.models import Notice, NoticeState, NoticeSubscription, Ticket
from server.state import AppState
from tests.conftest import Api

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TG_SECRET = "tg-webhook-secret-SECRET"
APP_SECRET = "meta-app-secret-SECRET"
VERIFY = "verify-me-SECRET"


def configure(app: Flask, **values: Any) -> None:
    state: AppState = app.extensions["antre"]
    state.config = dataclasses.replace(state.config, **values)


@pytest.fixture
def notifying(app: Flask) -> Flask:
    configure(
        app,
        notify_fonnte_token="fonnte-SECRET",
        notify_telegram_token="1:tg-SECRET",
        notify_telegram_bot="MppTestBot",
        notify_telegram_webhook_secret=TG_SECRET,
        notify_whatsapp_app_secret=APP_SECRET,
        notify_whatsapp_verify_token=VERIFY,
    )
    return app


def issued(api: Api) -> dict[str, Any]:
    return api.as_device("kiosk").issue(api.hall.ktp)


def subscriptions(app: Flask) -> list[NoticeSubscription]:
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        rows = list(session.scalars(select(NoticeSubscription).order_by(NoticeSubscription.id)))
        session.expunge_all()
        return rows


def test_no_channel_configured_offers_nothing(app: Flask, api: Api) -> None:
    code = issued(api)["status_code"]
    page = app.test_client().get(f"/t/{code}").get_data(as_text=True)
    assert 'id="notices"' not in page


def test_a_visitor_opts_in_by_whatsapp_sees_the_masked_number_and_stops(
    notifying: Flask, api: Api
) -> None:
    code = issued(api)["status_code"]
    client = notifying.test_client()
    page = client.get(f"/t/{code}").get_data(as_text=True)
    assert "Kabari saya lewat WhatsApp" in page and "Kabari saya lewat Telegram" in page
    assert "hanya untuk mengirim pemberitahuan antrean" in page
    link = re.search(r'href="(https://t\.me/MppTestBot\?start=([^"]+))"', page)
    assert link is not None and code not in link.group(1)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,64}", link.group(2))
    csrf = CSRF.search(page).group(1)  # type: ignore[union-attr]

    refused = client.post(
        f"/t/{code}/notices", data={"csrf_token": csrf, "phone": "12345", "consent": "yes"}
    )
    assert refused.status_code == 422
    assert "bukan nomor ponsel Indonesia" in refused.get_data(as_text=True)
    assert 'value="12345"' in refused.get_data(as_text=True)  # given back to correct
    hostile = client.post(
        f"/t/{code}/notices", data={"csrf_token": csrf, "phone": '"><b>x', "consent": "yes"}
    ).get_data(as_text=True)
    assert "<b>x" not in hostile and "&lt;b&gt;x" in hostile
    no_consent = client.post(f"/t/{code}/notices", data={"csrf_token": csrf, "phone": "0812"})
    assert no_consent.status_code == 422
    forged = client.post(f"/t/{code}/notices", data={"phone": "081234567890", "consent": "yes"})
    assert forged.status_code == 400
    assert subscriptions(notifying) == []

    done = client.post(
        f"/t/{code}/notices",
        data={"csrf_token": csrf, "phone": "0812-3456-7890", "consent": "yes"},
    )
    assert done.status_code == 303
    [row] = subscriptions(notifying)
    assert (row.channel, row.address, row.language) == ("whatsapp", "+6281234567890", "id")
    page = client.get(f"/t/{code}").get_data(as_text=True)
    assert "Pemberitahuan aktif" in page and "+62 812-****-7890" in page
    assert "6281234567890" not in page and "3456-7890" not in page

    english = client.get(f"/t/{code}?lang=en").get_data(as_text=True)
    assert "Notices are on" in english and "Stop notices" in english

    assert client.post(f"/t/{code}/notices/stop", data={"csrf_token": csrf}).status_code == 303
    [row] = subscriptions(notifying)
    assert row.unsubscribed_at is not None
    assert "Pemberitahuan aktif" not in client.get(f"/t/{code}").get_data(as_text=True)


def test_unknown_codes_are_refused_alike(notifying: Flask) -> None:
    client = notifying.test_client()
    page = client.get("/t/doesnotexist123").get_data(as_text=True)
    assert client.get("/t/doesnotexist123").status_code == 404
    assert 'id="notices"' not in page


def telegram(client: FlaskClient, body: Any, secret: str | None = TG_SECRET) -> Any:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post(
        "/hooks/telegram", data=data, headers=headers, content_type="application/json"
    )


def text_update(chat_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": 1,
        "message": {"message_id": 5, "chat": {"id": chat_id, "type": "private"}, "text": text},
    }


def test_telegram_start_binds_the_chat_confirms_and_stop_unsubscribes(
    notifying: Flask, api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    code = issued(api)["status_code"]
    client = notifying.test_client()
    page = client.get(f"/t/{code}").get_data(as_text=True)
    payload = re.search(r"start=([A-Za-z0-9_-]+)", page).group(1)  # type: ignore[union-attr]

    assert telegram(client, text_update(987654321, f"/start {payload}")).status_code == 200
    assert telegram(client, text_update(987654321, f"/start {payload}")).status_code == 200
    [row] = subscriptions(notifying)
    assert (row.channel, row.address) == ("telegram", "987654321")
    state: AppState = notifying.extensions["antre"]
    with state.db.read() as session:
        [notice] = session.scalars(select(Notice)).all()
        number = session.scalars(select(Ticket.number)).one()
        assert notice.kind == "subscribed" and notice.state == NoticeState.QUEUED
        assert number in (notice.body or "") and "STOP" in (notice.body or "")
    assert "Pemberitahuan aktif" in client.get(f"/t/{code}").get_data(as_text=True)

    # A payload for another ticket, made up: nothing bound
    forged = payload.rsplit("_", 1)[0][:-1] + "9_" + payload.rsplit("_", 1)[1]
    assert telegram(client, text_update(111, f"/start {forged}")).status_code == 200
    assert len(subscriptions(notifying)) == 1

    assert telegram(client, text_update(987654321, "STOP")).status_code == 200
    [row] = subscriptions(notifying)
    assert row.unsubscribed_at is not None
    assert "987654321" not in caplog.text and TG_SECRET not in caplog.text


def test_a_telegram_token_without_the_bot_s_username_offers_no_empty_panel(
    notifying: Flask, api: Api
) -> None:
    configure(notifying, notify_fonnte_token=None, notify_telegram_bot=None)
    code = issued(api)["status_code"]
    client = notifying.test_client()
    page = client.get(f"/t/{code}").get_data(as_text=True)
    assert 'id="notices"' not in page and "Tunggu di mana saja" not in page

    configure(notifying, notify_fonnte_token="fonnte-SECRET")  # WhatsApp beside it
    page = client.get(f"/t/{code}").get_data(as_text=True)
    assert "Kabari saya lewat WhatsApp" in page and "t.me/" not in page


def test_a_visitor_bound_to_the_bot_can_still_stop_once_its_username_is_gone(
    notifying: Flask, api: Api
) -> None:
    code = issued(api)["status_code"]
    client = notifying.test_client()
    page = client.get(f"/t/{code}").get_data(as_text=True)
    payload = re.search(r"start=([A-Za-z0-9_-]+)", page).group(1)  # type: ignore[union-attr]
    assert telegram(client, text_update(987654321, f"/start {payload}")).status_code == 200

    configure(notifying, notify_fonnte_token=None, notify_telegram_bot=None)
    page = client.get(f"/t/{code}").get_data(as_text=True)
    assert "Pemberitahuan aktif" in page and 'id="notices-stop"' in page


def test_telegram_refuses_a_wrong_secret_and_malformed_bodies(notifying: Flask) -> None:
    client = notifying.test_client()
    assert telegram(client, text_update(1, "STOP"), secret=None).status_code == 403
    assert telegram(client, text_update(1, "STOP"), secret="nope").status_code == 403
    assert telegram(client, b"{not json").status_code == 400
    assert telegram(client, b"\xff\xfe").status_code == 400
    assert telegram(client, [1, 2]).status_code == 400
    assert telegram(client, {"update_id": 1, "message": {"chat": "x"}}).status_code == 400
    assert telegram(client, {"update_id": 2, "edited_message": {}}).status_code == 200


def test_hooks_are_absent_without_their_secrets(app: Flask) -> None:
    client = app.test_client()
    assert telegram(client, text_update(1, "STOP")).status_code == 404
    assert client.post("/hooks/whatsapp", data=b"{}").status_code == 404
    assert client.get("/hooks/whatsapp?hub.mode=subscribe").status_code == 404


def signed(body: bytes, secret: str = APP_SECRET) -> dict[str, str]:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={digest}", "Content-Type": "application/json"}


def whatsapp_body(value: dict[str, Any]) -> bytes:
    change = {"field": "messages", "value": {"messaging_product": "whatsapp", **value}}
    return json.dumps(
        {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [change]}]}
    ).encode()


def test_whatsapp_handshake_checks_the_verify_token(notifying: Flask) -> None:
    client = notifying.test_client()
    ok = client.get(
        f"/hooks/whatsapp?hub.mode=subscribe&hub.verify_token={VERIFY}&hub.challenge=1158201444"
    )
    assert (ok.status_code, ok.get_data(as_text=True)) == (200, "1158201444")
    wrong = client.get("/hooks/whatsapp?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1")
    assert wrong.status_code == 403


def test_whatsapp_statuses_and_stop(notifying: Flask, api: Api) -> None:
    code = issued(api)["status_code"]
    client = notifying.test_client()
    csrf = CSRF.search(client.get(f"/t/{code}").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    client.post(
        f"/t/{code}/notices", data={"csrf_token": csrf, "phone": "081234567890", "consent": "yes"}
    )
    state: AppState = notifying.extensions["antre"]
    clock = state.clock
    with state.db.write() as session:
        sub = session.scalars(select(NoticeSubscription)).one()
        for n, wamid in enumerate(("wamid.A", "wamid.B")):
            notice = enqueue_notice(
                session, sub, kind="called", now=clock(), deadline=clock().replace(year=2100),
                body=f"Nomor {n}", idempotency_key=f"k{n}",
            )  # fmt: skip
            assert notice is not None
            notice.state, notice.provider_message_id = NoticeState.SENT, wamid

    statuses = whatsapp_body(
        {
            "statuses": [
                {"id": "wamid.A", "status": "delivered", "recipient_id": "6281234567890"},
                {"id": "wamid.B", "status": "failed", "errors": [{"code": 131026}]},
            ]
        }
    )
    unsigned = client.post("/hooks/whatsapp", data=statuses, content_type="application/json")
    assert unsigned.status_code == 403
    bad = client.post("/hooks/whatsapp", data=statuses, headers=signed(statuses, "other"))
    assert bad.status_code == 403
    assert (
        client.post("/hooks/whatsapp", data=statuses, headers=signed(statuses)).status_code == 200
    )
    with state.db.read() as session:
        states = dict(session.execute(select(Notice.provider_message_id, Notice.state)).all())
        assert states == {"wamid.A": NoticeState.DELIVERED, "wamid.B": NoticeState.FAILED}

    garbage = b"[not json"
    assert client.post("/hooks/whatsapp", data=garbage, headers=signed(garbage)).status_code == 400

    stop = whatsapp_body(
        {
            "messages": [
                {
                    "from": "6281234567890",
                    "id": "wamid.in",
                    "type": "text",
                    "text": {"body": " stop "},
                }
            ]
        }
    )
    assert client.post("/hooks/whatsapp", data=stop, headers=signed(stop)).status_code == 200
    [sub] = subscriptions(notifying)
    assert sub.unsubscribed_at is not None


def test_the_start_payload_is_bound_to_one_ticket_one_secret_and_one_language() -> None:
    payload = opt_in.start_payload("s" * 32, 42, "en")
    assert len(payload) <= 64 and re.fullmatch(r"[A-Za-z0-9_-]+", payload)
    assert opt_in.payload_target("s" * 32, payload) == opt_in.StartTarget("t", 42, "en")
    assert opt_in.ticket_id_from_payload("s" * 32, payload) == 42
    assert opt_in.ticket_id_from_payload("t" * 32, payload) is None
    assert opt_in.ticket_id_from_payload("s" * 32, payload.replace("t42", "t43")) is None
    assert opt_in.ticket_id_from_payload("s" * 32, payload.replace("-en_", "-id_")) is None
    assert opt_in.ticket_id_from_payload("s" * 32, payload.replace("-en_", "_")) is None
    assert opt_in.ticket_id_from_payload("s" * 32, "t42_short") is None
    longest = opt_in.booking_start_payload("s" * 32, 9_999_999_999, "id")
    assert len(longest) <= 64 and re.fullmatch(r"[A-Za-z0-9_-]+", longest)


def test_a_start_payload_made_before_the_language_was_carried_still_binds_in_indonesian() -> None:
    old = old_payload("s" * 32, "t", 42)
    assert opt_in.payload_target("s" * 32, old) == opt_in.StartTarget("t", 42, None)
    assert opt_in.payload_target("t" * 32, old) is None


def start_payload_on(client: FlaskClient, code: str, query: str = "") -> str:
    page = client.get(f"/t/{code}{query}").get_data(as_text=True)
    return re.search(r"start=([A-Za-z0-9_-]+)", page).group(1)  # type: ignore[union-attr]


def confirmation(app: Flask) -> Notice:
    state: AppState = app.extensions["antre"]
    with state.db.read() as session:
        [notice] = session.scalars(select(Notice).where(Notice.kind == "subscribed")).all()
        session.expunge_all()
        return notice


def test_telegram_from_the_english_page_confirms_and_notifies_in_english_with_the_link(
    notifying: Flask, api: Api
) -> None:
    ticket = issued(api)
    client = notifying.test_client()
    payload = start_payload_on(client, ticket["status_code"], "?lang=en")
    assert "-en_" in payload

    assert telegram(client, text_update(987654321, f"/start {payload}")).status_code == 200
    [row] = subscriptions(notifying)
    assert row.language == "en"
    body = confirmation(notifying).body or ""
    assert body.startswith(f"Notices for ticket {ticket['number']} are on")
    assert body.endswith(f"/t/{ticket['status_code']}") and "Pemberitahuan" not in body


def test_telegram_from_the_indonesian_page_confirms_in_indonesian_only(
    notifying: Flask, api: Api
) -> None:
    ticket = issued(api)
    client = notifying.test_client()
    payload = start_payload_on(client, ticket["status_code"])
    telegram(client, text_update(987654321, f"/start {payload}"))
    [row] = subscriptions(notifying)
    assert row.language == "id"
    body = confirmation(notifying).body or ""
    assert body.startswith(f"Pemberitahuan untuk nomor antrean {ticket['number']} aktif")
    assert body.endswith(f"/t/{ticket['status_code']}") and "Notices" not in body


def test_an_old_start_link_without_the_language_still_binds_in_indonesian(
    notifying: Flask, api: Api
) -> None:
    issued(api)
    state: AppState = notifying.extensions["antre"]
    with state.db.read() as session:
        ticket_id = session.scalars(select(Ticket.id)).one()
    payload = old_payload(state.config.secret_key, "t", ticket_id)
    telegram(notifying.test_client(), text_update(987654321, f"/start {payload}"))
    [row] = subscriptions(notifying)
    assert (row.ticket_id, row.language) == (ticket_id, "id")


def test_the_confirmation_says_the_halls_edited_words(notifying: Flask, api: Api) -> None:
    ticket = issued(api)
    state: AppState = notifying.extensions["antre"]
    with state.db.write() as session:
        text_editor.save_text(
            session, "subscribed", "en", "Bot on for {number}. STOP ends it. {link}",
            now=state.clock(), user_id=None,
        )  # fmt: skip
    client = notifying.test_client()
    payload = start_payload_on(client, ticket["status_code"], "?lang=en")
    telegram(client, text_update(987654321, f"/start {payload}"))
    assert confirmation(notifying).body == (
        f"Bot on for {ticket['number']}. STOP ends it. http://localhost/t/{ticket['status_code']}"
    )


def old_payload(secret: str, prefix: str, number: int) -> str:
    """A deep link's payload as this server made them before the page's language rode
    along (``t<id>_<mac>``): links already given out must keep working."""
    key = hmac.new(secret.encode(), b"antre telegram start payload v1", hashlib.sha256).digest()
    message = str(number) if prefix == "t" else f"{prefix}{number}"
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return f"{prefix}{number}_{base64.urlsafe_b64encode(digest[:16]).decode().rstrip('=')}"


def test_the_message_log_shows_masked_addresses_states_and_no_bodies(
    notifying: Flask, api: Api
) -> None:
    from tests.web.console_login import client_session

    code = issued(api)["status_code"]
    visitor = notifying.test_client()
    csrf = CSRF.search(visitor.get(f"/t/{code}").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    visitor.post(
        f"/t/{code}/notices", data={"csrf_token": csrf, "phone": "081234567890", "consent": "yes"}
    )
    state: AppState = notifying.extensions["antre"]
    with state.db.write() as session:
        sub = session.scalars(select(NoticeSubscription)).one()
        for n, body in enumerate(("Nomor DK-001 dipanggil", "Sisa 3 orang")):
            notice = enqueue_notice(
                session, sub, kind="called", now=state.clock(),
                deadline=state.clock().replace(year=2100), body=body, idempotency_key=f"k{n}",
            )  # fmt: skip
            assert notice is not None
            if n:
                notice.state, notice.reason = NoticeState.FAILED, "target invalid"

    admin = client_session(notifying, "admin")
    page = admin.get("/admin/notices").get_data(as_text=True)
    assert page.count('data-notice="') == 2
    assert "+62 812-****-7890" in page and "Gagal" in page and "target invalid" in page
    assert "Nomor DK-001 dipanggil" not in page
    assert "Sisa 3 orang" not in page and "81234567890" not in page
    failed = admin.get("/admin/notices?state=failed").get_data(as_text=True)
    assert failed.count('data-notice="') == 1
    assert admin.get("/admin/notices?state=nonsense").status_code == 422
    assert client_session(notifying, "sup.dk").get("/admin/notices").status_code == 403


def test_malformed_codes_on_the_notice_forms_get_the_unknown_codes_page(
    notifying: Flask,
) -> None:
    client = notifying.test_client()
    answers = {}
    for path in ("/t/%00/notices", "/t/short/notices", "/t/doesnotexist123/notices/stop"):
        answer = client.post(path, data={"phone": "081234567890", "consent": "yes"})
        assert "Nomor antrean tidak ditemukan" in answer.get_data(as_text=True), path
        answers[path] = answer.status_code
    # No CSRF secret: 400 as every visitor form; the NUL is refused before that (404).
    assert answers == {
        "/t/%00/notices": 404,
        "/t/short/notices": 400,
        "/t/doesnotexist123/notices/stop": 400,
    }
    nul = telegram(
        client, {"update_id": 1, "message": {"chat": {"id": 1, "type": "private"}, "text": "\x00"}}
    )
    assert nul.status_code == 200


def test_the_webhook_secrets_load_from_the_environment_and_stay_out_of_repr() -> None:
    from server.config import load_config

    config = load_config(
        None,
        env={
            "ANTRE_NOTIFY_TELEGRAM_WEBHOOK_SECRET": "tg-hook-value-1",
            "ANTRE_NOTIFY_WHATSAPP_VERIFY_TOKEN": "verify-value-2",
        },
    )
    assert config.notify_telegram_webhook_secret == "tg-hook-value-1"
    assert config.notify_whatsapp_verify_token == "verify-value-2"
    assert "tg-hook-value-1" not in repr(config) and "verify-value-2" not in repr(config)


def test_a_form_left_open_after_the_visit_subscribes_nothing(notifying: Flask, api: Api) -> None:
    ticket = issued(api)
    client = notifying.test_client()
    csrf = CSRF.search(client.get(f"/t/{ticket['status_code']}").get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    officer = api.as_user("petugas.dk")
    officer.counter(api.hall.c1, "open")
    officer.counter(api.hall.c1, "next")
    officer.counter(api.hall.c1, "finish")

    answer = client.post(
        f"/t/{ticket['status_code']}/notices",
        data={"csrf_token": csrf, "phone": "081234567890", "consent": "yes"},
    )
    assert answer.status_code == 303
    assert subscriptions(notifying) == []
    assert 'id="notices"' not in client.get(f"/t/{ticket['status_code']}").get_data(as_text=True)
