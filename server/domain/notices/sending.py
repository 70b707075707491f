"""What a notice worker hands a channel adapter, and what the adapter answers.

The contract between the domain and the adapters of ``server.notify``: an adapter turns
an ``OutgoingNotice`` into one HTTP request and the provider's answer into a
``SendResult``, deciding only whether a failure is temporary or permanent; when to try
again, and whether to at all, is decided in ``delivery``.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class OutgoingNotice:
    """One claimed notice, ready for its channel (the address is the visitor's)."""

    id: int
    channel: str
    address: str
    body: str | None
    template: str | None
    parameters: tuple[str, ...]
    language: str
    idempotency_key: str
    deadline: dt.datetime
    attempt: int


class Outcome(enum.StrEnum):
    """How a send ended, as far as retrying is concerned."""

    SENT = "sent"  # the provider accepted it
    TEMPORARY = "temporary"  # try again later (timeout, 5xx, 429, device offline)
    PERMANENT = "permanent"  # trying again would fail the same way (bad number, bad token)


@dataclass(frozen=True)
class SendResult:
    """The provider's answer. ``reason`` is short, has no secret and no address in it:
    it is stored with the notice and may be logged. ``retry_after`` is the provider's
    own wait (HTTP Retry-After, Telegram's ``retry_after``), in seconds."""

    outcome: Outcome
    provider_message_id: str | None = None
    reason: str | None = None
    retry_after: float | None = None

    @classmethod
    def sent(cls, provider_message_id: str | None) -> SendResult:
        return cls(Outcome.SENT, provider_message_id=provider_message_id)

    @classmethod
    def temporary(cls, reason: str, retry_after: float | None = None) -> SendResult:
        return cls(Outcome.TEMPORARY, reason=reason[:200], retry_after=retry_after)

    @classmethod
    def permanent(cls, reason: str) -> SendResult:
        return cls(Outcome.PERMANENT, reason=reason[:200])


class Channel(Protocol):
    """A provider adapter. ``idempotent`` is True only when the provider itself drops a
    repeated request carrying the same ``idempotency_key``: then a send interrupted by a
    crash may be repeated freely; otherwise at most once more (``delivery``)."""

    name: str
    idempotent: bool

    def send(self, notice: OutgoingNotice) -> SendResult: ...
