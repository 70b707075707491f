"""A generic HTTP SMS gateway: one POST whose shape the hall's configuration describes.

Indonesian SMS gateways differ in names, not in kind: a URL, a form or JSON body with
the number and the text under the gateway's own field names, a key in a header or in
fixed fields (``userkey=…&passkey=…``), the number written ``+62…``, ``62…`` or ``0…``,
and success told by HTTP 2xx and sometimes by a field of the JSON answer (``status`` =
``1``). ``SmsShape`` holds those choices; ``SmsChannel`` sends with them. A gateway that
drops a repeated request carrying the same reference gets the notice's idempotency key
in that field, and the channel is then ``idempotent``
(docs/notifications.md#sms-a-generic-http-gateway).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import requests

from server.config import ServerConfig
from server.domain.notices.sending import OutgoingNotice, SendResult

from . import http


@dataclass(frozen=True)
class SmsShape:
    """How one gateway wants its request and how it says yes. Secrets are not shown."""

    url: str = field(repr=False)
    body: str = "form"  # or "json"
    number_field: str = "to"
    text_field: str = "message"
    number_format: str = "62"  # "+62", "62" or "0"
    auth_header: str = "Authorization"
    auth_value: str | None = field(default=None, repr=False)
    fixed_fields: tuple[tuple[str, str], ...] = field(default=(), repr=False)
    success_field: str | None = None  # dotted path into the JSON answer
    success_value: str | None = None  # compared as text, case-insensitive
    id_field: str | None = None
    idempotency_field: str | None = None

    @classmethod
    def from_config(cls, config: ServerConfig) -> SmsShape:
        if not config.notify_sms_url:
            raise ValueError("no SMS gateway URL configured")
        fixed = parse_qsl(config.notify_sms_fields or "", keep_blank_values=True)
        return cls(
            url=config.notify_sms_url,
            body=config.notify_sms_body,
            number_field=config.notify_sms_number_field,
            text_field=config.notify_sms_text_field,
            number_format=config.notify_sms_number_format,
            auth_header=config.notify_sms_auth_header,
            auth_value=config.notify_sms_auth_value,
            fixed_fields=tuple(fixed),
            success_field=config.notify_sms_success_field,
            success_value=config.notify_sms_success_value,
            id_field=config.notify_sms_id_field,
            idempotency_field=config.notify_sms_idempotency_field,
        )


def written_number(address: str, number_format: str) -> str:
    """``+6281…`` as the gateway wants it: ``+6281…``, ``6281…`` or ``081…``."""
    national = address.removeprefix("+").removeprefix("62")
    return {"+62": "+62" + national, "62": "62" + national, "0": "0" + national}[number_format]


def field_at(body: Any, path: str) -> Any:
    """The value at a dotted path of a JSON answer (``data.0.id``), or None."""
    for part in path.split("."):
        if isinstance(body, dict):
            body = body.get(part)
        elif isinstance(body, list) and part.isdigit() and int(part) < len(body):
            body = body[int(part)]
        else:
            return None
    return body


class SmsChannel:
    """SMS through the configured gateway: plain text only."""

    name = "sms"

    def __init__(
        self,
        shape: SmsShape,
        *,
        timeout: float = 10.0,
        session: requests.Session | None = None,
    ) -> None:
        self.shape = shape
        self.idempotent = shape.idempotency_field is not None
        self._timeout = timeout
        self._session = session or requests.Session()

    def __repr__(self) -> str:  # never the URL (it may carry a key) nor the key
        return f"SmsChannel(body={self.shape.body!r}, idempotent={self.idempotent})"

    def send(self, notice: OutgoingNotice) -> SendResult:
        if notice.body is None:
            return SendResult.permanent("SMS sends text only; this notice is a template")
        fields = dict(self.shape.fixed_fields)
        fields[self.shape.number_field] = written_number(notice.address, self.shape.number_format)
        fields[self.shape.text_field] = notice.body
        if self.shape.idempotency_field:
            fields[self.shape.idempotency_field] = notice.idempotency_key
        headers = {}
        if self.shape.auth_value:
            headers[self.shape.auth_header] = self.shape.auth_value
        as_json = self.shape.body == "json"
        answer = http.post(
            self._session,
            self.shape.url,
            timeout=self._timeout,
            headers=headers,
            data=None if as_json else fields,
            json=fields if as_json else None,
        )
        if isinstance(answer, SendResult):
            return answer
        return self._result(answer)

    def _result(self, response: requests.Response) -> SendResult:
        decided = http.by_status(response)
        if decided is not None:
            return decided
        if response.status_code in (401, 403):
            return SendResult.permanent(
                f"the SMS gateway refused the key (HTTP {response.status_code})"
            )
        body = http.json_body(response)
        if not 200 <= response.status_code < 300:
            return SendResult.permanent(f"SMS gateway: {_said(body, response)}")
        if self.shape.success_field:
            value = field_at(body, self.shape.success_field)
            if not self._succeeded(value):
                return SendResult.permanent(f"SMS gateway: {_said(body, response)}")
        found = field_at(body, self.shape.id_field) if self.shape.id_field else None
        return SendResult.sent(None if found is None else str(found)[:100])

    def _succeeded(self, value: Any) -> bool:
        if self.shape.success_value is None:
            return value is True or (isinstance(value, str) and value.lower() == "true")
        return value is not None and str(value).lower() == self.shape.success_value.lower()


def _said(body: dict[str, Any] | None, response: requests.Response) -> str:
    """The gateway's own words for a refusal, when it gave some, without a number."""
    for key in ("message", "text", "reason", "error", "description"):
        value = body.get(key) if body else None
        if isinstance(value, str) and value.strip():
            return http.scrubbed(f"{value} (HTTP {response.status_code})")
    return f"refused (HTTP {response.status_code})"
