"""The console's "Kirim pesan uji": one message through a configured channel's adapter,
so an admin sees at once whether the token, the number id or the gateway's URL work.

It does not go through the outbox: it is not a visitor's notice (no ticket, no consent
to keep, nothing to retry), so nothing is queued or stored, and the number typed is
neither stored nor logged. The adapter's own timeout bounds the wait.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from server.config import ServerConfig
from server.domain.identity import normalise_phone
from server.domain.notices import reasons
from server.domain.notices.sending import Outcome, OutgoingNotice
from server.notify.channels import configured_channels
from server.web.i18n import id_en

_CHAT_ID = re.compile(r"-?[0-9]{1,20}")
TEST_TEXT = "Pesan uji dari Antre: saluran ini siap mengirim pemberitahuan antrean."


@dataclass(frozen=True)
class TestResult:
    """What the page shows: sent (with the provider's message id) or why not."""

    channel: str
    sent: bool
    words: str


def send_test(config: ServerConfig, channel: str, address: str, now: dt.datetime) -> TestResult:
    adapter = configured_channels(config).get(channel)
    if adapter is None:
        return TestResult(channel, False, id_en("Saluran ini tidak aktif.", "This channel is off."))
    target = _address(channel, address.strip())
    if target is None:
        return TestResult(channel, False, _bad_address(channel))
    notice = OutgoingNotice(
        id=0,
        channel=channel,
        address=target,
        body=TEST_TEXT,
        template=None,
        parameters=(),
        language="id",
        idempotency_key=f"test-{secrets.token_hex(8)}",
        deadline=now + dt.timedelta(minutes=1),
        attempt=1,
    )
    try:
        result = adapter.send(notice)
    except Exception as exc:  # an adapter bug is shown, not a 500
        return TestResult(channel, False, f"adapter error ({type(exc).__name__})")
    if result.outcome == Outcome.SENT:
        sent_id = result.provider_message_id or "—"
        return TestResult(
            channel,
            True,
            id_en(f"Terkirim (ID penyedia {sent_id}).", f"Sent (provider id {sent_id})."),
        )
    reason = result.reason or ""
    return TestResult(
        channel, False, id_en(f"Gagal: {reasons.indonesian(reason)}", f"Failed: {reason}")
    )


def _address(channel: str, typed: str) -> str | None:
    if channel == "telegram":
        return typed if _CHAT_ID.fullmatch(typed) else None
    return normalise_phone(typed)


def _bad_address(channel: str) -> str:
    if channel == "telegram":
        return id_en(
            "Isi chat id (angka): bot hanya bisa menulis ke obrolan yang sudah menekan Start.",
            "Enter a chat id (digits): the bot can only write to a chat that pressed Start.",
        )
    return id_en("Nomor HP Indonesia tidak sah (mis. 0812…).", "Not an Indonesian mobile number.")
