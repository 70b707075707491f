"""Telegram through the Bot API: ``POST https://api.telegram.org/bot<token>/sendMessage``
with ``chat_id`` and ``text``.

Answers are ``{"ok": true, "result": {"message_id": …}}`` or ``{"ok": false,
"error_code", "description", "parameters": {"retry_after"}}``. A bot may only write to a
visitor who started it (the deep link ``https://t.me/<bot>?start=<payload>``): a 403
means the visitor never did or has blocked the bot, which no retry changes. The token
is part of the URL: nothing here logs a URL (``http`` describes failures without it).
"""

from __future__ import annotations

from typing import Any

import requests

from server.domain.notices.sending import OutgoingNotice, SendResult

from . import http

# Telegram's limit for one message's text.
MAX_TEXT = 4096


class TelegramChannel:
    """Telegram messages from the hall's bot; no idempotency key is offered."""

    idempotent = False

    def __init__(
        self,
        token: str,
        *,
        base_url: str = "https://api.telegram.org",
        timeout: float = 10.0,
        name: str = "telegram",
        session: requests.Session | None = None,
    ) -> None:
        self.name = name
        self._url = f"{base_url.rstrip('/')}/bot{token}/sendMessage"
        self._timeout = timeout
        self._session = session or requests.Session()

    def __repr__(self) -> str:  # never the token in the URL
        return "TelegramChannel()"

    def send(self, notice: OutgoingNotice) -> SendResult:
        if notice.body is None:
            return SendResult.permanent("Telegram sends text; this notice is a template")
        answer = http.post(
            self._session,
            self._url,
            timeout=self._timeout,
            json={
                "chat_id": int(notice.address),
                "text": notice.body[:MAX_TEXT],
                "link_preview_options": {"is_disabled": True},
            },
        )
        if isinstance(answer, SendResult):
            return answer
        return _result(answer)


def _result(response: requests.Response) -> SendResult:
    body = http.json_body(response) or {}
    if response.status_code == 200 and body.get("ok") is True:
        result = body.get("result")
        message_id = result.get("message_id") if isinstance(result, dict) else None
        return SendResult.sent(None if message_id is None else str(message_id))
    description = http.scrubbed(str(body.get("description") or f"HTTP {response.status_code}"))
    if response.status_code == 429:
        return SendResult.temporary(f"Telegram: {description}", _retry_after(body, response))
    if response.status_code in (401, 404):
        return SendResult.permanent("Telegram refused the bot token")
    decided = http.by_status(response)
    if decided is not None:
        return decided
    return SendResult.permanent(f"Telegram: {description}")


def _retry_after(body: dict[str, Any], response: requests.Response) -> float | None:
    parameters = body.get("parameters")
    if isinstance(parameters, dict) and isinstance(parameters.get("retry_after"), int | float):
        return float(parameters["retry_after"])
    return http.retry_after(response)
