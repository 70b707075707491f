"""The channels a configuration turns on: a channel is on when its token is set, and
with none set the hall has no notices at all (nothing is offered, nothing queued).

WhatsApp has one provider: the Cloud API when its token and number id are set, else
Fonnte, else Wablas (``load_config`` refuses Fonnte and Wablas together)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

from server.config import ServerConfig
from server.db import Database
from server.domain.notices.pacing import TokenBucket
from server.domain.notices.sending import Channel

from .fonnte import FonnteChannel
from .sms import SmsChannel, SmsShape
from .telegram import TelegramChannel
from .wablas import WablasChannel
from .whatsapp_cloud import WhatsAppCloudChannel
from .worker import NoticeWorker


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


def configured_buckets(
    config: ServerConfig, clock: Callable[[], float] = time.monotonic
) -> dict[str, TokenBucket]:
    return {
        "whatsapp": TokenBucket(whatsapp_per_minute(config), clock=clock),
        "telegram": TokenBucket(config.notify_telegram_per_minute, clock=clock),
        "sms": TokenBucket(config.notify_sms_per_minute, clock=clock),
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
        configured_buckets(config),
        clock=clock,
        timeout_seconds=config.notify_timeout_seconds,
    )
