"""Fonnte (fonnte.com), a WhatsApp gateway many Indonesian halls already pay for.

``POST https://api.fonnte.com/send``, the device token in ``Authorization`` (no
"Bearer"), form fields ``target``, ``message`` and ``countryCode``. Fonnte answers HTTP
200 with ``{"status": true, "id": [...], "detail": ...}`` when the message is queued on
its side, and ``{"status": false, "reason": ...}`` otherwise. It sends through the
hall's own WhatsApp account on a linked phone, which WhatsApp may ban for bulk sending
(Fonnte warns of it): docs/notifications.md#fonnte. No idempotency key is offered.

``status_report`` reads what Fonnte POSTs to the device's status webhook.
"""

from __future__ import annotations

from typing import Any

import requests

from server.domain.notices.gateway_reports import DeliveryReport
from server.domain.notices.sending import SendResult

from . import http
from .phone_gateway import PhoneGateway, message_id

# Words of Fonnte's ``reason`` that no retry will fix.
_PERMANENT = ("token", "target", "invalid", "not registered", "not exist")


class FonnteChannel(PhoneGateway):
    """WhatsApp through Fonnte: plain text only (no templates)."""

    label = "Fonnte"
    path = "/send"

    def __init__(self, token: str, *, base_url: str = "https://api.fonnte.com", **kw: Any) -> None:
        super().__init__(token, base_url, **kw)

    def form(self, number: str, text: str) -> dict[str, str]:
        return {"target": number, "message": text, "countryCode": "62"}

    def result(self, response: requests.Response) -> SendResult:
        return _result(response)


def _result(response: requests.Response) -> SendResult:
    decided = http.by_status(response)
    if decided is not None:
        return decided
    body = http.json_body(response)
    if body is None:
        return SendResult.temporary(f"unreadable answer (HTTP {response.status_code})")
    if body.get("status") is True:
        return SendResult.sent(_first_id(body.get("id")))
    reason = http.scrubbed(str(body.get("reason") or f"refused (HTTP {response.status_code})"))
    if any(word in reason.lower() for word in _PERMANENT):
        return SendResult.permanent(f"Fonnte: {reason}")
    return SendResult.temporary(f"Fonnte: {reason}")


def _first_id(ids: Any) -> str | None:
    if isinstance(ids, list) and ids:
        return str(ids[0])
    return None if ids is None else str(ids)


# WhatsApp's acknowledgements in the status webhook's ``state``: the phone has it.
_REACHED = ("delivered", "read", "played")
# Fonnte's own ``status`` of a message it will not send after all (its message-status
# page): a bad number, or a device offline so long that Fonnte dropped it.
_GIVEN_UP = {
    "invalid": "Fonnte reported after sending: invalid target",
    "expired": "Fonnte reported the message expired (the device was offline; not sent)",
}


def status_report(payload: dict[str, Any]) -> DeliveryReport | None:
    """Fonnte's status webhook (``{"device", "id", "stateid", "status", "state"}``, as
    Fonnte's example script reads it): the first report names the message by ``id`` and
    ``stateid`` with Fonnte's ``status``, the later ones by ``stateid`` with WhatsApp's
    ``state``. None when it names no message (not a status report)."""
    found, state_id = message_id(payload.get("id")), message_id(payload.get("stateid"))
    if found is None and state_id is None:
        return None
    status = str(payload.get("status") or "").strip().lower()
    state = str(payload.get("state") or "").strip().lower()
    return DeliveryReport(
        message_id=found,
        state_id=state_id,
        delivered=state in _REACHED,
        failure=_GIVEN_UP.get(status),
    )
