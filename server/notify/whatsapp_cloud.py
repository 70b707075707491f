"""The WhatsApp Business Cloud API (Meta): ``POST {graph}/{version}/{phone-number-id}/messages``
with ``Authorization: Bearer <access token>``.

Outside the 24 hours after the visitor last wrote to the hall's number, Meta accepts
only *template* messages, approved beforehand (docs/notifications.md#whatsapp-cloud); a
notice with a template goes out as one, its parameters filling the body's ``{{1}}``,
``{{2}}`` …; a notice with a plain body goes out as text, which Meta refuses with
131047 outside the window. Success is ``{"messages": [{"id": "wamid…"}]}``; errors are
Graph API errors ``{"error": {"code", "message", "error_data": {"details"}}}``, sorted
here by their code as Meta advises. Delivery comes later by webhook: ``signature_ok``
checks its ``X-Hub-Signature-256`` and ``statuses`` reads it. No idempotency key is
offered.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import requests

from server.domain.notices.sending import OutgoingNotice, SendResult

from . import http

# Graph API error codes worth another try: throughput (130429), pair rate (131056), the
# app's and the account's call limits (4, 80007), and Meta's own passing trouble.
TEMPORARY_CODES = frozenset({1, 2, 4, 80007, 130429, 131000, 131016, 131056, 133004})
# Named for the reason shown in the console; any other code is permanent too.
PERMANENT_REASONS = {
    0: "access token rejected",
    190: "access token expired",
    131047: "more than 24 hours since the visitor wrote: a template is needed",
    131026: "the number cannot receive WhatsApp messages",
    131030: "the number is not on the test number's allowed list",
    132000: "the template's parameters do not match",
    132001: "no such template in this language",
    133010: "the hall's number is not registered with the Cloud API",
}


class WhatsAppCloudChannel:
    """WhatsApp through Meta's Cloud API: templates, or text inside the 24-hour window."""

    idempotent = False

    def __init__(
        self,
        token: str,
        phone_number_id: str,
        *,
        base_url: str = "https://graph.facebook.com",
        version: str = "v21.0",
        timeout: float = 10.0,
        name: str = "whatsapp",
        session: requests.Session | None = None,
    ) -> None:
        self.name = name
        self._token = token
        self._url = f"{base_url.rstrip('/')}/{version}/{phone_number_id}/messages"
        self._timeout = timeout
        self._session = session or requests.Session()

    def __repr__(self) -> str:  # never the token
        return f"WhatsAppCloudChannel({self._url!r})"

    def send(self, notice: OutgoingNotice) -> SendResult:
        answer = http.post(
            self._session,
            self._url,
            timeout=self._timeout,
            headers={"Authorization": f"Bearer {self._token}"},
            json=message_for(notice),
        )
        if isinstance(answer, SendResult):
            return answer
        return _result(answer)


def message_for(notice: OutgoingNotice) -> dict[str, Any]:
    """The request body for ``notice``: a template message, or a text message."""
    common = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": notice.address.removeprefix("+"),
    }
    if notice.template is None:
        return {**common, "type": "text", "text": {"body": notice.body or ""}}
    template: dict[str, Any] = {"name": notice.template, "language": {"code": notice.language}}
    if notice.parameters:
        template["components"] = [
            {"type": "body", "parameters": [{"type": "text", "text": p} for p in notice.parameters]}
        ]
    return {**common, "type": "template", "template": template}


def _result(response: requests.Response) -> SendResult:
    body = http.json_body(response) or {}
    if response.status_code == 200:
        messages = body.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            return SendResult.sent(str(messages[0].get("id")))
        return SendResult.temporary("unreadable answer (HTTP 200)")
    error = _dict(body.get("error"))
    code = error.get("code")
    if code in TEMPORARY_CODES:
        return SendResult.temporary(
            f"WhatsApp {code}: rate limit or passing trouble", http.retry_after(response)
        )
    decided = http.by_status(response)
    if decided is not None:
        return decided
    if not isinstance(code, int):
        return SendResult.temporary(f"unreadable answer (HTTP {response.status_code})")
    reason = PERMANENT_REASONS.get(code) or http.scrubbed(str(error.get("message") or "refused"))
    return SendResult.permanent(f"WhatsApp {code}: {reason}")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def signature_ok(app_secret: str, raw_body: bytes, header: str | None) -> bool:
    """Whether a webhook delivery was signed by Meta with the app's secret:
    ``X-Hub-Signature-256: sha256=<HMAC-SHA256 of the raw body, hex>``."""
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256="))


@dataclass(frozen=True)
class StatusUpdate:
    """One message's new status from a webhook: sent, delivered, read or failed."""

    message_id: str
    status: str
    error_code: int | None = None


def statuses(payload: Any) -> list[StatusUpdate]:
    """The status updates in a webhook delivery (``entry[].changes[].value.statuses[]``);
    anything else in it (incoming messages) is not read here."""
    found: list[StatusUpdate] = []
    for entry in _list(_dict(payload).get("entry")):
        for change in _list(_dict(entry).get("changes")):
            for status in _list(_dict(_dict(change).get("value")).get("statuses")):
                update = _status(_dict(status))
                if update is not None:
                    found.append(update)
    return found


def _status(status: dict[str, Any]) -> StatusUpdate | None:
    if not status.get("id") or not status.get("status"):
        return None
    errors = _list(status.get("errors"))
    code = _dict(errors[0]).get("code") if errors else None
    return StatusUpdate(
        str(status["id"]), str(status["status"]), code if isinstance(code, int) else None
    )


@dataclass(frozen=True)
class IncomingText:
    """A text a visitor wrote to the hall's number (``value.messages[]`` of type text):
    read only to hear "STOP"."""

    sender: str  # wa_id digits, ``6281…``
    text: str


def incoming_texts(payload: Any) -> list[IncomingText]:
    found: list[IncomingText] = []
    for entry in _list(_dict(payload).get("entry")):
        for change in _list(_dict(entry).get("changes")):
            for message in _list(_dict(_dict(change).get("value")).get("messages")):
                message = _dict(message)
                body = _dict(message.get("text")).get("body")
                sender = message.get("from")
                if message.get("type") == "text" and isinstance(body, str) and sender:
                    found.append(IncomingText(str(sender), body))
    return found
