"""What the two Indonesian WhatsApp gateways (Fonnte, Wablas) share: they send through
the hall's own WhatsApp account on a linked phone, take the device token as the whole
``Authorization`` header and a plain form POST, send text only (no templates) and offer
no idempotency key. Each gateway says only its path, its form and how to read its answer.
"""

from __future__ import annotations

from typing import Any

import requests

from server.domain.notices.sending import OutgoingNotice, SendResult

from . import http


class PhoneGateway:
    """A gateway on the hall's linked phone; subclasses set ``label`` and ``path`` and
    give ``form`` and ``result``."""

    idempotent = False
    label = ""  # the gateway's name in reasons and logs, e.g. "Fonnte"
    path = ""  # appended to the gateway's base URL, e.g. "/send"

    def __init__(
        self,
        token: str,
        base_url: str,
        *,
        timeout: float = 10.0,
        name: str = "whatsapp",
        session: requests.Session | None = None,
    ) -> None:
        self.name = name
        self._token = token
        self._url = base_url.rstrip("/") + self.path
        self._timeout = timeout
        self._session = session or requests.Session()

    def __repr__(self) -> str:  # never the token
        return f"{type(self).__name__}({self._url!r})"

    def send(self, notice: OutgoingNotice) -> SendResult:
        if notice.body is None:
            return SendResult.permanent(f"{self.label} sends text only; this notice is a template")
        answer = http.post(
            self._session,
            self._url,
            timeout=self._timeout,
            headers={"Authorization": self._token},
            data=self.form(notice.address.removeprefix("+"), notice.body),
        )
        if isinstance(answer, SendResult):
            return answer
        return self.result(answer)

    def form(self, number: str, text: str) -> dict[str, str]:
        """The form fields for ``text`` to ``number`` (62…, no "+")."""
        raise NotImplementedError

    def result(self, response: requests.Response) -> SendResult:
        """What the gateway's answer means."""
        raise NotImplementedError


def message_id(value: Any) -> str | None:
    """A message id as a gateway answers or reports it: text or a number, 1–128
    characters once trimmed; None for anything else."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return text if 0 < len(text) <= 128 else None
