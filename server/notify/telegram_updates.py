"""Telegram's updates by long polling (``getUpdates``), for a hall whose server cannot be
reached from the internet and so cannot take the webhook (``server/hooks.py``).

Telegram refuses ``getUpdates`` while a webhook is set, so the server polls only when no
``telegram_webhook_secret`` is configured. Updates not confirmed (by asking with a higher
``offset``) come again, for 24 hours: after a restart a ``/start`` or "STOP" may be read
twice, which binds or stops once all the same. The URL holds the token: as for sending,
no URL and no exception text is logged (``http``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests

from . import http


@dataclass(frozen=True)
class IncomingText:
    """A text written to the bot in a private chat."""

    update_id: int
    chat_id: str
    text: str


class TelegramUpdates:
    """The bot's incoming texts, read with ``getUpdates``."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = "https://api.telegram.org",
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        self._url = f"{base_url.rstrip('/')}/bot{token}/getUpdates"
        self._timeout = timeout
        self._session = session or requests.Session()

    def __repr__(self) -> str:  # never the token in the URL
        return "TelegramUpdates()"

    def fetch(self, offset: int | None, wait_seconds: int) -> tuple[list[IncomingText], int | None]:
        """The texts since ``offset`` (waiting up to ``wait_seconds`` for one) and the
        next offset; no texts and the same offset when Telegram did not answer well."""
        body: dict[str, Any] = {"timeout": wait_seconds, "allowed_updates": ["message"]}
        if offset is not None:
            body["offset"] = offset
        answer = http.post(
            self._session, self._url, json=body, timeout=wait_seconds + self._timeout
        )
        if not isinstance(answer, requests.Response) or answer.status_code != 200:
            return [], offset
        try:
            payload = answer.json()
        except ValueError:
            return [], offset
        if not isinstance(payload, dict) or payload.get("ok") is not True:
            return [], offset
        return texts_in(payload.get("result")), next_offset(payload.get("result"), offset)


def next_offset(updates: Any, offset: int | None) -> int | None:
    ids = [u["update_id"] for u in _list(updates) if isinstance(u.get("update_id"), int)]
    return max(ids) + 1 if ids else offset


def texts_in(updates: Any) -> list[IncomingText]:
    found = []
    for update in _list(updates):
        message = update.get("message")
        if not isinstance(message, dict) or not isinstance(update.get("update_id"), int):
            continue
        chat = message.get("chat")
        text = message.get("text")
        if (
            isinstance(chat, dict)
            and chat.get("type") == "private"
            and isinstance(chat.get("id"), int)
            and isinstance(text, str)
        ):
            found.append(IncomingText(update["update_id"], str(chat["id"]), text))
    return found


def _list(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []
