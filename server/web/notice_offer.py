"""What the ticket page shows about notices (docs/notifications.md#what-the-visitor-sees).

Apart from the opt-in forms (``ticket_notices``) because the page itself needs it, and
those forms answer with the page: one module each way would make a circle.
"""

from __future__ import annotations

from typing import Any

from server.config import ServerConfig
from server.domain.context import Ctx
from server.domain.errors import DomainError
from server.domain.notices import opt_in
from server.domain.tickets import find_by_status_code
from server.models import OPEN_TICKET_STATES
from server.notify.channels import configured_channels


def notice_offer(
    ctx: Ctx, config: ServerConfig, status_code: str, language: str
) -> dict[str, Any] | None:
    """What the page shows about notices: None with no channel configured or a finished
    ticket, or with nothing to offer and nothing on; otherwise the channels offered and
    the active subscriptions, masked. The Telegram link carries the page's ``language``:
    the bot answers and notifies in it.

    Telegram is offered only with the bot's username: without it there is no t.me link
    to press (a token alone still sends to visitors bound before)."""
    channels = configured_channels(config)
    if not channels:
        return None
    try:
        ticket = find_by_status_code(ctx.session, status_code)
    except DomainError:
        return None
    if ticket.state not in OPEN_TICKET_STATES:
        return None
    telegram_link = None
    if "telegram" in channels and config.notify_telegram_bot:
        payload = opt_in.start_payload(config.secret_key, ticket.id, language)
        telegram_link = f"https://t.me/{config.notify_telegram_bot}?start={payload}"
    active = [
        {"channel": row.channel, "address": opt_in.shown_address(row)}
        for row in opt_in.active_for_ticket(ctx.session, ticket.id)
    ]
    if not active and telegram_link is None and not {"whatsapp", "sms"} & channels.keys():
        return None  # an empty panel, nothing to press
    return {
        "whatsapp": "whatsapp" in channels,
        "sms": "sms" in channels,
        "telegram_link": telegram_link,
        "active": active,
        "retention_days": config.retention_days,
    }
