"""The channels a configuration turns on: a channel is on when its token is set, and
with none set the hall has no notices at all (nothing is offered, nothing queued).

WhatsApp has one provider: the Cloud API when its token and number id are set, else
Fonnte, else Wablas (``load_config`` refuses Fonnte and Wablas together).

The configuration given is the one in effect (``AppState.notice_config()``, the console's
settings over the file's); ``CurrentWorker`` follows it as it changes."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from server.config import ServerConfig
from server.db import Database
from server.domain.notices.pacing import Pace
from server.domain.notices.sending import Channel

from .fonnte import FonnteChannel
from .sms import SmsChannel, SmsShape
from .telegram import TelegramChannel
from .wablas import WablasChannel
from .whatsapp_cloud import WhatsAppCloudChannel
from .worker import NoticeWorker

log = logging.getLogger("antre.notify")


def configured_channels(config: ServerConfig) -> dict[str, Channel]:
    """Channel name (as the visitor chooses it) → the adapter that serves it."""
    timeout = float(config.notify_timeout_seconds)
    channels: dict[str, Channel] = {}
    if config.notify_whatsapp_token and config.notify_whatsapp_phone_number_id:
        channels["whatsapp"] = WhatsAppCloudChannel(
            config.notify_whatsapp_token,
            config.notify_whatsapp_phone_number_id,
            base_url=config.notify_whatsapp_url,
            version=config.notify_whatsapp_version,
            timeout=timeout,
        )
    elif config.notify_fonnte_token:
        channels["whatsapp"] = FonnteChannel(
            config.notify_fonnte_token, base_url=config.notify_fonnte_url, timeout=timeout
        )
    elif config.notify_wablas_token and config.notify_wablas_url:
        channels["whatsapp"] = WablasChannel(
            config.notify_wablas_token, config.notify_wablas_url, timeout=timeout
        )
    if config.notify_sms_url:
        channels["sms"] = SmsChannel(SmsShape.from_config(config), timeout=timeout)
    if config.notify_telegram_token:
        channels["telegram"] = TelegramChannel(
            config.notify_telegram_token, base_url=config.notify_telegram_url, timeout=timeout
        )
    return channels


def configured_paces(config: ServerConfig) -> dict[str, Pace]:
    """Channel name → the pace its provider allows the whole hall."""
    return {
        "whatsapp": Pace.of(whatsapp_per_minute(config)),
        "telegram": Pace.of(config.notify_telegram_per_minute),
        "sms": Pace.of(config.notify_sms_per_minute),
    }


def whatsapp_per_minute(config: ServerConfig) -> int:
    """The pace of the provider that serves WhatsApp (the same order as the channels)."""
    if config.notify_whatsapp_token and config.notify_whatsapp_phone_number_id:
        return config.notify_whatsapp_per_minute
    if config.notify_fonnte_token:
        return config.notify_fonnte_per_minute
    return config.notify_wablas_per_minute


def configured_worker(
    config: ServerConfig, db: Database, clock: Callable[[], dt.datetime]
) -> NoticeWorker | None:
    """The worker for the configured channels; None when no channel is configured."""
    channels = configured_channels(config)
    if not channels:
        return None
    return NoticeWorker(
        db,
        channels,
        configured_paces(config),
        clock=clock,
        timeout_seconds=config.notify_timeout_seconds,
    )


class CurrentWorker:
    """The worker for the channels configured now: rebuilt, with its paces, when the
    settings in effect change (the console's settings: ``server.channel_settings``).

    With no channel a round costs what looking at the settings costs (at most one small
    query every few seconds) and sends nothing: nothing was queued either, since the
    triggers queue nothing with no channel."""

    def __init__(
        self,
        settings: Callable[[], ServerConfig],
        db: Database,
        clock: Callable[[], dt.datetime],
        owner: str | None = None,
    ) -> None:
        self.settings = settings
        self.db = db
        self.clock = clock
        self.owner = owner
        self.config: ServerConfig | None = None
        self.worker: NoticeWorker | None = None

    def refresh(self) -> NoticeWorker | None:
        """The worker for the settings now in effect (None: no channel)."""
        config = self.settings()
        if config is not self.config:
            before = sorted(self.worker.channels) if self.worker else []
            self.config = config
            self.worker = configured_worker(config, self.db, self.clock)
            if self.worker is not None and self.owner is not None:
                self.worker.owner = self.owner
            now = sorted(self.worker.channels) if self.worker else []
            if now != before:
                log.info("notices: sending through %s", ", ".join(now) or "no channel")
        return self.worker

    def run_once(self) -> int:
        worker = self.refresh()
        return worker.run_once() if worker is not None else 0

    @property
    def interval(self) -> int:
        return (self.config or self.settings()).notify_interval_seconds
