"""Wablas (wablas.com), the other WhatsApp gateway Indonesian halls already pay for.

``POST https://<server>.wablas.com/api/send-message`` (each account lives on one server,
e.g. ``jogja.wablas.com``), the device token in ``Authorization`` (``token.secret_key``
for accounts that have a secret key), form fields ``phone`` and ``message``. Wablas
answers ``{"status": true, "message": ..., "data": {"messages": [{"id": ...}]}}`` when
the message is queued on its side and ``{"status": false, "message": ...}`` otherwise.
Like Fonnte it sends through the hall's own WhatsApp account on a linked phone, which
WhatsApp may ban for bulk sending: docs/notifications.md#wablas. No idempotency key.

``status_report`` reads what Wablas POSTs to the device's "webhook tracking" URL.
"""

from __future__ import annotations

from typing import Any

import requests

from server.domain.notices.gateway_reports import DeliveryReport
from server.domain.notices.sending import SendResult

from . import http
from .phone_gateway import PhoneGateway, message_id

# Words of Wablas' ``message`` that no retry will fix (a refused token, a bad number).
_PERMANENT = ("token", "invalid", "not registered", "not exist", "unauthorized")


class WablasChannel(PhoneGateway):
    """WhatsApp through Wablas: plain text only (no templates)."""

    label = "Wablas"
    path = "/api/send-message"

    def form(self, number: str, text: str) -> dict[str, str]:
        return {"phone": number, "message": text}

    def result(self, response: requests.Response) -> SendResult:
        return _result(response)


def _result(response: requests.Response) -> SendResult:
    decided = http.by_status(response)
    if decided is not None:
        return decided
    body = http.json_body(response)
    if response.status_code in (401, 403):
        return SendResult.permanent(f"Wablas refused the token (HTTP {response.status_code})")
    if body is None:
        return SendResult.temporary(f"unreadable answer (HTTP {response.status_code})")
    if body.get("status") is True and response.ok:
        return SendResult.sent(_first_id(body.get("data")))
    said = http.scrubbed(str(body.get("message") or f"refused (HTTP {response.status_code})"))
    if any(word in said.lower() for word in _PERMANENT):
        return SendResult.permanent(f"Wablas: {said}")
    return SendResult.temporary(f"Wablas: {said}")


def _first_id(data: Any) -> str | None:
    messages = data.get("messages") if isinstance(data, dict) else None
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        found = messages[0].get("id")
        return None if found is None else str(found)
    return None


# The tracking webhook's ``status`` once the phone has the message, and when Wablas gave
# it up (its words: sent, read, cancel, received, reject, pending).
_REACHED = ("received", "delivered", "read")
_GIVEN_UP = {
    "cancel": "Wablas reported the message cancelled",
    "reject": "Wablas reported the message rejected",
    "rejected": "Wablas reported the message rejected",
    "failed": "Wablas reported the message failed",
}


def status_report(payload: dict[str, Any]) -> DeliveryReport | None:
    """Wablas' tracking webhook (``id``, ``phone``, ``status``, ``device_id``): the
    message by the id ``/api/send-message`` answered, and its new status. None when the
    body has no message id or no status (not a tracking report)."""
    found, status = message_id(payload.get("id")), payload.get("status")
    if found is None or not isinstance(status, str):
        return None
    word = status.strip().lower()
    return DeliveryReport(message_id=found, delivered=word in _REACHED, failure=_GIVEN_UP.get(word))
