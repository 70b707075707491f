"""Telegram's updates by long polling (``getUpdates``), for a hall whose server cannot be
reached from the internet and so cannot take the webhook (``server/hooks.py``).

Telegram refuses ``getUpdates`` while a webhook is set, so the server polls only when no
``telegram_webhook_secret`` is configured. Updates not confirmed (by asking with a higher
``offset``) come again, for 24 hours: after a restart a ``/start`` or "STOP" may be read
twice, which binds or stops once all the same. The URL holds the token: as for sending,
no URL and no exception text is logged (``http``).

Telegram answers 409 Conflict when a webhook is set for the bot after all (set by hand,
or by another installation) or when another program reads the same bot's updates: two
Antre server processes polling with one token (a large hall), another bot program. No
retry mends either, and a poller that only retried would leave the visitors' /start
unanswered without a word: the first 409 is logged as a WARNING saying what to do.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import requests

from . import http

log = logging.getLogger("antre.notify")

_WEBHOOK_SET = (
    "telegram: getUpdates refused (409 Conflict): a webhook is set for this bot, and "
    "Telegram gives its messages only there. Either set [notify] telegram_webhook_secret "
    "and let Telegram call /hooks/telegram (docs/notifications.md), or remove the webhook "
    "(Bot API deleteWebhook) so that this server reads them; until then visitors' /start "
    "and STOP go unread"
)
_ANOTHER_READER = (
    "telegram: getUpdates refused (409 Conflict): another program reads this bot's "
    "messages with the same token (another Antre server process, or another bot "
    "program). Only one may: with several server processes set [notify] "
    "telegram_webhook_secret so Telegram calls /hooks/telegram instead, otherwise stop "
    "the other program or give this hall its own bot; until then some /start and STOP "
    "go unread"
)


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
        # Once per reader, so once per token: the loop makes a new one when it changes.
        self._warned_of_conflict = False

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
        if isinstance(answer, requests.Response) and answer.status_code == 409:
            self._conflict(answer)
        if not isinstance(answer, requests.Response) or answer.status_code != 200:
            return [], offset
        try:
            payload = answer.json()
        except ValueError:
            return [], offset
        if not isinstance(payload, dict) or payload.get("ok") is not True:
            return [], offset
        return texts_in(payload.get("result")), next_offset(payload.get("result"), offset)

    def _conflict(self, answer: requests.Response) -> None:
        if self._warned_of_conflict:
            log.debug("telegram: getUpdates refused again (409 Conflict)")
            return
        self._warned_of_conflict = True
        description = str((http.json_body(answer) or {}).get("description") or "")
        log.warning(_WEBHOOK_SET if "webhook" in description.lower() else _ANOTHER_READER)


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
