"""Webhooks from the notice providers: ``POST /hooks/telegram`` (the bot's updates) and
``GET``/``POST /hooks/whatsapp`` (the Cloud API's handshake, delivery statuses and
incoming texts). docs/notifications.md#webhooks.

Not the console's blueprint (no session, no CSRF): each request proves itself with the
provider's secret, compared in constant time. A hall that did not configure a hook's
secret has no such hook (404). A wrong or missing secret is a 403, a body that is not the
provider's JSON a 400, never a 500; no token, number or chat id is logged.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from flask import Blueprint, Response, jsonify, request

from server.commands import run_command
from server.domain.context import SYSTEM, Ctx
from server.domain.identity import normalise_phone
from server.domain.notices import delivery, opt_in
from server.notify import whatsapp_cloud
from server.state import app_state

bp = Blueprint("hooks", __name__, url_prefix="/hooks")
log = logging.getLogger(__name__)

MAX_BODY = 256 * 1024
TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WHATSAPP_SIGNATURE_HEADER = "X-Hub-Signature-256"


def _answer(status: int, error: str | None = None) -> Response:
    response = jsonify({"ok": error is None, **({"error": error} if error else {})})
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _json_body() -> Any:
    """The raw body as JSON, or None when it is too long or not JSON."""
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY:
        return None
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None


def _same(expected: str, sent: str | None) -> bool:
    return sent is not None and hmac.compare_digest(expected.encode(), sent.encode())


@bp.post("/telegram")
def telegram_update() -> Response:
    config = app_state().notice_config()
    secret = config.notify_telegram_webhook_secret
    if not (secret and config.notify_telegram_token):
        return _answer(404, "not configured")
    if not _same(secret, request.headers.get(TELEGRAM_SECRET_HEADER)):
        log.warning("telegram webhook: refused (wrong secret token)")
        return _answer(403, "forbidden")
    update = _json_body()
    if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
        return _answer(400, "not a Telegram update")
    message = update.get("message")
    if not isinstance(message, dict):
        return _answer(200)  # an edit, a callback, a member change: nothing to do
    chat = message.get("chat")
    text = message.get("text")
    if not isinstance(chat, dict) or not isinstance(chat.get("id"), int):
        return _answer(400, "a message without a chat")
    if chat.get("type") != "private" or not isinstance(text, str):
        return _answer(200)
    handle_telegram_text(str(chat["id"]), text)
    return _answer(200)


def handle_telegram_text(chat_id: str, text: str) -> str:
    """What one private text to the bot does: ``bound``, ``unknown`` (a start payload not
    ours, or a finished ticket), ``stopped`` or ``ignored``. Shared with getUpdates."""
    words = text.strip().split()
    secret = app_state().config.secret_key
    if words and words[0].split("@")[0] == "/start" and len(words) == 2:

        def bind(ctx: Ctx) -> bool:
            link_base = ctx.notice_link_base or ""  # a booking's confirmation links its page
            row = opt_in.bind_telegram(ctx.session, secret, words[1], chat_id, ctx.now, link_base)
            return row is not None

        outcome = "bound" if run_command(SYSTEM, bind) else "unknown"
        log.info("telegram: start %s", outcome)
        return outcome
    if opt_in.is_stop(text):
        stopped = run_command(
            SYSTEM, lambda ctx: opt_in.stop_address(ctx.session, "telegram", chat_id, ctx.now)
        )
        log.info("telegram: stop (%d subscriptions)", stopped)
        return "stopped"
    return "ignored"


@bp.get("/whatsapp")
def whatsapp_verify() -> Response | tuple[str, int, dict[str, str]]:
    """Meta's handshake when the webhook is set up: echo ``hub.challenge`` when the
    verify token is ours."""
    token = app_state().notice_config().notify_whatsapp_verify_token
    if not token:
        return _answer(404, "not configured")
    if request.args.get("hub.mode") != "subscribe" or not _same(
        token, request.args.get("hub.verify_token")
    ):
        return _answer(403, "forbidden")
    challenge = request.args.get("hub.challenge", "")
    if not challenge.isdigit() or len(challenge) > 64:
        return _answer(400, "bad challenge")
    return challenge, 200, {"Content-Type": "text/plain; charset=utf-8"}


@bp.post("/whatsapp")
def whatsapp_event() -> Response:
    app_secret = app_state().notice_config().notify_whatsapp_app_secret
    if not app_secret:
        return _answer(404, "not configured")
    raw = request.get_data(cache=True)
    if len(raw) > MAX_BODY or not whatsapp_cloud.signature_ok(
        app_secret, raw, request.headers.get(WHATSAPP_SIGNATURE_HEADER)
    ):
        log.warning("whatsapp webhook: refused (bad signature)")
        return _answer(403, "forbidden")
    payload = _json_body()
    if not isinstance(payload, dict) or payload.get("object") != "whatsapp_business_account":
        return _answer(400, "not a WhatsApp Business webhook")
    updates = whatsapp_cloud.statuses(payload)
    stops = [
        phone
        for text in whatsapp_cloud.incoming_texts(payload)
        if opt_in.is_stop(text.text) and (phone := normalise_phone("+" + text.sender))
    ]

    def record(ctx: Ctx) -> tuple[int, int]:
        changed = 0
        for update in updates:
            if update.status in ("delivered", "read"):
                changed += delivery.record_delivery(
                    ctx.session, "whatsapp", update.message_id, ctx.now
                )
            elif update.status == "failed":
                reason = f"WhatsApp reported the message failed (code {update.error_code})"
                changed += delivery.record_provider_failure(
                    ctx.session, "whatsapp", update.message_id, reason
                )
        stopped = sum(
            opt_in.stop_address(ctx.session, "whatsapp", phone, ctx.now) for phone in stops
        )
        return changed, stopped

    changed, stopped = run_command(SYSTEM, record)
    log.info("whatsapp webhook: %d notices updated, %d subscriptions stopped", changed, stopped)
    return _answer(200)
